/**
 * Results files at scale, made from a real one: promptfoo runs the seed prompt file through the plugin (the
 * product's prompt function, test generator and provider, two variants) against the bench's loopback model
 * server, and its results file is the template. Each scaled result is one of the template's results with a new
 * row identity (as the test generator writes it: `testCase.metadata.promptfile` name, id, row, line) and a new
 * `testIdx`; every `FAIL_EVERY`-th call fails its first evaluator, so the counts are not all passes. Files are
 * written result by result, so no string of the file's size is ever built.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runDirectory, runEval } from './promptfoo';
import { pluginConfig } from './configs';
import { startBenchServer } from './server';

type Json = Record<string, unknown>;

/** One call in this many fails its first evaluator. */
export const FAIL_EVERY = 17;

/** The template: a real results document with 2 variants over the seed's rows. */
export async function templateResults(): Promise<Json> {
  const server = await startBenchServer(0);
  try {
    const config = pluginConfig(server.baseUrl);
    const [provider] = config['providers'] as Json[];
    config['providers'] = [
      { ...provider, label: 'gpt-4o · T=0.2' },
      {
        ...provider,
        label: 'gpt-4o · T=0.7',
        config: { ...(provider?.['config'] as Json), temperature: 0.7 },
      },
    ];
    const dir = runDirectory(config, 'template');
    const run = await runEval(dir, server.baseUrl, 4);
    if (run.exitCode !== 0 && run.exitCode !== 100)
      throw new Error(`the template eval failed (${run.exitCode}): ${run.stderr.slice(-2000)}`);
    const document = JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8')) as Json;
    fs.rmSync(dir, { recursive: true, force: true });
    return document;
  } finally {
    await server.close();
  }
}

/** What was written. */
export interface ScaledResults {
  files: string[];
  bytes: number;
  results: number;
}

/** How a scaled run is written. */
export interface ScaledRunOptions {
  files: number;
  /** Results per file; or, with `bytesPerFile`, as many as take a file to that size. */
  resultsPerFile?: number;
  bytesPerFile?: number;
  /** One call in this many fails its first evaluator (default FAIL_EVERY). */
  failEvery?: number;
  /**
   * Write only this file (1-based) of the run, with the rows and calls it has in the whole run: a shard of another
   * run of the same rows (a regressed one, with a smaller `failEvery`). Needs `resultsPerFile`.
   */
  only?: number;
}

/**
 * Writes `files` results files under `dir` from `template`: `resultsPerFile` results each, or, with `bytesPerFile`,
 * as many as take a file to that size. Rows are numbered across files, each row once per variant.
 */
export function writeScaledResults(template: Json, dir: string, options: ScaledRunOptions): ScaledResults {
  if (options.only !== undefined && options.resultsPerFile === undefined)
    throw new Error('writeScaledResults: `only` numbers calls by resultsPerFile; give it');
  const failEvery = options.failEvery ?? FAIL_EVERY;
  fs.mkdirSync(dir, { recursive: true });
  const outer = template['results'] as Json;
  const samples = (outer['results'] as Json[]).map((r) => JSON.stringify(r));
  const variants = new Set((outer['results'] as Json[]).map((r) => JSON.stringify(r['provider']))).size;
  const [head, tail] = JSON.stringify({ ...template, results: { ...outer, results: ['\u0000'] } }).split(
    '"\\u0000"',
  ) as [string, string];
  const paths: string[] = [];
  let bytes = 0;
  let call = 0;
  for (let f = 0; f < options.files; f++) {
    if (options.only !== undefined && f + 1 !== options.only) {
      call += options.resultsPerFile as number;
      continue;
    }
    const file = path.join(dir, `results-${f + 1}.json`);
    paths.push(file);
    const fd = fs.openSync(file, 'w');
    let size = fs.writeSync(fd, head.replace(/"evalId":"[^"]*"/, `"evalId":"bench-scale-${f + 1}"`));
    let buffer: string[] = [];
    let buffered = 0;
    const flush = () => {
      size += fs.writeSync(fd, buffer.join(''));
      buffer = [];
      buffered = 0;
    };
    for (let i = 0; ; i++) {
      if (options.resultsPerFile !== undefined && i >= options.resultsPerFile) break;
      if (options.bytesPerFile !== undefined && size + buffered >= options.bytesPerFile) break;
      const row = Math.floor(call / variants);
      const result = JSON.parse(samples[call % samples.length] as string) as Json;
      identify(result, row, i);
      if (call % failEvery === 0) failFirst(result);
      const text = `${i > 0 ? ',' : ''}${JSON.stringify(result)}`;
      buffer.push(text);
      buffered += Buffer.byteLength(text);
      if (buffered > 4 * 2 ** 20) flush();
      call++;
    }
    flush();
    size += fs.writeSync(fd, tail);
    // On disk before anything reads it: the kernel writing back gigabytes of the bench's own writes while a command
    // reads them is the bench's cost, not the command's.
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    bytes += size;
  }
  return {
    files: paths,
    bytes,
    results: options.only === undefined ? call : (options.resultsPerFile as number),
  };
}

/** Gives a result row `row`'s identity, as the test generator would for the `row`-th row of one large file. */
function identify(result: Json, row: number, testIdx: number): void {
  result['testIdx'] = testIdx;
  for (const holder of [result['testCase'] as Json | undefined, result]) {
    const metadata = holder?.['metadata'] as Json | undefined;
    const origin = metadata?.['promptfile'] as Json | undefined;
    if (!origin) continue;
    origin['row'] = row;
    origin['line'] = 100 + row;
    origin['id'] = `scale${row.toString(16).padStart(8, '0')}`;
  }
}

/** The call fails its first evaluator (as promptfoo records a failed assertion). */
function failFirst(result: Json): void {
  const grading = result['gradingResult'] as Json | undefined;
  const components = grading?.['componentResults'] as Json[] | undefined;
  if (!grading || !components?.[0]) return;
  components[0]['pass'] = false;
  components[0]['score'] = 0;
  grading['pass'] = false;
  result['success'] = false;
  result['failureReason'] = 1;
}
