/**
 * "Is this run worse than the baseline?" for one variant and endpoint, as a one-sided exact test that holds its
 * false-alarm rate for the baseline actually committed, not only on average over baselines.
 *
 * Why this test:
 * - A baseline is one sample, committed once and then held against every later run. A plain two-sample test
 *   (Fisher's, stratified) is valid on average over baselines, but a lucky one (it happened to pass more than the
 *   model really does) fails ordinary runs far more often than alpha: simulated, half of all runs against the
 *   worst of 40 baselines (BENCHMARKS.md, "Gate"). So the baseline is read as what it can vouch for: its rate is
 *   lowered by how lucky it could have been, the distance from its pooled pass rate to its one-sided 95% Wilson
 *   lower bound, and the run is tested against those lowered rates with an exact test. For every baseline whose
 *   bound holds (95% of them, by the bound's definition) a run of the same model fails at most alpha of the time.
 *   Merging runs into the baseline (`baseline --merge`) narrows the bound, and so the price in power.
 * - Stratified by prompt row: under the null the run's passes on row i are Binomial(m_i, r_i) with r_i the
 *   baseline's row rate lowered as above, and the statistic is the run's total passes, whose distribution is the
 *   convolution of those binomials. Rows differ wildly in difficulty; a run that sampled harder rows (shards,
 *   filters) is compared with those rows' own rates. Rows present on one side only carry no information about a
 *   change and are left out. When the two sides share no row at all, the totals stand as one row, which is still
 *   valid when both sides cover the same population of rows.
 * - Not a paired test: baseline and run are separate evaluations, and the baseline keeps counts, not outcomes.
 */
import { clampProbability } from './alternative';
import { binomialWindow } from './binomial';
import { ConvolvedDensity, Counts } from './fisher';
import { wilsonInterval } from './wilson';

/** The one-sided normal quantile for the baseline's lower bound: 95% of baselines do not overstate their rate more. */
export const BASELINE_BOUND_Z = 1.6448536269514722;

/** The outcome of the regression test. */
export interface RegressionTest {
  /** One-sided p-value for "the run's pass rate is lower than the baseline vouches for". */
  p: number;
  /** `stratified`: by rows both sides share; `pooled`: on totals, the sides sharing no row. */
  method: 'stratified' | 'pooled';
  /** Baseline counts the test used (shared rows only when stratified). */
  before: Counts;
  /** Run counts the test used. */
  after: Counts;
  /** Rows that entered the test. */
  rows: number;
  /** How far the baseline's rates were lowered: its pooled rate minus its one-sided 95% lower bound. */
  allowance: number;
}

/** Tests whether `run` is worse than `baseline`; both map a row key to that row's counts. */
export function worseThanBaseline(
  baseline: ReadonlyMap<string, Counts>,
  run: ReadonlyMap<string, Counts>,
): RegressionTest {
  return regressionOn(sharedStrata(baseline, run), baseline, run);
}

/** One row both sides have trials on: the baseline's counts (a) and the run's (b). */
export interface Stratum {
  a: Counts;
  b: Counts;
}

/** The rows both sides have trials on, in the run's order: the strata of the test. */
export function sharedStrata(
  baseline: ReadonlyMap<string, Counts>,
  run: ReadonlyMap<string, Counts>,
): Stratum[] {
  const strata: Stratum[] = [];
  for (const [row, b] of run) {
    if (b.trials === 0) continue;
    const a = baseline.get(row);
    if (a && a.trials > 0) strata.push({ a, b });
  }
  return strata;
}

/**
 * `worseThanBaseline` on its strata, already paired (`sharedStrata`): a caller that reads the same rows for several
 * purposes pairs them once. The maps are read only when the sides share no row (the test on totals).
 */
export function regressionOn(
  strata: readonly Stratum[],
  baseline: ReadonlyMap<string, Counts>,
  run: ReadonlyMap<string, Counts>,
): RegressionTest {
  if (strata.length > 0) {
    const { p, allowance } = belowBaseline(strata);
    const before = { passes: 0, trials: 0 };
    const after = { passes: 0, trials: 0 };
    for (const { a, b } of strata) {
      before.passes += a.passes;
      before.trials += a.trials;
      after.passes += b.passes;
      after.trials += b.trials;
    }
    return { p, allowance, method: 'stratified', before, after, rows: strata.length };
  }
  const before = sum([...baseline.values()]);
  const after = sum([...run.values()]);
  const { p, allowance } = belowBaseline([{ a: before, b: after }]);
  return { p, allowance, method: 'pooled', before, after, rows: run.size };
}

/**
 * The test itself, on strata of (baseline a, run b) counts: P(run passes <= observed) when row i passes at the
 * baseline's rate for it, lowered by the allowance. Power simulations (stats/power.ts) call this very function.
 */
export function belowBaseline(strata: readonly { a: Counts; b: Counts }[]): { p: number; allowance: number } {
  const used = strata.filter((s) => s.a.trials > 0 && s.b.trials > 0);
  if (used.length === 0) return { p: 1, allowance: 0 };
  const { density, low, allowance } = nullDistribution(used);
  let observed = 0;
  for (const { b } of used) observed += b.passes;
  let p = 0;
  for (let i = 0; i < density.length && low + i <= observed; i++) p += density[i]!;
  return { p: clampProbability(p), allowance };
}

interface NullDistribution {
  density: number[];
  low: number;
  allowance: number;
}

/**
 * The run's total passes under the null, for strata with trials on both sides. It depends only on the baseline's
 * counts and the run's trials, so the last few are kept: a power simulation asks for the same one thousands of times.
 */
function nullDistribution(used: readonly Stratum[]): NullDistribution {
  // Rows with the same baseline counts pass at the same lowered rate r, and Binomial(m₁, r) + Binomial(m₂, r) is
  // Binomial(m₁ + m₂, r): a large run (hundreds of thousands of rows, a few distinct counts) convolves a handful of
  // densities instead of one per row. So the groups, in order of first appearance, and the baseline's total
  // (which sets the allowance) are all the distribution depends on, and what it is kept by.
  const groups = new Map<number, Map<number, [number, number, number]>>();
  // passes/trials of the baseline's row, and the run's trials on all such rows.
  const order: [number, number, number][] = [];
  const before = { passes: 0, trials: 0 };
  for (const { a, b } of used) {
    before.passes += a.passes;
    before.trials += a.trials;
    let byTrials = groups.get(a.passes);
    if (!byTrials) groups.set(a.passes, (byTrials = new Map()));
    let group = byTrials.get(a.trials);
    if (!group) {
      group = [a.passes, a.trials, 0];
      byTrials.set(a.trials, group);
      order.push(group);
    }
    group[2] += b.trials;
  }
  const key = `${before.passes}/${before.trials}:${order.map((g) => g.join('/')).join(',')}`;
  const cached = recent.get(key);
  if (cached) return cached;
  const rate = before.passes / before.trials;
  const allowance = Math.max(0, rate - wilsonInterval(before.passes, before.trials, BASELINE_BOUND_Z).low);
  // Each group's density is cut to where it is not negligible.
  const convolved = new ConvolvedDensity();
  for (const [passes, trials, runTrials] of order)
    convolved.add(binomialWindow(runTrials, Math.max(0, passes / trials - allowance)));
  const result = { density: convolved.window(), low: convolved.low, allowance };
  recent.set(key, result);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value as string);
  return result;
}

const RECENT = 16;
const recent = new Map<string, NullDistribution>();

function sum(counts: readonly Counts[]): Counts {
  return counts.reduce((t, c) => ({ passes: t.passes + c.passes, trials: t.trials + c.trials }), {
    passes: 0,
    trials: 0,
  });
}
