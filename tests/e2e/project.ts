/**
 * A throwaway user project for end-to-end tests, driven through the real `promptfile` command.
 *
 * The project holds the prompt files and a promptfooconfig.yaml whose plugin paths point (absolute `file://`)
 * into this repository, built with the integration harness's `configFor`. Every command runs as a child
 * process in the project with a private PROMPTFOO_CONFIG_DIR (where promptfoo keeps its eval database, shared
 * by `eval` and `view`) and no inherited environment: only PATH, the offline flags and what the test passes,
 * so no real key or base URL can leak in, and OpenAI traffic goes to a dead loopback port unless a provider
 * names the test's server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import {
  configFor,
  DEAD_BASE_URL,
  live,
  OFFLINE_ENV,
  REPO,
  tempDir,
  type ProviderEntry,
} from '../integration/harness/run';

const CLI = path.join(REPO, 'bin/promptfile.js');

/** What one command did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temp project and the CLI run inside it. */
export interface Project {
  dir: string;
  /** PROMPTFOO_CONFIG_DIR of every command run here. */
  configDir: string;
  /** Runs `promptfile <args>` to completion; `env` adds to (never replaces) the project's environment. */
  run(args: string[], timeoutMs?: number, env?: Record<string, string>): Promise<CliRun>;
  /** Starts `promptfile <args>` as the leader of its own process group (for long-lived servers). */
  start(args: string[], env?: Record<string, string>): ChildProcess;
  /** Absolute path of a file in the project. */
  path(relative: string): string;
  /** A project file's text. */
  read(relative: string): string;
}

/** A variant of the prompt-file provider that calls `baseUrl` with a key from its config. */
export function variant(label: string, baseUrl: string, config: Record<string, unknown> = {}): ProviderEntry {
  return live({ apiBaseUrl: baseUrl, apiKey: 'sk-e2e-test', ...config }, label);
}

/**
 * Creates a project with `files` (relative path -> text) and a promptfooconfig.yaml running `providers`;
 * `description` names the eval in promptfoo's web report; `suite` is the test generator's config.
 */
export function createProject(
  files: Record<string, string>,
  providers: ProviderEntry[],
  description = 'promptfile end-to-end test',
  suite?: Record<string, unknown>,
): Project {
  const dir = tempDir('promptfile-e2e-');
  const configDir = tempDir('promptfile-e2e-config-');
  for (const [relative, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), text);
  }
  const config = parse(configFor(providers, suite)) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, 'promptfooconfig.yaml'), stringify({ ...config, description }));
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: configDir,
    PROMPTFOO_CONFIG_DIR: configDir,
    OPENAI_BASE_URL: DEAD_BASE_URL,
    ...OFFLINE_ENV,
  };
  const start = (args: string[], extra: Record<string, string> = {}) =>
    spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
  return {
    dir,
    configDir,
    path: (relative) => path.join(dir, relative),
    read: (relative) => fs.readFileSync(path.join(dir, relative), 'utf8'),
    start,
    run: (args, timeoutMs = 180_000, extra = {}) =>
      new Promise((resolve, reject) => {
        const child = start(args, extra);
        let stdout = '';
        let stderr = '';
        const timer = setTimeout(() => {
          stderr += `\n[e2e] promptfile ${args.join(' ')} killed after ${timeoutMs} ms\n`;
          if (child.pid !== undefined) for (const pid of processTree(child.pid)) signal(pid, 'SIGKILL');
        }, timeoutMs);
        child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      }),
  };
}

/** Fails with the command's output when it did not exit with `code`, so a broken run shows why. */
export function expectExit(run: CliRun, code: number): void {
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

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/**
 * Stops a server started by `Project.start` and everything below it: SIGTERM to its process group (promptfile
 * forwards it to promptfoo, which runs in a group of its own), then SIGKILL to every process of the tree, as
 * seen before stopping, that is still there.
 */
export async function stopTree(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.pid === undefined) return;
  const tree = processTree(child.pid);
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signal(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => signal(-child.pid!, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  const deadline = Date.now() + graceMs;
  const alive = () => tree.filter(running);
  while (alive().length > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of alive()) signal(pid, 'SIGKILL');
}
