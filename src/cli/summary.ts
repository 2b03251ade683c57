/** The table `promptfile eval` prints: pass rates per variant and per evaluator, with errors counted apart. */
import { compare, readTrials, renderCompare } from '../gate';

/** Summarises a results file as text; also returns how many calls ended in an error. */
export function summarise(resultsPath: string): { text: string; errors: number } {
  const table = readTrials([resultsPath]);
  const errors = table.attempts.filter((a) => a.outcome === 'error').length;
  return { text: renderCompare(compare(table), 'text'), errors };
}
