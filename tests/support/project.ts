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
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { PROMPTFILE_BIN, runNode, startNode, type CliRun } from './cli';
import { isolatedEnv } from './environment';
import { configFor, live, tempDir, type ProviderEntry } from './eval';

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
  const env = isolatedEnv(configDir);
  const launch = (args: string[], extra: Record<string, string>, timeoutMs?: number) => ({
    argv: [PROMPTFILE_BIN, ...args],
    cwd: dir,
    env: { ...env, ...extra },
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  return {
    dir,
    configDir,
    path: (relative) => path.join(dir, relative),
    read: (relative) => fs.readFileSync(path.join(dir, relative), 'utf8'),
    start: (args, extra = {}) => startNode(launch(args, extra, 24 * 3600_000)).child,
    run: (args, timeoutMs = 180_000, extra = {}) => runNode(launch(args, extra, timeoutMs)),
  };
}
