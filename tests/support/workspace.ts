/**
 * Runs the `promptfile` CLI (bin/promptfile.js) the way a user would, in a throwaway workspace with a private
 * PROMPTFOO_CONFIG_DIR and no inherited environment, and finds bytes in every file a run leaves behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROMPTFILE_BIN, PROMPTFOO_ENTRYPOINT, startNode, type CliRun, type RunningCli } from './cli';
import { isolatedEnv } from './environment';
import { configFor, tempDir, type ProviderEntry } from './eval';

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
  const env = isolatedEnv(configDir, options.env);
  return { dir, configDir, env };
}

/** Starts `promptfile <args>` in the workspace, in its own process group (so a test can signal the group). */
export function startPromptfile(
  ws: Workspace,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): RunningCli {
  return startNode({ argv: [PROMPTFILE_BIN, ...args], cwd: ws.dir, env: { ...ws.env, ...env }, timeoutMs });
}

/** Runs promptfoo's own CLI (`promptfoo <args>`) in the workspace, with the same private config directory. */
export function promptfoo(ws: Workspace, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return startNode({
    argv: [PROMPTFOO_ENTRYPOINT, ...args],
    cwd: ws.dir,
    env: { ...ws.env, ...env },
    timeoutMs: 150_000,
  }).done;
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
