/**
 * Runs the `promptfile` CLI (bin/promptfile.js) the way a user would, in a throwaway workspace with a private
 * PROMPTFOO_CONFIG_DIR and no inherited environment, and finds bytes in every file a run leaves behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  configFor,
  DEAD_BASE_URL,
  OFFLINE_ENV,
  REPO,
  tempDir,
  type ProviderEntry,
} from '../integration/harness/run';

/** A directory holding promptfooconfig.yaml and prompt files, with promptfoo's own directory inside it. */
export interface Workspace {
  dir: string;
  /** PROMPTFOO_CONFIG_DIR (and HOME) of every run: promptfoo.db, logs. */
  configDir: string;
  env: Record<string, string>;
}

/** Creates a workspace with `files` and a promptfooconfig.yaml for `providers` (absolute plugin paths). */
export function workspace(options: {
  files: Record<string, string | Buffer>;
  providers: ProviderEntry[];
  suite?: Record<string, unknown>;
  env?: Record<string, string>;
}): Workspace {
  const dir = tempDir('promptfile-hardening-');
  const configDir = path.join(dir, '.promptfoo-home');
  fs.mkdirSync(configDir);
  for (const [rel, content] of Object.entries(options.files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  fs.writeFileSync(path.join(dir, 'promptfooconfig.yaml'), configFor(options.providers, options.suite));
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: configDir,
    PROMPTFOO_CONFIG_DIR: configDir,
    OPENAI_BASE_URL: DEAD_BASE_URL,
    ...OFFLINE_ENV,
    ...options.env,
  };
  return { dir, configDir, env };
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A started CLI process: signal it, or wait for it. */
export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliRun>;
}

/** Starts `promptfile <args>` in the workspace, in its own process group (so a test can signal the group). */
export function startPromptfile(
  ws: Workspace,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): RunningCli {
  return start(ws, [path.join(REPO, 'bin/promptfile.js'), ...args], env, timeoutMs);
}

/** Runs promptfoo's own CLI (`promptfoo <args>`) in the workspace, with the same private config directory. */
export function promptfoo(ws: Workspace, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return start(ws, [path.join(REPO, 'node_modules/promptfoo/dist/src/entrypoint.js'), ...args], env, 150_000)
    .done;
}

function start(ws: Workspace, argv: string[], env: Record<string, string>, timeoutMs: number): RunningCli {
  const started = Date.now();
  const child = spawn(process.execPath, argv, {
    cwd: ws.dir,
    env: { ...ws.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => {
    stderr += `\n[test] killed after ${timeoutMs} ms\n`;
    child.kill('SIGKILL');
  }, timeoutMs);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    // 'exit', not 'close': a promptfoo child that outlived its parent would hold the pipes open.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      setTimeout(() => resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started }), 50);
    });
  });
  return { child, done };
}

/** Runs `promptfile <args>` to the end. */
export function promptfile(
  ws: Workspace,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs?: number,
): Promise<CliRun> {
  return startPromptfile(ws, args, env, timeoutMs).done;
}

/** Every regular file under `root`, recursively (dot-files and promptfoo's database included). */
export function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/** The files under `root` whose bytes contain `needle` (UTF-8), as paths relative to `root`. */
export function filesContaining(root: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  return filesUnder(root)
    .filter((file) => fs.readFileSync(file).includes(bytes))
    .map((file) => path.relative(root, file));
}

/** Parsed `results` of a promptfoo JSON output file. */
export function readResults(file: string): {
  results: {
    results: ResultRow[];
    stats: { successes: number; failures: number; errors: number };
    prompts: {
      provider: string;
      label: string;
      metrics?: { testPassCount: number; testFailCount: number; testErrorCount: number };
    }[];
  };
} {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The fields of a result row the hardening tests read. */
export interface ResultRow {
  success: boolean;
  failureReason: number;
  error?: string | null;
  latencyMs?: number;
  vars: Record<string, string>;
  provider: { id: string; label?: string };
  response?: { output?: unknown; error?: string; metadata?: Record<string, unknown> };
  testCase: { metadata?: { promptfile?: { file: string; row: number } } };
}

/** The variant (column) of a row. */
export function variantOf(row: ResultRow): string {
  return row.provider.label || row.provider.id;
}
