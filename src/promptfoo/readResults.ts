/**
 * The file edge of the results module: reads promptfoo results files and hands them to the pure parser and merger.
 */
import { UserError } from '../errors/diagnostics';
import { fileError, readUserFile } from '../results/fileError';
import { readManifest, type ShardedFile } from '../results/manifest';
import { mergeResults } from './mergeResults';
import { parseResults, type ResultsFile } from './parseResults';
import { TrialTable } from '../results/trial';

/**
 * Reads one or more `promptfoo eval -o *.json` files (shards of one eval are merged) into a trial table, with the
 * shard manifest found beside each file.
 */
export function readTrials(paths: readonly string[]): TrialTable {
  if (paths.length === 0)
    throw new UserError('no results file given; pass the JSON that `promptfoo eval -o` wrote');
  const files: ResultsFile[] = [];
  const shards: ShardedFile[] = [];
  for (const path of paths) {
    const text = readUserFile(path, 'results file');
    const file = parseResults(parseJson(text, path), path);
    files.push(file);
    shards.push({
      source: path,
      rowKeys: [...new Set(file.attempts.map((a) => a.row.key))],
      rowCount: new Set(file.attempts.map((a) => a.row.slot ?? a.row.key)).size,
      ...readManifest(path, text),
    });
  }
  return { ...mergeResults(files), shards };
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fileError(
      path,
      `not valid JSON (${(error as Error).message}); write results with \`-o results.json\``,
    );
  }
}
