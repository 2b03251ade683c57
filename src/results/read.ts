/**
 * The file edge of the results module: reads promptfoo results files and hands them to the pure parser and merger.
 */
import { UserError } from '../promptfile/errors';
import { fileError, readUserFile } from './fileError';
import { mergeResults } from './merge';
import { parseResults } from './parse';
import { TrialTable } from './trial';

/** Reads one or more `promptfoo eval -o *.json` files (shards of one eval are merged) into a trial table. */
export function readTrials(paths: readonly string[]): TrialTable {
  if (paths.length === 0)
    throw new UserError('no results file given; pass the JSON that `promptfoo eval -o` wrote');
  return mergeResults(paths.map((path) => parseResults(readJson(path), path)));
}

function readJson(path: string): unknown {
  const text = readUserFile(path, 'results file');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fileError(
      path,
      `not valid JSON (${(error as Error).message}); write results with \`-o results.json\``,
    );
  }
}
