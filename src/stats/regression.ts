/**
 * "Is this run worse than the baseline?" for one variant and evaluator, as a one-sided exact test.
 *
 * Why this test:
 * - Not a paired test. Baseline and run are separate evaluations; repeat 2 of a row today is not "the same trial" as
 *   repeat 2 of that row last week, they are independent draws from the model. McNemar needs true pairs; it is used
 *   between variants of one run (see compare), not here. The baseline also keeps counts, not individual outcomes.
 * - Not a binomial test against the baseline's rate. That treats the baseline rate as exact: a baseline of 20/20
 *   would make one failure out of 200 a "significant regression" (p = 0), and the gate would flap.
 *   A two-sample test accounts for the baseline's own sampling error.
 * - Stratified by prompt row (exact conditional test over 2x2 tables, Fisher's exact test when there is one row).
 *   Rows differ wildly in difficulty; a run that sampled harder rows (`--filter-sample`, shards) must not look like a
 *   regression. Conditioning on each row's margins compares like with like. Rows present on one side only carry no
 *   information about a change and are left out. When the two sides share no row at all, it falls back to Fisher's
 *   exact test on the totals, which is still valid when both sides cover the same population of rows.
 */
import { Counts, fisherExact, stratifiedExact } from './fisher';

/** The outcome of the regression test. */
export interface RegressionTest {
  /** One-sided p-value for "the run's pass rate is lower than the baseline's". */
  p: number;
  /** `stratified`: by rows both sides share; `pooled`: Fisher's test on totals, the sides sharing no row. */
  method: 'stratified' | 'pooled';
  /** Baseline counts the test used (shared rows only when stratified). */
  before: Counts;
  /** Run counts the test used. */
  after: Counts;
  /** Rows that entered the test. */
  rows: number;
}

/** Tests whether `run` is worse than `baseline`; both map a row key to that row's counts. */
export function worseThanBaseline(
  baseline: ReadonlyMap<string, Counts>,
  run: ReadonlyMap<string, Counts>,
): RegressionTest {
  const shared = [...run.keys()].filter(
    (row) => (baseline.get(row)?.trials ?? 0) > 0 && (run.get(row)?.trials ?? 0) > 0,
  );
  if (shared.length > 0) {
    const strata = shared.map((row) => ({ a: baseline.get(row) as Counts, b: run.get(row) as Counts }));
    return {
      p: stratifiedExact(strata, 'less').p,
      method: 'stratified',
      before: sum(strata.map((s) => s.a)),
      after: sum(strata.map((s) => s.b)),
      rows: shared.length,
    };
  }
  const before = sum([...baseline.values()]);
  const after = sum([...run.values()]);
  return { p: fisherExact(before, after, 'less').p, method: 'pooled', before, after, rows: run.size };
}

function sum(counts: readonly Counts[]): Counts {
  return counts.reduce((t, c) => ({ passes: t.passes + c.passes, trials: t.trials + c.trials }), {
    passes: 0,
    trials: 0,
  });
}
