/**
 * Runs one benchmark stage in a fresh Node process, so its peak memory (`maxRSS`) is its own and a runaway
 * stage can be killed. The child is this file: `node -r tsx/cjs bench/isolated.ts <module> <export> <args-json>`;
 * it loads the module, runs the exported stage, then prints one JSON line with its result, wall time and maxRSS.
 * Stages are named by module path, so this file imports no benchmark (and no benchmark cycle can form).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** A stage: takes JSON arguments, returns something JSON-serialisable. */
export type Stage = (args: Record<string, unknown>) => unknown;

/** What a stage run reports. `killed` when it outran its time limit. */
export interface IsolatedRun<T> {
  result?: T;
  ms: number;
  /** Peak resident set size of the child process, in MiB. */
  maxRssMiB: number;
  killed: boolean;
  error?: string;
}

const TSX = path.join(__dirname, '../node_modules/tsx/dist/cjs/index.cjs');

/** Runs the stage exported as `stage` by `module` (an absolute path) in a child process, killed after `timeoutMs`. */
export function runIsolated<T>(
  module: string,
  stage: string,
  args: Record<string, unknown>,
  timeoutMs: number,
): Promise<IsolatedRun<T>> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-r', TSX, __filename, module, stage, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 10_000) stderr += c.toString('utf8');
  });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const last = stdout.trim().split('\n').pop() ?? '';
      if (killed) return resolve({ ms, maxRssMiB: NaN, killed: true });
      try {
        const parsed = JSON.parse(last) as { result: T; ms: number; maxRssKiB: number };
        resolve({ result: parsed.result, ms: parsed.ms, maxRssMiB: parsed.maxRssKiB / 1024, killed: false });
      } catch {
        resolve({
          ms,
          maxRssMiB: NaN,
          killed: false,
          error: `exit ${code}: ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`,
        });
      }
    });
  });
}

async function main(): Promise<void> {
  const [module = '', name = '', json = '{}'] = process.argv.slice(2);
  // `require`, not `import()`: under `-r tsx/cjs` a dynamic import goes through Node's ESM loader, which has no
  // TypeScript hooks.
  const stage = (require(module) as Record<string, unknown>)[name];
  if (typeof stage !== 'function') throw new Error(`${module} exports no stage ${name}`);
  const started = performance.now();
  const result = await (stage as Stage)(JSON.parse(json) as Record<string, unknown>);
  const ms = performance.now() - started;
  process.stdout.write(`\n${JSON.stringify({ result, ms, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
