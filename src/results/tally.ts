/**
 * Counting trials: per variant, per evaluator, per row. The one place where outcomes become numbers,
 * shared by compare, baselines and the gate so they cannot disagree about what a "trial" is.
 */
import { Attempt, eachVerdict, Trial, Trials } from './trial';

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
export function tallyTrials(trials: Trials): TallyTable {
  const table: TallyTable = new Map();
  eachVerdict(trials, (variant, evaluator, row, outcome) =>
    countVerdict(table, variant, evaluator, row.key, outcome),
  );
  return table;
}

/** Adds one verdict to `table` (as tallyTrials counts each), for callers that count in a pass of their own. */
export function countVerdict(
  table: TallyTable,
  variant: string,
  evaluator: string,
  row: string,
  outcome: Trial['outcome'],
): void {
  let evaluators = table.get(variant);
  if (!evaluators) table.set(variant, (evaluators = new Map()));
  countRow(evaluators, evaluator, row, outcome);
}

/** Counts calls per variant and row by their row verdict (pass: every evaluator of the row passed). */
export function tallyAttempts(attempts: readonly Attempt[]): Map<string, EvaluatorTally> {
  const table = new Map<string, EvaluatorTally>();
  for (const a of attempts) countRow(table, a.variant, a.row.key, a.outcome);
  return table;
}

/** Adds one outcome to `tallies[name]`, its total and its row, creating what is missing. */
function countRow(
  tallies: Map<string, EvaluatorTally>,
  name: string,
  row: string,
  outcome: Trial['outcome'],
): void {
  let tally = tallies.get(name);
  if (!tally) tallies.set(name, (tally = { total: emptyTally(), rows: new Map() }));
  let counts = tally.rows.get(row);
  if (!counts) tally.rows.set(row, (counts = emptyTally()));
  count(tally.total, outcome);
  count(counts, outcome);
}
