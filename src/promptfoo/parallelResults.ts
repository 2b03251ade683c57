/**
 * Reads several results files at once, one per core: shards of a large run (a million calls in ten files) are
 * parsed in worker threads, and this thread only merges what they send back. Parsing is the whole cost of reading
 * (JSON.parse of every call), so two cores read twice as fast.
 *
 * What comes back is what `readResultsFile` returns in this thread, packed as columns (`PackedFile`) and unpacked
 * here. An error the worker reports is raised here as the error it was: a UserError (bad file) stays one, with its
 * diagnostics. A worker that dies hands its file back to this thread. Files are read in this thread instead when there is
 * one file or one core, when they are small (starting a worker costs more than it saves), or when the compiled
 * worker is absent (the TypeScript sources run under a test runner).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { UserError, type Diagnostic } from '../errors/diagnostics';
import {
  GradedAttempts,
  type Attempt,
  type Graded,
  type Outcome,
  type RowRef,
  type TrialTable,
} from '../results/trial';
import type { ParseOptions, ResultsFile } from './parseResults';
import { readResultsFile, readTrials, requireInputs, tableOf } from './readResults';

/** Below this many bytes in all, the files are read in this thread. */
export const PARALLEL_FROM_BYTES = 64 * 2 ** 20;

/**
 * A worker's heap. Reading keeps about 300 bytes per call (a 100,000-call shard: 30 MB), plus the reasons and replies
 * when details are kept, and the rest is garbage from parsing; a small heap makes the worker collect it early
 * instead of growing to gigabytes. A worker that runs out hands its file back to this thread.
 */
export const WORKER_HEAP_MIB = 256;

/** A worker's heap when only counting (`details: false`): no reasons or replies are kept. */
export const COUNTING_HEAP_MIB = 128;

/** What a worker is asked to read. */
export interface ReadRequest {
  path: string;
  options: ParseOptions;
}

/**
 * One file's calls as columns: structured clone copies every string of every object it sends, so a million
 * attempts as objects would arrive as a million copies of each variant name. Names, rows and verdict lists go
 * once each; per call only numbers.
 */
export interface PackedFile {
  source: string;
  evalId?: string;
  sha256: string;
  names: string[];
  rows: RowRef[];
  gradings: (readonly Graded[])[];
  /** Per call: its variant (index into names), row, verdict list, repeat, outcome (0 pass, 1 fail, 2 error). */
  variant: Int32Array;
  row: Int32Array;
  grading: Int32Array;
  repeat: Int32Array;
  outcome: Uint8Array;
  deterministic: Uint8Array;
  /** Per call, five numbers: prompt, completion and total tokens, cost, latency. */
  usage: Float64Array;
  /** By call index, for the calls that have one. */
  errors: [number, string][];
  outputs: [number, string][];
}

/** What a worker sends back for one file. */
export type ReadReply =
  | { file: PackedFile }
  | { userError: { message: string; diagnostics: Diagnostic[] } }
  | { error: { message: string; stack?: string } };

const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error'];

/** Packs a parsed file for the trip to the main thread. */
export function pack(file: ResultsFile, sha256: string): PackedFile {
  const n = file.attempts.length;
  const index = <T>(table: T[], known: Map<T, number>, value: T): number => {
    let i = known.get(value);
    if (i === undefined) {
      i = table.length;
      table.push(value);
      known.set(value, i);
    }
    return i;
  };
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const rows: RowRef[] = [];
  const rowIndex = new Map<RowRef, number>();
  const gradings: (readonly Graded[])[] = [];
  const gradingIndex = new Map<readonly Graded[], number>();
  const packed: PackedFile = {
    source: file.source,
    ...(file.evalId !== undefined && { evalId: file.evalId }),
    sha256,
    names,
    rows,
    gradings,
    variant: new Int32Array(n),
    row: new Int32Array(n),
    grading: new Int32Array(n),
    repeat: new Int32Array(n),
    outcome: new Uint8Array(n),
    deterministic: new Uint8Array(n),
    usage: new Float64Array(5 * n),
    errors: [],
    outputs: [],
  };
  file.attempts.forEach((a, i) => {
    packed.variant[i] = index(names, nameIndex, a.variant);
    packed.row[i] = index(rows, rowIndex, a.row);
    packed.grading[i] = index(gradings, gradingIndex, file.trials.graded[i] as readonly Graded[]);
    packed.repeat[i] = a.repeat;
    packed.outcome[i] = OUTCOMES.indexOf(a.outcome);
    packed.deterministic[i] = a.deterministic ? 1 : 0;
    packed.usage.set(
      [a.usage.promptTokens, a.usage.completionTokens, a.usage.totalTokens, a.usage.cost, a.usage.latencyMs],
      5 * i,
    );
    if (a.error !== undefined) packed.errors.push([i, a.error]);
    if (a.output !== undefined) packed.outputs.push([i, a.output]);
  });
  return packed;
}

/** The parsed file a worker packed, as `readResultsFile` would have returned it here. */
export function unpack(packed: PackedFile): { file: ResultsFile; sha256: string } {
  const errors = new Map(packed.errors);
  const outputs = new Map(packed.outputs);
  const attempts: Attempt[] = [];
  const graded: (readonly Graded[])[] = [];
  for (let i = 0; i < packed.variant.length; i++) {
    const error = errors.get(i);
    const output = outputs.get(i);
    const u = packed.usage;
    attempts.push({
      variant: packed.names[packed.variant[i] as number] as string,
      row: packed.rows[packed.row[i] as number] as RowRef,
      repeat: packed.repeat[i] as number,
      outcome: OUTCOMES[packed.outcome[i] as number] as Outcome,
      ...(error !== undefined && { error }),
      usage: {
        promptTokens: small(u[5 * i] as number),
        completionTokens: small(u[5 * i + 1] as number),
        totalTokens: small(u[5 * i + 2] as number),
        cost: u[5 * i + 3] as number,
        latencyMs: small(u[5 * i + 4] as number),
      },
      ...(output !== undefined && { output }),
      ...(packed.deterministic[i] === 1 && { deterministic: true }),
      source: packed.source,
    });
    graded.push(packed.gradings[packed.grading[i] as number] as readonly Graded[]);
  }
  return {
    file: {
      source: packed.source,
      ...(packed.evalId !== undefined && { evalId: packed.evalId }),
      attempts,
      trials: new GradedAttempts(attempts, graded),
    },
    sha256: packed.sha256,
  };
}

/**
 * A whole number read from a Float64Array as V8 stores whole numbers parsed from JSON (a small integer in the
 * object itself): as a double, each would be a heap box of its own, and a million calls' usage took 138 MB, not 40.
 */
function small(x: number): number {
  return Number.isInteger(x) && x >= -(2 ** 30) && x < 2 ** 30 ? x | 0 : x;
}

/** The compiled worker beside this file (absent when the sources run as TypeScript). */
const WORKER = path.join(__dirname, 'readWorker.js');

/** How the files are shared out; the defaults are what the CLI uses (tests make workers where it would not). */
export interface Pool {
  /** Threads at most (default: one per core). */
  workers?: number;
  /** Below this many bytes in all, read in this thread (default PARALLEL_FROM_BYTES). */
  fromBytes?: number;
  /** Each worker's heap (default COUNTING_HEAP_MIB when only counting, else WORKER_HEAP_MIB). */
  heapMib?: number;
  /**
   * The worker's script (default: the compiled readWorker.js beside this file). Tests pass one that dies, to show
   * that a dead worker's files are read here. (A heap too small to start in is no way to kill one: Node 24 aborts
   * the whole process for it.)
   */
  script?: string;
}

/** Reads `paths` as `readTrials` does, several files at once. */
export async function readTrialsInParallel(
  paths: readonly string[],
  options: ParseOptions = {},
  pool: Pool = {},
): Promise<TrialTable> {
  requireInputs(paths);
  const threads = Math.min(pool.workers ?? os.availableParallelism(), paths.length);
  const script = pool.script ?? WORKER;
  if (threads < 2 || !fs.existsSync(script) || totalBytes(paths) < (pool.fromBytes ?? PARALLEL_FROM_BYTES))
    return readTrials(paths, options);
  const resourceLimits = {
    maxOldGenerationSizeMb: pool.heapMib ?? (options.details === false ? COUNTING_HEAP_MIB : WORKER_HEAP_MIB),
  };
  const read = new Array<{ file: ResultsFile; sha256: string } | { failed: unknown }>(paths.length);
  let next = 0;
  const workers = Array.from({ length: threads }, async () => {
    const worker = new Worker(script, { resourceLimits });
    try {
      for (let i = next++; i < paths.length; i = next++) {
        let reply: ReadReply;
        try {
          reply = await ask(worker, { path: paths[i] as string, options });
        } catch {
          // The worker died (a file whose calls outgrow its heap, say): this thread reads that file, the other
          // workers the rest.
          read[i] = readOrFailure(paths[i] as string, options);
          break;
        }
        // A reply, even one that reports an error, comes from a live worker: it reads on.
        try {
          read[i] = fromReply(reply);
        } catch (failed) {
          read[i] = { failed };
        }
      }
    } finally {
      await worker.terminate();
    }
  });
  await Promise.all(workers);
  // The first file's error in the order given, as reading them one by one would report it.
  const files: { file: ResultsFile; sha256: string }[] = [];
  for (const [i, r] of read.entries()) {
    // Every worker died before this file: this thread reads it.
    const done = r ?? readOrFailure(paths[i] as string, options);
    if ('failed' in done) throw done.failed;
    files.push(done);
  }
  return tableOf(files);
}

function readOrFailure(
  path: string,
  options: ParseOptions,
): { file: ResultsFile; sha256: string } | { failed: unknown } {
  try {
    return readResultsFile(path, options);
  } catch (failed) {
    return { failed };
  }
}

function totalBytes(paths: readonly string[]): number {
  let bytes = 0;
  for (const p of paths) {
    try {
      bytes += fs.statSync(p).size;
    } catch {
      // A missing file: reading it says so, in order.
    }
  }
  return bytes;
}

/** Sends one request and waits for its reply; a worker that dies is an error, never a hang. */
function ask(worker: Worker, request: ReadRequest): Promise<ReadReply> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: ReadReply) => (done(), resolve(reply));
    const onError = (error: Error) => (done(), reject(error));
    const onExit = (code: number) => (
      done(),
      reject(new Error(`the worker reading ${request.path} stopped (exit code ${code})`))
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}

function fromReply(reply: ReadReply): { file: ResultsFile; sha256: string } {
  if ('userError' in reply) throw new UserError(reply.userError.message, reply.userError.diagnostics);
  if ('error' in reply) {
    const error = new Error(reply.error.message);
    if (reply.error.stack !== undefined) error.stack = reply.error.stack;
    throw error;
  }
  return unpack(reply.file);
}

/** In a worker: reads one file and says what it found, or what went wrong. */
export function answer(request: ReadRequest): ReadReply {
  try {
    const { file, sha256 } = readResultsFile(request.path, request.options);
    return { file: pack(file, sha256) };
  } catch (error) {
    if (error instanceof UserError)
      return { userError: { message: error.message, diagnostics: error.diagnostics } };
    const e = error instanceof Error ? error : new Error(String(error));
    return { error: { message: e.message, ...(e.stack !== undefined && { stack: e.stack }) } };
  }
}
