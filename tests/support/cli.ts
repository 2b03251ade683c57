/**
 * The one way tests run a command: `node <argv>` as the leader of its own process group, in a directory and an
 * environment the caller gives, with stdout and stderr collected. A timeout or an abort kills the whole process
 * tree (promptfile starts promptfoo, which starts workers), and says so in stderr; timeouts are backstops against
 * hangs, never measurements.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');

/** The `promptfile` command, as users run it. */
export const PROMPTFILE_BIN = path.join(REPO, 'bin/promptfile.js');
/** promptfoo's own CLI. */
export const PROMPTFOO_ENTRYPOINT = path.join(REPO, 'node_modules/promptfoo/dist/src/entrypoint.js');

/** What stderr says of a command this runner killed (a timeout or an abort): a test can look for it. */
export const KILLED = '[test] killed';

/** What one command did. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From start to exit: for the record, never for an assertion (issue 10). */
  durationMs: number;
}

/** A started command: signal it, or wait for it. */
export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliRun>;
}

export interface Launch {
  /** The program (default: this node); `argv` are its arguments (for node: a script and its arguments). */
  command?: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Backstop against a hang (default 180 s). */
  timeoutMs?: number;
  /** Aborting kills the process tree. */
  signal?: AbortSignal;
}

/** Starts `node <argv>` (or `command <argv>`); its output is collected until it exits (and its pipes close, or 2 s pass). */
export function startNode(launch: Launch): RunningCli {
  const started = Date.now();
  const timeoutMs = launch.timeoutMs ?? 180_000;
  const child = spawn(launch.command ?? process.execPath, launch.argv, {
    cwd: launch.cwd,
    env: launch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const name = launch.command ?? path.basename(launch.argv[0] ?? 'node');
  const kill = (why: string) => {
    stderr += `\n${KILLED} ${why}: ${name} ${launch.argv.slice(1).join(' ')}\n`;
    killTree(child);
  };
  const timer = setTimeout(() => kill(`after ${timeoutMs} ms`), timeoutMs);
  launch.signal?.addEventListener('abort', () => kill(`on request: ${String(launch.signal?.reason)}`));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const durationMs = Date.now() - started;
      // A grandchild that outlived its parent may hold the pipes open: wait for them, but not for ever.
      void Promise.race([closed, sleep(2000)]).then(() =>
        resolve({ code, signal, stdout, stderr, durationMs }),
      );
    });
  });
  return { child, done };
}

/** Runs `node <argv>` to the end. */
export function runNode(launch: Launch): Promise<CliRun> {
  return startNode(launch).done;
}

/** Fails with the command's output when it did not exit with `code`, so a broken run shows why. */
export function expectExit(run: Pick<CliRun, 'code' | 'stdout' | 'stderr'>, code: number): void {
  if (run.code === code) return;
  const tail = (text: string) => text.slice(-4000);
  throw new Error(
    `expected exit ${code}, got ${run.code}\n--- stdout\n${tail(run.stdout)}\n--- stderr\n${tail(run.stderr)}`,
  );
}

/** `pid` and every process below it, read from /proc. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // The fields after the parenthesised command name: state, ppid, ...
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** Whether `pid` is a live process (not gone, not a zombie waiting to be reaped). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signalPid(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  for (const pid of processTree(child.pid)) signalPid(pid, 'SIGKILL');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops a long-lived command and everything below it: SIGTERM to its process group (promptfile forwards it to
 * promptfoo, which runs in a group of its own), then SIGKILL to every process of the tree, as seen before
 * stopping, that is still there.
 */
export async function stopTree(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.pid === undefined) return;
  const tree = processTree(child.pid);
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalPid(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => signalPid(-child.pid!, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  const deadline = Date.now() + graceMs;
  const alive = () => tree.filter(running);
  while (alive().length > 0 && Date.now() < deadline) await sleep(100);
  for (const pid of alive()) signalPid(pid, 'SIGKILL');
}
