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
import { Counts, stratifiedExact } from './fisher';
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
    return stratifiedExact(strata, 'less').p <= design.alpha;
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
    return stratifiedExact(strata, 'less').p <= design.alpha;
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
