/**
 * Counting trials: per variant, per evaluator, per row. The one place where outcomes become numbers,
 * shared by compare, baselines and the gate so they cannot disagree about what a "trial" is.
 */
import { Attempt, Trial } from '../results/trial';

/** `trials` counts graded trials (pass or fail); errors are counted apart, since nothing was measured. */
export interface Tally {
  passes: number;
  trials: number;
  errors: number;
}

/** One evaluator of one variant: its total and its rows (keyed by RowRef.key). */
export interface EvaluatorTally {
  total: Tally;
  rows: Map<string, Tally>;
}

/** variant -> evaluator -> counts, each map in order of first appearance. */
export type TallyTable = Map<string, Map<string, EvaluatorTally>>;

/** An empty tally. */
export function emptyTally(): Tally {
  return { passes: 0, trials: 0, errors: 0 };
}

/** Adds one outcome to a tally. */
export function count(tally: Tally, outcome: Trial['outcome']): void {
  if (outcome === 'error') tally.errors++;
  else {
    tally.trials++;
    if (outcome === 'pass') tally.passes++;
  }
}

/** Counts trials per variant, evaluator and row. */
export function tallyTrials(trials: readonly Trial[]): TallyTable {
  const table: TallyTable = new Map();
  for (const t of trials) {
    let evaluators = table.get(t.variant);
    if (!evaluators) table.set(t.variant, (evaluators = new Map()));
    let tally = evaluators.get(t.evaluator);
    if (!tally) evaluators.set(t.evaluator, (tally = { total: emptyTally(), rows: new Map() }));
    let row = tally.rows.get(t.row.key);
    if (!row) tally.rows.set(t.row.key, (row = emptyTally()));
    count(tally.total, t.outcome);
    count(row, t.outcome);
  }
  return table;
}

/** Counts calls per variant and row by their row verdict (pass: every evaluator of the row passed). */
export function tallyAttempts(attempts: readonly Attempt[]): Map<string, EvaluatorTally> {
  const table = new Map<string, EvaluatorTally>();
  for (const a of attempts) {
    let tally = table.get(a.variant);
    if (!tally) table.set(a.variant, (tally = { total: emptyTally(), rows: new Map() }));
    let row = tally.rows.get(a.row.key);
    if (!row) tally.rows.set(a.row.key, (row = emptyTally()));
    count(tally.total, a.outcome);
    count(row, a.outcome);
  }
  return table;
}
