/**
 * Merges parsed results files (shards of one eval, or several runs) into one table. Pure.
 * Repeats continue across files: if shard 1 holds 3 repeats of a row for a variant, shard 2's first is repeat 3,
 * so every (variant, row, repeat, evaluator) stays one distinct trial.
 */
import { fileError } from '../results/fileError';
import { ResultsFile } from './parseResults';
import { TrialTable } from '../results/trial';

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

  const offsets = new Map<string, number>();
  const table: TrialTable = { trials: [], attempts: [], sources: files.map((f) => f.source) };
  for (const file of files) {
    const slot = (variant: string, row: string) => `${variant}\u0000${row}`;
    const counts = new Map<string, number>();
    // Renumbered in place: the parsed files are ours, and a copy of every trial would double a large run's memory.
    for (const a of file.attempts) {
      const key = slot(a.variant, a.row.key);
      counts.set(key, Math.max(counts.get(key) ?? 0, a.repeat + 1));
      a.repeat += offsets.get(key) ?? 0;
      table.attempts.push(a);
    }
    for (const t of file.trials) {
      t.repeat += offsets.get(slot(t.variant, t.row.key)) ?? 0;
      table.trials.push(t);
    }
    for (const [key, n] of counts) offsets.set(key, (offsets.get(key) ?? 0) + n);
  }
  return table;
}
