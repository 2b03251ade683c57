/**
 * Merges parsed results files (shards of one eval, or several runs) into one table. Pure.
 * Repeats continue across files: if shard 1 holds 3 repeats of a row for a variant, shard 2's first is repeat 3,
 * so every (variant, row, repeat, evaluator) stays one distinct trial.
 */
import { fileError } from '../results/fileError';
import { ResultsFile } from './parseResults';
import { Graded, GradedAttempts, TrialTable } from '../results/trial';

/**
 * Merges files in the order given, renumbering their repeats in place. The same eval twice is refused: it would
 * count every trial twice.
 */
export function mergeResults(files: readonly ResultsFile[]): TrialTable {
  const evals = new Map<string, string>();
  for (const file of files) {
    if (file.evalId === undefined) continue;
    const earlier = evals.get(file.evalId);
    if (earlier !== undefined) {
      throw fileError(
        file.source,
        `is the same eval (${file.evalId}) as ${earlier}; pass each results file once`,
        'evalId',
      );
    }
    evals.set(file.evalId, file.source);
  }

  // Repeats so far per variant, then per row (nested maps: a million calls would make a million key strings).
  const offsets = new Map<string, Map<string, number>>();
  const attempts: TrialTable['attempts'] = [];
  const graded: (readonly Graded[])[] = [];
  for (const file of files) {
    const counts = new Map<string, Map<string, number>>();
    for (const a of file.attempts) {
      let rows = counts.get(a.variant);
      if (!rows) counts.set(a.variant, (rows = new Map()));
      const n = rows.get(a.row.key);
      if (n === undefined || a.repeat >= n) rows.set(a.row.key, a.repeat + 1);
    }
    // Renumbered in place (a trial reads its repeat from its attempt): the parsed files are ours, and a copy of
    // every call would double a large run's memory. Only when an earlier file had one of this file's rows: shards
    // split by rows share none, and a million lookups that find nothing are a second of a large merge.
    const renumber = [...counts].some(([variant, rows]) => {
      const earlier = offsets.get(variant);
      if (earlier) for (const row of rows.keys()) if (earlier.has(row)) return true;
      return false;
    });
    for (const a of file.attempts) {
      if (renumber) a.repeat += offsets.get(a.variant)?.get(a.row.key) ?? 0;
      attempts.push(a);
    }
    for (const list of file.trials.graded) graded.push(list);
    for (const [variant, rows] of counts) {
      let sums = offsets.get(variant);
      if (!sums) offsets.set(variant, (sums = new Map()));
      for (const [row, n] of rows) sums.set(row, (sums.get(row) ?? 0) + n);
    }
  }
  return { trials: new GradedAttempts(attempts, graded), attempts, sources: files.map((f) => f.source) };
}
