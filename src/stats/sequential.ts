/**
 * Sequential sampling for the gate (`promptfile eval --until-decided`): run repeats in looks, stop each variant as
 * soon as its verdict is decided, and keep the gate's false-alarm rate at alpha however many looks are taken.
 *
 * The design is group-sequential with a fixed look schedule n_1 < ... < n_K = maxRepeat (repeats per row),
 * fixed before any data are seen, and two boundaries per look:
 * - **regressed** (efficacy): the gate's own regression test (stats/regression.ts, exact, stratified by row) on the
 *   repeats so far has p <= alpha_k / m, where m is the number of variants tested and alpha_k is the alpha spent at
 *   look k by the power-family spending function alpha * t^rho (Kim & DeMets 1987), t_k = n_k / maxRepeat:
 *   alpha_k = alpha * (t_k^rho - t_(k-1)^rho). With rho = 2 little is spent early, and the last of 5 looks keeps
 *   36% of alpha.
 * - **fine** (futility): the data rule out a drop of `drop` (the gate's maximum detectable drop): the exact test of
 *   "every row fell by `drop` from the baseline's rate" against the run's total passes, in the other tail, has
 *   p <= beta_k, with beta_k spent the same way from beta over the first K - 1 looks.
 *
 * Why the false-alarm rate holds (proof, not simulation): the gate fails a variant only when some look's test
 * rejects at its level. Each look's test is exact and valid at its level for every sample size, so under "no
 * regression" P(reject at look k) <= alpha_k / m; by the union bound over looks and variants, P(any rejection) <=
 * sum_k sum_v alpha_k / m = alpha, whatever the correlation between looks and whatever the stopping did. Stopping
 * for futility only removes chances to reject, so it cannot raise that probability (it is non-binding). The
 * bound is conservative (looks are positively correlated); the simulation in bench/gatePower.ts measures by how
 * much. Power is not guaranteed by a proof: futility can stop a real regression early, with probability at most
 * about beta, and the union bound costs power; the same simulation measures it against the fixed design.
 */
import { clampProbability } from './alternative';
import { binomialDensity } from './binomial';
import { ConvolvedDensity, Counts } from './fisher';
import { belowBaseline } from './regression';

/**
 * The spending exponent: alpha(t) = alpha * t^rho. 2 rather than 3 (closer to O'Brien-Fleming): a regression is
 * stopped sooner, for the same power at 1.4 times the fixed repeats (bench/gatePower.ts; a scan of rho 2 and 3,
 * beta 0.1 and 0.2, 5 and 8 looks, budgets 1.3 to 1.5 found this the cheapest with power of at least 80%).
 */
export const SPENDING_RHO = 2;
/** Total probability of stopping a real regression of `drop` early for futility (at most; spent like alpha). */
export const FUTILITY_BETA = 0.1;
/**
 * The budget of a run until decided, as a multiple of the repeats a fixed design needs (`promptfile plan`): the
 * union bound leaves the last look less than the full alpha, and the extra repeats buy the power back (simulated in
 * bench/gatePower.ts: at 1.4 the power matches the fixed design's, while most runs stop long before the budget).
 */
export const SEQUENTIAL_BUDGET = 1.4;

/** Looks by default: the first after a fifth of the budget (bench/gatePower.ts measured 3 to 5). */
export const DEFAULT_LOOKS = 5;

/** A sequential design, as the manifest records it and the gate recomputes it. */
export interface SequentialDesign {
  /** Repeats per row after each look, strictly increasing; the last is the budget (`--max-repeat`). */
  looks: number[];
  /** Family-wise alpha of the gate. */
  alpha: number;
  /** The drop the futility boundary rules out (the gate's maximum detectable drop). */
  drop: number;
  rho: number;
  beta: number;
}

/** The evenly spaced look schedule: K looks up to maxRepeat, each a whole number of repeats, strictly increasing. */
export function lookSchedule(maxRepeat: number, looks: number = DEFAULT_LOOKS): number[] {
  const k = Math.max(1, Math.min(looks, maxRepeat));
  const schedule: number[] = [];
  for (let i = 1; i <= k; i++) schedule.push(Math.ceil((maxRepeat * i) / k));
  return [...new Set(schedule)];
}

/** A design with the shipped spending exponent and futility beta. */
export function sequentialDesign(options: {
  maxRepeat: number;
  looks?: number;
  alpha?: number;
  drop?: number;
}): SequentialDesign {
  return {
    looks: lookSchedule(options.maxRepeat, options.looks),
    alpha: options.alpha ?? 0.05,
    drop: options.drop ?? 0.15,
    rho: SPENDING_RHO,
    beta: FUTILITY_BETA,
  };
}

/** Why a design is not one the gate can use, or undefined when it is. */
export function designProblem(design: SequentialDesign): string | undefined {
  const { looks } = design;
  if (!Array.isArray(looks) || looks.length === 0) return 'it has no looks';
  for (let i = 0; i < looks.length; i++) {
    const n = looks[i]!;
    if (!Number.isSafeInteger(n) || n < 1 || n > 100_000)
      return `look ${i + 1} (${n}) is not a whole number of repeats`;
    if (i > 0 && n <= looks[i - 1]!) return 'its looks do not increase';
  }
  if (design.rho !== SPENDING_RHO || design.beta !== FUTILITY_BETA)
    return `it spends alpha with rho ${design.rho} and beta ${design.beta}, not this version's ${SPENDING_RHO} and ${FUTILITY_BETA}`;
  return undefined;
}

/** The alpha spent at look `k` (1-based), before dividing among variants. */
export function alphaAt(design: SequentialDesign, k: number): number {
  return spent(design, design.alpha, k, design.looks.length);
}

/** The futility level at look `k`; 0 at the last look (there the fixed test decides alone). */
export function betaAt(design: SequentialDesign, k: number): number {
  const interim = design.looks.length - 1;
  return k > interim ? 0 : spentOver(design.beta, design.rho, design.looks, k, interim);
}

function spent(design: SequentialDesign, total: number, k: number, of: number): number {
  return spentOver(total, design.rho, design.looks, k, of);
}

function spentOver(total: number, rho: number, looks: readonly number[], k: number, of: number): number {
  const last = looks[of - 1]!;
  const t = (i: number) => (i === 0 ? 0 : looks[i - 1]! / last);
  return total * (t(k) ** rho - t(k - 1) ** rho);
}

/** What one look says about one variant. */
export type LookDecision = 'regressed' | 'fine' | 'continue';

/** The p-values and levels behind a look's decision. */
export interface LookTest {
  decision: LookDecision;
  /** The regression test's p-value and the level it had to reach. */
  p: number;
  level: number;
  /** The futility test's p-value and its level (0 at the last look). */
  pFine: number;
  levelFine: number;
}

/**
 * Decides look `k` (1-based) for a variant tested alongside `variants` others in total, from each shared row's
 * baseline and run counts so far. At the last look a variant not regressed is `fine`.
 */
export function decideLook(
  design: SequentialDesign,
  k: number,
  variants: number,
  strata: readonly { a: Counts; b: Counts }[],
): LookTest {
  const level = alphaAt(design, k) / Math.max(1, variants);
  const { p } = belowBaseline(strata);
  const levelFine = betaAt(design, k);
  const pFine = aboveDrop(strata, design.drop);
  const last = k >= design.looks.length;
  const decision: LookDecision =
    p <= level * (1 + 1e-9) ? 'regressed' : last || pFine <= levelFine * (1 + 1e-9) ? 'fine' : 'continue';
  return { decision, p, level, pFine, levelFine };
}

/**
 * The futility test: P(run passes >= observed) if every row had fallen by `drop` from the baseline's rate for it
 * (exact, the convolution of one binomial per row). Small when the run is clearly better than such a drop.
 */
export function aboveDrop(strata: readonly { a: Counts; b: Counts }[], drop: number): number {
  const used = strata.filter((s) => s.a.trials > 0 && s.b.trials > 0);
  if (used.length === 0) return 1;
  const convolved = new ConvolvedDensity();
  let observed = 0;
  for (const { a, b } of used) {
    observed += b.passes;
    convolved.add({ low: 0, density: binomialDensity(b.trials, Math.max(0, a.passes / a.trials - drop)) });
  }
  const density = convolved.window();
  let p = 0;
  for (let i = density.length - 1; i >= 0 && convolved.low + i >= observed; i--) p += density[i]!;
  return clampProbability(p);
}
