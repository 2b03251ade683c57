/**
 * Power: how likely the gate's regression test is to catch a real drop, and the smallest drop it can catch.
 *
 * The gate tests "the run's pass rate is lower than the baseline's" with the one-sided exact test stratified by row
 * (stats/regression.ts). Its power has no closed form (discrete, conditional on each row's margins), so it is
 * simulated: draw the run's passes per row from the rates a drop would leave, run the very test the gate runs, count
 * how often it rejects. Draws are seeded and shared across the drops and sizes compared (common random numbers: the
 * same uniforms decide every trial), so power rises monotonically with the drop and figures reproduce exactly.
 *
 * Two questions, two models of the baseline:
 * - against a baseline that exists (`powerAgainst`): its counts are data, fixed, as the gate will see them; the
 *   rates a regression starts from are the baseline's own rates per row.
 * - for a plan without a baseline (`plannedPower`): the baseline is a sample still to be drawn, at assumed rates.
 */
import { Counts } from './fisher';
import { BASELINE_BOUND_Z, belowBaseline } from './regression';
import { wilsonInterval } from './wilson';
import { binomialDraw, seeded, type Random } from './random';

/** Simulation settings. At the default 2,000 draws a power near 80% has a standard error of 0.9 points. */
export interface SimulationOptions {
  /** Simulated runs per figure; default 2,000. */
  simulations?: number;
  /** Seed of the draws; default 1. */
  seed?: number;
}

/** The run the gate will see and the level it tests at. */
export interface RunDesign {
  /** Trials per row in the run (repeats): one figure for every row, or one per row. */
  repeats: number | readonly number[];
  /** One-sided level of the test, after any multiplicity correction. */
  alpha: number;
}

/**
 * Power to detect a drop of `drop` (absolute, on every row; a row's rate cannot fall below 0) against the
 * baseline `baseline` (one entry per row), for a run of `design.repeats` trials per row.
 */
export function powerAgainst(
  baseline: readonly Counts[],
  design: RunDesign,
  drop: number,
  options: SimulationOptions = {},
): number {
  const repeats = baseline.map((_, i) =>
    typeof design.repeats === 'number' ? design.repeats : (design.repeats[i] ?? 0),
  );
  const rows = baseline.flatMap((a, i) => (a.trials > 0 && repeats[i]! > 0 ? [{ a, n: repeats[i]! }] : []));
  if (rows.length === 0) return 0;
  const rates = rows.map(({ a }) => Math.max(0, a.passes / a.trials - drop));
  return simulate(options, (random) => {
    const strata = rows.map(({ a, n }, i) => ({ a, b: draw(n, rates[i]!, random) }));
    return belowBaseline(strata).p <= design.alpha;
  });
}

/** A plan's assumptions when there is no baseline yet. */
export interface PlannedDesign extends RunDesign {
  /** Assumed pass rate per row before any regression. */
  rates: readonly number[];
  /** Trials per row the baseline will hold (default: as many as the run). */
  baselineRepeats?: number;
}

/** Power when the baseline too is still to be sampled, at the assumed `rates`. */
export function plannedPower(design: PlannedDesign, drop: number, options: SimulationOptions = {}): number {
  const repeats = (i: number) =>
    typeof design.repeats === 'number' ? design.repeats : (design.repeats[i] ?? 0);
  if (design.rates.length === 0) return 0;
  return simulate(options, (random) => {
    const strata = design.rates.map((rate, i) => ({
      a: draw(design.baselineRepeats ?? repeats(i), rate, random),
      b: draw(repeats(i), Math.max(0, rate - drop), random),
    }));
    return belowBaseline(strata).p <= design.alpha;
  });
}

/** The power a plan aims for, by convention (Cohen 1988): a real regression is missed at most one time in five. */
export const TARGET_POWER = 0.8;

/**
 * The smallest drop (to `resolution`) that `powerAt` detects with at least `target` power, or undefined when not
 * even the largest possible drop (`maxDrop`, every row falling to 0) is detected that often.
 */
export function minimalDetectableDrop(
  powerAt: (drop: number) => number,
  maxDrop: number,
  target: number = TARGET_POWER,
  resolution = 0.01,
): number | undefined {
  if (!(maxDrop > 0) || powerAt(maxDrop) < target) return undefined;
  // Power rises with the drop (common random numbers make it monotone), so bisect on a grid of `resolution`.
  let low = 0;
  let high = Math.ceil(maxDrop / resolution);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (powerAt(Math.min(maxDrop, mid * resolution)) >= target) high = mid;
    else low = mid;
  }
  return Math.min(maxDrop, high * resolution);
}

/**
 * The fewest repeats per row with at least `target` power according to `powerAt`, up to `maxRepeats`; undefined
 * when even `maxRepeats` fall short (e.g. the baseline itself is too small to show the drop).
 */
export function repeatsNeeded(
  powerAt: (repeats: number) => number,
  maxRepeats: number,
  target: number = TARGET_POWER,
): number | undefined {
  if (powerAt(maxRepeats) < target) return undefined;
  // Bracket by doubling, then bisect. Exact tests are discrete, so power is not strictly monotone in the size: the
  // answer is a size that reaches the target with none below it in the last bracket step found to, which is the
  // planning answer wanted (a few repeats either way change power by less than the simulation's noise).
  let low = 0;
  let high = 1;
  while (high < maxRepeats && powerAt(high) < target) {
    low = high;
    high = Math.min(maxRepeats, high * 2);
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (powerAt(mid) >= target) high = mid;
    else low = mid;
  }
  return high;
}

/** The largest drop any row can show: its whole pass rate. */
export function largestDrop(rates: readonly number[]): number {
  return rates.reduce((max, r) => Math.max(max, r), 0);
}

function simulate(options: SimulationOptions, rejects: (random: Random) => boolean): number {
  const simulations = options.simulations ?? 2000;
  const random = seeded(options.seed ?? 1);
  let hits = 0;
  for (let i = 0; i < simulations; i++) if (rejects(random)) hits++;
  return hits / simulations;
}

function draw(trials: number, rate: number, random: Random): Counts {
  return { passes: binomialDraw(trials, rate, random), trials };
}

/** Rows above which `detectableDrop` uses the normal approximation instead of simulating the exact test. */
export const SIMULATED_ROWS = 50;

/**
 * The minimal detectable drop of the gate's test for a run of `repeats[i]` trials on each baseline row: simulated
 * with the exact test up to SIMULATED_ROWS rows, and beyond that from the normal approximation of the stratified
 * statistic, where many rows make it accurate and simulating would cost minutes (each simulated test convolves
 * every row). Undefined when no drop can be shown.
 */
export function detectableDrop(
  baseline: readonly Counts[],
  repeats: readonly number[],
  level: number,
  target: number = TARGET_POWER,
  options: SimulationOptions = {},
): number | undefined {
  const rates = baseline.map((b) => (b.trials > 0 ? b.passes / b.trials : 0));
  if (baseline.length <= SIMULATED_ROWS) {
    return minimalDetectableDrop(
      (drop) => powerAgainst(baseline, { repeats, alpha: level }, drop, options),
      largestDrop(rates),
      target,
    );
  }
  return normalDetectableDrop(baseline, repeats, level, target);
}

/**
 * The normal approximation of the gate's test (stats/regression.ts): the run's total passes, against the
 * baseline's row rates r_i lowered by its allowance A (pooled rate minus its one-sided 95% lower bound). With m_i
 * run trials on row i, M their sum and V = sum m_i r_i (1 - r_i), a drop of d on every row is detected with power
 * `target` when d >= A + (z_level + z_target) sqrt(V) / M. Rates are smoothed by half a trial, so a row that
 * always passed still has some variance.
 */
export function normalDetectableDrop(
  baseline: readonly Counts[],
  repeats: readonly number[],
  level: number,
  target: number = TARGET_POWER,
): number | undefined {
  let passes = 0;
  let trials = 0;
  baseline.forEach((b, i) => {
    if (b.trials > 0 && (repeats[i] ?? 0) > 0) {
      passes += b.passes;
      trials += b.trials;
    }
  });
  if (trials === 0) return undefined;
  const allowance = Math.max(0, passes / trials - wilsonInterval(passes, trials, BASELINE_BOUND_Z).low);
  let runTrials = 0;
  let variance = 0;
  let ceiling = 0;
  baseline.forEach((b, i) => {
    const n = repeats[i] ?? 0;
    if (b.trials === 0 || n === 0) return;
    const p = Math.max(0, (b.passes + 0.5) / (b.trials + 1) - allowance);
    runTrials += n;
    variance += n * p * (1 - p);
    ceiling = Math.max(ceiling, b.passes / b.trials);
  });
  const drop =
    allowance + ((normalQuantile(1 - level) + normalQuantile(target)) * Math.sqrt(variance)) / runTrials;
  return drop <= ceiling ? Math.ceil(drop * 100) / 100 : undefined;
}

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs p in (0, 1), got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}
