/**
 * The file edge of the results module: reads promptfoo results files, streaming (promptfoo/scanResults.ts), into
 * the pure parser and merger.
 */
import { UserError } from '../errors/diagnostics';
import { fileError } from '../results/fileError';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { MANIFEST_FILE, readManifest, type ShardedFile } from '../results/manifest';
import { mergeResults } from './mergeResults';
import { notResults, ResultsParser, type ParseOptions, type ResultsFile } from './parseResults';
import { scanResults, ScanError } from './scanResults';
import { TrialTable } from '../results/trial';
import { record } from './json';

/**
 * Reads one or more `promptfoo eval -o *.json` files (shards of one eval are merged) into a trial table, with the
 * shard manifest found beside each file. Each file is read in chunks, one result at a time, so its size is not
 * bounded by memory or by V8's largest string; `details: false` drops reasons and replies, for commands that only
 * count. `readTrialsInParallel` (parallelResults.ts) reads several large files on every core.
 */
export function readTrials(paths: readonly string[], options: ParseOptions = {}): TrialTable {
  requireInputs(paths);
  return tableOf(paths.map((path) => readResultsFile(path, options)));
}

/** Refuses an empty list of results files. */
export function requireInputs(paths: readonly string[]): void {
  if (paths.length === 0)
    throw new UserError('no results file given; pass the JSON that `promptfoo eval -o` wrote');
}

/** The table of files read (in the order given), each with the shard manifest found beside it. */
export function tableOf(read: readonly { file: ResultsFile; sha256: string }[]): TrialTable {
  const shards: ShardedFile[] = read.map(({ file, sha256 }) => {
    const keys = new Set<string>();
    const places = new Set<string>();
    for (const a of file.attempts) {
      keys.add(a.row.key);
      places.add(a.row.slot ?? a.row.key);
    }
    return {
      source: file.source,
      rowKeys: [...keys],
      rowCount: places.size,
      ...readManifest(file.source, sha256),
    };
  });
  return { ...mergeResults(read.map((r) => r.file)), shards };
}

/** One results file, parsed as it is read, with the SHA-256 of its bytes. */
export function readResultsFile(path: string, options: ParseOptions): { file: ResultsFile; sha256: string } {
  const parser = new ResultsParser(path, options);
  const manifest = nodePath.join(nodePath.dirname(path), MANIFEST_FILE);
  let scanned;
  try {
    scanned = scanResults(path, (result, index) => parser.add(result, index), {
      hash: fs.existsSync(manifest),
      withoutText: options.details === false,
    });
  } catch (error) {
    if (error instanceof ScanError)
      throw fileError(
        path,
        `not valid JSON at byte ${error.offset}: ${error.message}; write results with \`-o results.json\``,
      );
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
      throw fileError(
        path,
        code === 'ENOENT' ? 'results file not found' : `cannot read the results file (${code})`,
      );
    throw error;
  }
  const results = record(record(scanned.skeleton)?.['results']);
  const rest = results?.['results'];
  if (!results || !Array.isArray(rest)) throw notResults(path);
  // Results the scan could not see as such (a key written with escapes) are in the skeleton: parse them too.
  rest.forEach((result, index) => parser.add(result, scanned.count + index));
  return { file: parser.finish(scanned.skeleton), sha256: scanned.sha256 };
}
