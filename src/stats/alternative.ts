/**
 * Which way a test looks. `less`: the observed count is smaller than the null says;
 * `greater`: larger; `two-sided`: either way.
 */
export type Alternative = 'two-sided' | 'less' | 'greater';

/** The result of a hypothesis test. */
export interface TestResult {
  /** The p-value, in [0, 1]. Exactly 1 when there was no evidence to weigh (no trials). */
  p: number;
  alternative: Alternative;
}

/**
 * Tolerance when a two-sided exact test sums "outcomes at most as likely as the one observed".
 * Without it, floating-point noise decides whether a tie in probability counts; R uses the same 1e-7.
 */
export const RELATIVE_TIE = 1 + 1e-7;

/** Sums the probabilities of a discrete distribution that are no more likely than the observed outcome. */
export function twoSidedFromDensity(density: readonly number[], observedIndex: number): number {
  const observed = density[observedIndex] ?? 0;
  let p = 0;
  for (const d of density) if (d <= observed * RELATIVE_TIE) p += d;
  return clampProbability(p);
}

/** Keeps a summed probability inside [0, 1] despite rounding. */
export function clampProbability(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/**
 * Whether `p` is significant at level `alpha`: p <= alpha, where "equal" allows a relative 1e-9. Exact tests give
 * p-values such as 1/20 that floating point lands a hair either side of (0.04999999999999996 for one table of exact
 * p 1/20, 0.05000000000000003 for another), so without the tolerance rounding would decide ties at alpha. 1e-9 is far
 * below any real difference between two p-values and far above the rounding error of their sums.
 */
export function atLevel(p: number, alpha: number): boolean {
  return p <= alpha * (1 + 1e-9);
}
