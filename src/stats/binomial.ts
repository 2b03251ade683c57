/**
 * The exact binomial test. Reference values (R `binom.test`, SciPy `binomtest`, same method):
 * - 682 successes of 925, p = 3/4, two-sided: p = 0.3825 (the example in R's `?binom.test`, Conover 1971, p. 97).
 * - 7 of 20, p = 1/2, two-sided: 0.2632; less: 0.1316.
 * Two-sided p-values sum every outcome no more likely than the observed one (Conover's method, as R and SciPy do),
 * not "twice the smaller tail", which can exceed what the data support when p != 1/2.
 */
import { Alternative, TestResult, clampProbability, twoSidedFromDensity } from './alternative';

const lnFactorials: number[] = [0];

/** ln(n!) for a non-negative integer n, from a table grown on demand (exact summation, no approximation). */
export function lnFactorial(n: number): number {
  for (let i = lnFactorials.length; i <= n; i++) lnFactorials.push((lnFactorials[i - 1] ?? 0) + Math.log(i));
  return lnFactorials[n] ?? Number.NaN;
}

/** ln(n choose k); -Infinity when k is outside 0..n. */
export function lnChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return lnFactorial(n) - lnFactorial(k) - lnFactorial(n - k);
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(lnChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** The whole Binomial(n, p) distribution, index = number of successes. */
export function binomialDensity(n: number, p: number): number[] {
  return Array.from({ length: n + 1 }, (_, k) => binomialPmf(k, n, p));
}

/**
 * Binomial(n, p) where it is not negligible (below 1e-300, as ConvolvedDensity cuts): `density[i]` is P(X = low + i).
 * Found by walking out from the mode, so a large n costs the width of the distribution (about 77 standard
 * deviations), not n.
 */
export function binomialWindow(n: number, p: number): { low: number; density: number[] } {
  if (n <= 64) return { low: 0, density: binomialDensity(n, p) };
  const mode = Math.min(n, Math.floor((n + 1) * p));
  let low = mode;
  while (low > 0 && binomialPmf(low - 1, n, p) >= BINOMIAL_NEGLIGIBLE) low--;
  let high = mode;
  while (high < n && binomialPmf(high + 1, n, p) >= BINOMIAL_NEGLIGIBLE) high++;
  const density: number[] = [];
  for (let k = low; k <= high; k++) density.push(binomialPmf(k, n, p));
  return { low, density };
}

const BINOMIAL_NEGLIGIBLE = 1e-300;

/**
 * Exact binomial test of `successes` out of `trials` against success probability `p`.
 * `less` asks whether the true rate is below `p`. With no trials there is no evidence: p = 1.
 */
export function binomialTest(
  successes: number,
  trials: number,
  p: number,
  alternative: Alternative = 'two-sided',
): TestResult {
  assertCount(successes, trials);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (trials === 0) return { p: 1, alternative };
  const density = binomialDensity(trials, p);
  return { p: pValueFromDensity(density, successes, alternative), alternative };
}

/** The p-value of an observed index into a discrete density, for any alternative. */
export function pValueFromDensity(
  density: readonly number[],
  observed: number,
  alternative: Alternative,
): number {
  if (alternative === 'two-sided') return twoSidedFromDensity(density, observed);
  let p = 0;
  if (alternative === 'less') for (let i = 0; i <= observed; i++) p += density[i] ?? 0;
  else for (let i = observed; i < density.length; i++) p += density[i] ?? 0;
  return clampProbability(p);
}

/** Rejects counts that cannot come from trials: negative, fractional, or more successes than trials. */
export function assertCount(successes: number, trials: number): void {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(`invalid count ${successes}/${trials}`);
  }
}
