/**
 * Shard manifests. `promptfile eval --shard I/N` runs a contiguous slice of the rows and writes, beside its results,
 * `manifest.json`: which run it belongs to, which shard it is, which rows it was given and which it ran, and the hash
 * of the results file it describes. Given several results files, `shardProblems` says whether they are one whole
 * run: every shard present once, all from the same run, each holding exactly its rows. A gate over part of a run
 * would pass whatever the missing part did.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileError } from './fileError';
import { visible } from '../format/visible';
import { designProblem, type SequentialDesign } from '../stats/sequential';

/** The file name of a manifest, in the directory of the results it describes. */
export const MANIFEST_FILE = 'manifest.json';

/** What one shard of a run says about itself. */
export interface ShardManifest {
  schemaVersion: 1;
  /** Shared by every shard of one run (the CI run id, or --run-id). */
  runId: string;
  /** 1-based index and the number of shards of the run. */
  shard: { index: number; count: number };
  /** The slice of the run's tests this shard was given, `from` inclusive, `to` exclusive, of `total`. */
  rows: { from: number; to: number; total: number; keys: string[] };
  /** The results file it describes, relative to the manifest, and that file's SHA-256. */
  results: string;
  sha256: string;
  /**
   * Set when the run went until decided (`eval --until-decided`): the look schedule and boundaries it followed, so
   * the gate can replay every look. Such a run is one shard (1/1).
   */
  sequential?: SequentialDesign;
}

/** One results file as the gate received it, with the manifest found beside it. */
export interface ShardedFile {
  source: string;
  /** Row keys the file's results hold, in any order. */
  rowKeys: readonly string[];
  /** How many rows (tests) the file's results hold: identical rows share a key but not a place. */
  rowCount?: number;
  manifest?: ShardManifest;
  /** Set when a manifest exists but does not describe this file (its hash differs). */
  mismatch?: string;
}

/** The `--filter-range` slice of shard `index` of `count` over `total` tests: contiguous, each test once. */
export function shardSlice(index: number, count: number, total: number): { from: number; to: number } {
  return { from: Math.floor(((index - 1) * total) / count), to: Math.floor((index * total) / count) };
}

/** SHA-256 of a results file's bytes, as the manifest records it (read in chunks: the file may be large). */
export function resultsHash(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(2 ** 20);
    let read: number;
    while ((read = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0) hash.update(chunk.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** The manifest text for a shard's results (stable key order, ends with a newline). */
export function serializeManifest(manifest: ShardManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * The manifest beside `resultsPath`, checked against the results' SHA-256; undefined when there is none. A manifest
 * that is not one is bad input (a UserError); one that describes other results is reported as a mismatch.
 */
export function readManifest(
  resultsPath: string,
  resultsSha256: string,
): { manifest?: ShardManifest; mismatch?: string } {
  const file = path.join(path.dirname(resultsPath), MANIFEST_FILE);
  if (!fs.existsSync(file)) return {};
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw fileError(file, `shard manifest is not valid JSON (${(error as Error).message})`);
  }
  const manifest = validManifest(document, file);
  if (manifest.results !== path.basename(resultsPath)) return {};
  if (manifest.sha256 !== resultsSha256)
    return {
      manifest,
      mismatch: `${file} describes other results than ${resultsPath} (their SHA-256 differs); run the shard again`,
    };
  return { manifest };
}

function validManifest(document: unknown, file: string): ShardManifest {
  const m = document as Partial<ShardManifest> | null;
  const whole = (n: unknown, min: number): n is number =>
    typeof n === 'number' && Number.isSafeInteger(n) && n >= min;
  const ok =
    typeof m === 'object' &&
    m !== null &&
    m.schemaVersion === 1 &&
    typeof m.runId === 'string' &&
    m.runId !== '' &&
    whole(m.shard?.count, 1) &&
    whole(m.shard?.index, 1) &&
    m.shard.index <= m.shard.count &&
    whole(m.rows?.total, 0) &&
    whole(m.rows?.from, 0) &&
    whole(m.rows?.to, m.rows.from) &&
    m.rows.to <= m.rows.total &&
    Array.isArray(m.rows.keys) &&
    m.rows.keys.every((k) => typeof k === 'string') &&
    typeof m.results === 'string' &&
    typeof m.sha256 === 'string';
  if (!ok)
    throw fileError(
      file,
      'not a shard manifest (expected schemaVersion 1, runId, shard {index, count}, rows, results, sha256)',
    );
  if (m.sequential !== undefined) {
    const s = m.sequential as Partial<SequentialDesign> | null;
    const fraction = (x: unknown) => typeof x === 'number' && x > 0 && x < 1;
    const problem =
      typeof s !== 'object' ||
      s === null ||
      !Array.isArray(s.looks) ||
      !fraction(s.alpha) ||
      !fraction(s.drop)
        ? 'expected looks, alpha, drop, rho and beta'
        : designProblem(s as SequentialDesign);
    if (problem) throw fileError(file, `its sequential design is not usable: ${problem}`, 'sequential');
  }
  return m as ShardManifest;
}

/**
 * What keeps `files` from being one whole run, one sentence each; empty when they are (or when none is a shard and
 * no shard count is expected). `expected` is the number of shards the run must have (`gate --shards N`).
 */
export function shardProblems(files: readonly ShardedFile[], expected?: number): string[] {
  const problems = files.flatMap((f) => (f.mismatch ? [f.mismatch] : []));
  const sharded = files.filter((f) => f.manifest);
  if (sharded.length === 0) {
    if (expected !== undefined)
      problems.push(
        `The gate expects ${expected} shards (--shards), but no results file has a shard manifest; run eval with --shard I/${expected}.`,
      );
    return problems;
  }
  for (const f of files)
    if (!f.manifest && !f.mismatch)
      problems.push(`${f.source} has no shard manifest, while the other results are shards of a run.`);
  const manifests = sharded.map((f) => f.manifest as ShardManifest);
  const runs = [...new Set(manifests.map((m) => m.runId))];
  if (runs.length > 1) {
    problems.push(
      `The results come from different runs (${runs.map(visible).join(', ')}); gate the shards of one run together.`,
    );
    return problems;
  }
  const run = visible(runs[0] as string);
  const counts = [...new Set(manifests.map((m) => m.shard.count))];
  const totals = [...new Set(manifests.map((m) => m.rows.total))];
  if (counts.length > 1 || totals.length > 1) {
    problems.push(
      `The shards of run ${run} disagree on how the run was split (${manifests.map((m) => `${m.shard.index}/${m.shard.count} of ${m.rows.total} rows`).join(', ')}).`,
    );
    return problems;
  }
  const count = counts[0] as number;
  const total = totals[0] as number;
  if (expected !== undefined && expected !== count)
    problems.push(`Run ${run}: the gate expects ${expected} shards (--shards), the manifests say ${count}.`);
  const byIndex = new Map<number, ShardedFile[]>();
  for (const f of sharded) {
    const index = (f.manifest as ShardManifest).shard.index;
    byIndex.set(index, [...(byIndex.get(index) ?? []), f]);
  }
  for (let index = 1; index <= count; index++) {
    const found = byIndex.get(index) ?? [];
    if (found.length === 0) {
      const slice = shardSlice(index, count, total);
      problems.push(
        `Shard ${index}/${count} of run ${run} is missing (rows ${slice.from}:${slice.to} of ${total}); gate every shard of the run together.`,
      );
    } else if (found.length > 1)
      problems.push(
        `Shard ${index}/${count} of run ${run} appears twice (${found.map((f) => f.source).join(', ')}); pass each shard once.`,
      );
  }
  const owner = new Map<string, number>();
  for (const f of sharded) {
    const m = f.manifest as ShardManifest;
    const name = `Shard ${m.shard.index}/${m.shard.count} of run ${run}`;
    const slice = shardSlice(m.shard.index, m.shard.count, total);
    if (m.rows.from !== slice.from || m.rows.to !== slice.to)
      problems.push(
        `${name} says it ran rows ${m.rows.from}:${m.rows.to}, but its share of ${total} is ${slice.from}:${slice.to}.`,
      );
    const declared = new Set(m.rows.keys);
    const held = new Set(f.rowKeys);
    const missing = [...declared].filter((k) => !held.has(k));
    const foreign = [...held].filter((k) => !declared.has(k));
    const count = f.rowCount ?? held.size;
    if (count !== m.rows.to - m.rows.from || missing.length > 0 || foreign.length > 0)
      problems.push(
        `${name} (${f.source}) holds ${count} row${count === 1 ? '' : 's'} of the ${m.rows.to - m.rows.from} it was given${foreign.length > 0 ? `, and ${foreign.length} it was not (${list(foreign)})` : ''}.`,
      );
    for (const key of held) {
      const other = owner.get(key);
      if (other !== undefined && other !== m.shard.index && (byIndex.get(m.shard.index)?.length ?? 0) === 1)
        problems.push(
          `Row ${visible(key)} is in shards ${other}/${count} and ${m.shard.index}/${count} of run ${run}.`,
        );
      owner.set(key, m.shard.index);
    }
  }
  return problems;
}

function list(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).map(visible).join(', ');
  return keys.length > 5 ? `${shown} and ${keys.length - 5} more` : shown;
}
