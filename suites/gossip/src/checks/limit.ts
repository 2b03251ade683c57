/**
 * Domain checks under a time limit. A check is synchronous JavaScript, so a timer in the same thread could not
 * interrupt it; it runs in a worker thread instead, and a check that overruns is terminated there and becomes an
 * error naming the check (promptfoo turns a thrown assertion error into an error row). The checks are linear in
 * the reply (1 MB well under a second), so the limit is a backstop against bugs, never a measurement.
 *
 * One worker serves every check of a process, one request at a time; each request's clock starts when it is
 * sent. The worker is unreferenced, so an idle worker never keeps promptfoo alive; a pending request's timer does.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckVerdict } from './finding';
import type { CheckRequest } from './run';

/** Ten times the slowest adversarial reply measured (BENCHMARKS.md), so a loaded CI machine never trips it. */
export const DEFAULT_TIME_LIMIT_MS = 10_000;

/** A check that ran out of time; its message names the check, the limit and the reply's size. */
export class CheckTimeLimitError extends Error {
  constructor(
    readonly check: string,
    readonly limitMs: number,
    readonly replyLength: number,
  ) {
    super(
      `${check} exceeded its time limit of ${limitMs} ms on a reply of ${replyLength} characters and was stopped; no verdict (config.timeLimitMs raises the limit)`,
    );
    this.name = 'CheckTimeLimitError';
  }
}

interface Pending {
  id: number;
  request: CheckRequest;
  label: string;
  limitMs: number;
  resolve: (verdict: CheckVerdict) => void;
  reject: (error: Error) => void;
}

const WORKER_FILE = path.join(__dirname, `worker${path.extname(__filename)}`);

/**
 * The worker's code: the compiled worker.js as it is; from the TypeScript sources (tests, bench), worker.ts through
 * tsx's CommonJS hook, since a worker does not inherit the loader jest or tsx registered.
 */
function bootstrap(): string {
  if (WORKER_FILE.endsWith('.js')) return `require(${JSON.stringify(WORKER_FILE)});`;
  const tsx = require.resolve('tsx/cjs/api');
  return `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(WORKER_FILE)});`;
}

class CheckRunner {
  private worker: Worker | undefined;
  private queue: Pending[] = [];
  private current: { pending: Pending; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;

  run(request: CheckRequest, label: string, limitMs: number): Promise<CheckVerdict> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, label, limitMs, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const pending = this.queue.shift()!;
    const worker = this.ensureWorker();
    const timer = setTimeout(() => this.overrun(), pending.limitMs);
    this.current = { pending, timer };
    worker.postMessage({ id: pending.id, request: pending.request });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(bootstrap(), { eval: true });
    worker.on('message', (message: { id: number; verdict?: CheckVerdict; error?: string }) => {
      const current = this.current;
      if (!current || current.pending.id !== message.id) return;
      this.settle();
      if (message.error !== undefined)
        current.pending.reject(new Error(`${current.pending.label} failed: ${message.error}`));
      else current.pending.resolve(message.verdict!);
    });
    worker.on('error', (error) => this.crash(worker, error));
    worker.on('exit', (code) => this.crash(worker, new Error(`the check worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** The current check overran: stop its worker (a new one serves the next request) and report the check. */
  private overrun(): void {
    const current = this.current;
    if (!current) return;
    const { pending } = current;
    const worker = this.worker;
    this.worker = undefined;
    this.settle();
    void worker?.terminate();
    pending.reject(new CheckTimeLimitError(pending.label, pending.limitMs, pending.request.output.length));
  }

  /** The worker died under the current request (not by our terminate): fail that request, start afresh. */
  private crash(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const current = this.current;
    if (!current) return;
    this.settle();
    current.pending.reject(new Error(`${current.pending.label} failed: ${error.message}`));
  }

  private settle(): void {
    if (this.current) clearTimeout(this.current.timer);
    this.current = undefined;
    setImmediate(() => this.pump());
  }
}

const runner = new CheckRunner();

/**
 * Runs `request` in the check worker; rejects with CheckTimeLimitError when it takes longer than `limitMs`.
 * `label` names the check in errors, e.g. "suites/gossip/assertions.ts:numbers".
 */
export function runCheckWithTimeLimit(
  request: CheckRequest,
  label: string,
  limitMs: number = DEFAULT_TIME_LIMIT_MS,
): Promise<CheckVerdict> {
  if (!(limitMs > 0))
    throw new RangeError(`${label}: the time limit must be a positive number of ms, got ${limitMs}`);
  return runner.run(request, label, limitMs);
}
