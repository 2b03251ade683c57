/**
 * What a pull request's baseline changes against the base branch's: the expectations it lowers (a lower pass rate,
 * fewer trials behind it, a row or evaluator or variant dropped) and the ones it adds. A pull request that lowers
 * the bar it is judged by must say so (gate --accept-lowered, a reviewer's decision); until then the gate judges it
 * by the base branch's baseline.
 */
import { Baseline, BaselineEvaluator } from './baseline';
import { ROW_VERDICT } from './failure';
import { Tally } from '../results/tally';

/** One variant x evaluator (or row verdict) whose expectation differs. */
export interface BaselineChange {
  variant: string;
  /** The evaluator, or ROW_VERDICT. */
  evaluator: string;
  /** lowered: a lower rate or fewer trials, in total or on a row; removed: gone; added: new in the proposal. */
  kind: 'lowered' | 'removed' | 'added';
  before?: Tally;
  after?: Tally;
  /** For `lowered`: the rows whose rate dropped, whose trials shrank, or that are gone. */
  rows: string[];
}

/** Every expectation `proposed` lowers or adds relative to `previous`, in the order of `previous`, then additions. */
export function baselineChanges(previous: Baseline, proposed: Baseline): BaselineChange[] {
  const changes: BaselineChange[] = [];
  const entries = (b: Baseline) => {
    const out = new Map<string, { variant: string; evaluator: string; entry: BaselineEvaluator }>();
    for (const [variant, verdict] of Object.entries(b.rowVerdicts ?? {}))
      out.set(key(variant, ROW_VERDICT), { variant, evaluator: ROW_VERDICT, entry: verdict });
    for (const [variant, evaluators] of Object.entries(b.variants))
      for (const [evaluator, entry] of Object.entries(evaluators))
        out.set(key(variant, evaluator), { variant, evaluator, entry });
    return out;
  };
  const before = entries(previous);
  const after = entries(proposed);
  for (const [k, { variant, evaluator, entry }] of before) {
    const now = after.get(k)?.entry;
    if (!now) {
      changes.push({
        variant,
        evaluator,
        kind: 'removed',
        before: entry.total,
        rows: Object.keys(entry.rows),
      });
      continue;
    }
    const rows = Object.entries(entry.rows)
      .filter(([row, was]) => {
        const is = now.rows[row];
        return !is || lower(was, is);
      })
      .map(([row]) => row);
    if (rows.length > 0 || lower(entry.total, now.total))
      changes.push({ variant, evaluator, kind: 'lowered', before: entry.total, after: now.total, rows });
  }
  for (const [k, { variant, evaluator, entry }] of after)
    if (!before.has(k)) changes.push({ variant, evaluator, kind: 'added', after: entry.total, rows: [] });
  return changes;
}

/** `is` expects less than `was`: a lower pass rate among graded trials, or fewer graded trials behind it. */
function lower(was: Tally, is: Tally): boolean {
  if (is.trials < was.trials) return true;
  // passes/trials compared exactly: counts up to 1e9 multiply past 2^53.
  return BigInt(is.passes) * BigInt(was.trials) < BigInt(was.passes) * BigInt(is.trials);
}

function key(variant: string, evaluator: string): string {
  return `${variant}\u0000${evaluator}`;
}
