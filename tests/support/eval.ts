/**
 * Runs one evaluation through the real promptfoo CLI, the way a user would, in a throwaway directory:
 * writes promptfooconfig.yaml (absolute `file://` paths into this repository) and the prompt files there,
 * spawns `promptfoo eval --no-cache -o results.json` (caching optional) with that directory as cwd and a private
 * PROMPTFOO_CONFIG_DIR, and returns what came out. The child gets no inherited environment: only PATH, the
 * offline flags and what the test passes, so no real key or base URL can leak in, and OpenAI traffic goes to
 * a dead loopback port unless the test points it at its server.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { PROMPTFOO_ENTRYPOINT, runNode } from './cli';
import { isolatedEnv } from './environment';

/** The repository root. */
export const REPO = path.resolve(__dirname, '../..');

/**
 * A `file://` reference to a file of this repository, e.g. `repoFile('providers/replay.ts')`. The plugin's entry
 * files (providers/, assertions/, prompts/promptfile.ts) are named by their source and referenced as promptfoo loads
 * them from a user's config: compiled, in dist/ (jest's global setup builds it).
 */
export function repoFile(relative: string): string {
  const shipped = /^(providers|assertions|suites)\/.+\.ts$|^prompts\/promptfile\.ts$/.test(relative)
    ? `dist/${relative.replace(/\.ts$/, '.js')}`
    : relative;
  return `file://${path.join(REPO, shipped)}`;
}

/** A promptfoo provider entry. */
export interface ProviderEntry {
  id: string;
  label?: string;
  config?: Record<string, unknown>;
  /** promptfoo's per-provider `env:` (merged over the config's top-level `env:`). */
  env?: Record<string, string>;
}

/** The live prompt-file provider with `config` (model, temperature, apiBaseUrl, ...). */
export function live(config: Record<string, unknown> = {}, label?: string): ProviderEntry {
  return {
    id: repoFile('providers/promptfile.ts'),
    ...(label ? { label } : {}),
    ...(Object.keys(config).length ? { config } : {}),
  };
}

/** The replay provider with `config` (cassettes, model, temperature). */
export function replay(config: Record<string, unknown>, label?: string): ProviderEntry {
  return { id: repoFile('providers/replay.ts'), ...(label ? { label } : {}), config };
}

/** The gossip suite's reference answer, as promptfooconfig.yaml names it for the offline provider. */
export const GOSSIP_REFERENCE = `file://${path.join(REPO, 'dist/suites/gossip/src/architect.js')}:gossipArchitect`;

/**
 * The offline reference provider, answering `answers` (prompt file names) with the gossip suite's reference, as the
 * repository's config does; `answers: []` gives it no reference at all.
 */
export function offline(
  label = 'offline reference (baseline, not a model)',
  answers: string[] = ['peer_to_peer_gossip_protocol_architect'],
): ProviderEntry {
  const config = { answers: Object.fromEntries(answers.map((name) => [name, GOSSIP_REFERENCE])) };
  return { id: repoFile('providers/offline.ts'), label, config };
}

export interface EvalOptions {
  /** Files to create in the run directory, by relative path (prompt files, local.txt, evil.js...). */
  files?: Record<string, string>;
  /** Repository files to copy in, by repository-relative path (kept at the same relative path). */
  copy?: string[];
  providers?: ProviderEntry[];
  /** The test generator's config (files, scope, grader, ...). Default `{ files: 'prompts/**\/*.prompt.yml' }`. */
  suite?: Record<string, unknown>;
  /** A whole config to write instead of one built from `providers` and `suite` (e.g. from `repoConfig()`). */
  config?: PromptfooConfig;
  /** Extra CLI arguments, e.g. ['--repeat', '3']. */
  args?: string[];
  /** Environment for the child, on top of the offline flags. A value of `undefined` removes a default. */
  env?: Record<string, string | undefined>;
  /** Reuse this directory instead of a fresh one (e.g. a second run next to recorded cassettes). */
  dir?: string;
  /** Let promptfoo use its response cache (default false: `--no-cache`), as a user's plain `promptfoo eval` does. */
  cache?: boolean;
  /** Kill the child after this many ms (default 180 s: a backstop against hangs, not a measurement). */
  timeoutMs?: number;
  /** Kill the child when this aborts (e.g. once a server has seen what the test waits for). */
  signal?: AbortSignal;
}

/** One row of promptfoo's JSON output (`results.results[i]`), the fields tests read. */
export interface RowResult {
  success: boolean;
  failureReason: number;
  error?: string | null;
  score: number;
  promptIdx: number;
  testIdx: number;
  provider: { id: string; label?: string };
  prompt: { raw: string; label: string };
  vars: Record<string, string>;
  namedScores: Record<string, number>;
  response?: { output?: unknown; error?: string; metadata?: Record<string, unknown> };
  gradingResult?: {
    pass: boolean;
    score: number;
    reason: string;
    namedScores?: Record<string, number>;
    componentResults?: { pass: boolean; score: number; reason: string; assertion?: { metric?: string } }[];
  } | null;
  testCase: {
    description?: string;
    metadata?: { promptfile?: { file: string; name: string; row: number; id?: string } };
  };
  metadata?: Record<string, unknown>;
}

/** One column of promptfoo's JSON output (`results.prompts[i]`). */
export interface PromptColumn {
  provider: string;
  label: string;
  metrics?: {
    score: number;
    testPassCount: number;
    testFailCount: number;
    testErrorCount: number;
    namedScores: Record<string, number>;
    namedScoresCount: Record<string, number>;
    namedScoreWeights?: Record<string, number>;
  };
}

export interface EvalResults {
  prompts: PromptColumn[];
  results: RowResult[];
  stats: { successes: number; failures: number; errors: number };
}

export interface EvalRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Parsed `results` of results.json, or undefined when the run wrote none. */
  results: EvalResults | undefined;
  /** results.json as written, '' when absent. */
  resultsText: string;
  dir: string;
  configDir: string;
  durationMs: number;
}

/**
 * Every directory a test file creates lives under one root, removed after the file's tests (the harness is
 * imported by test files, so jest's afterAll is in scope). PROMPTFILE_KEEP_RUNS=1 keeps them for a
 * post-mortem; failure messages name the run directory.
 */
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'promptfile-it-'));
if (typeof afterAll === 'function' && !process.env['PROMPTFILE_KEEP_RUNS']) {
  afterAll(() => fs.rmSync(ROOT, { recursive: true, force: true }));
}

/** A fresh temp directory for one run. */
export function tempDir(prefix = 'run-'): string {
  return fs.mkdtempSync(path.join(ROOT, prefix));
}

/** The promptfooconfig.yaml text for providers + test generator config, with absolute plugin paths. */
export function configFor(
  providers: ProviderEntry[],
  suite: Record<string, unknown> = { files: 'prompts/**/*.prompt.yml' },
): string {
  return stringify({
    description: 'promptfile integration test',
    prompts: [{ id: `${repoFile('prompts/promptfile.ts')}:render`, label: 'promptfile' }],
    providers,
    tests: [{ path: `${repoFile('prompts/promptfile.ts')}:tests`, config: suite }],
  });
}

/** promptfoo's config as an object (what promptfooconfig.yaml holds). */
export type PromptfooConfig = Record<string, unknown> & {
  providers?: ProviderEntry[];
  /** Test generators (`path` + `config`) or inline test cases (`vars`, `assert`, ...). */
  tests?: (Record<string, unknown> & { path?: string; config?: Record<string, unknown> })[];
};

/**
 * The repository's own promptfooconfig.yaml, with its relative `file://` plugin paths made absolute so it
 * runs from any directory. Prompt-file globs in the generator config stay relative to the run directory.
 */
export function repoConfig(): PromptfooConfig {
  const absolute = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith('file://') && !value.startsWith('file:///')) {
      return `file://${path.join(REPO, value.slice('file://'.length))}`;
    }
    if (Array.isArray(value)) return value.map(absolute);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, absolute(v)]));
    return value;
  };
  return absolute(parse(fs.readFileSync(path.join(REPO, 'promptfooconfig.yaml'), 'utf8'))) as PromptfooConfig;
}

/** Writes the run directory and runs `promptfoo eval` in it. */
export async function runEval(options: EvalOptions): Promise<EvalRun> {
  const dir = options.dir ?? tempDir();
  const configDir = tempDir('promptfoo-config-');
  for (const rel of options.copy ?? []) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.copyFileSync(path.join(REPO, rel), path.join(dir, rel));
  }
  for (const [rel, text] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const configText = options.config
    ? stringify(options.config)
    : configFor(options.providers ?? [], options.suite);
  fs.writeFileSync(path.join(dir, 'promptfooconfig.yaml'), configText);
  const out = path.join(dir, 'results.json');
  fs.rmSync(out, { force: true });

  const env = isolatedEnv(configDir);
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const args = [
    PROMPTFOO_ENTRYPOINT,
    'eval',
    '-c',
    'promptfooconfig.yaml',
    ...(options.cache ? [] : ['--no-cache']),
    '--no-progress-bar',
    '-o',
    'results.json',
    ...(options.args ?? []),
  ];
  const { code, stdout, stderr, durationMs } = await runNode({
    argv: args,
    cwd: dir,
    env,
    timeoutMs: options.timeoutMs ?? 180_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const resultsText = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  const results = resultsText ? (JSON.parse(resultsText) as { results: EvalResults }).results : undefined;
  return { code, stdout, stderr, results, resultsText, dir, configDir, durationMs };
}

/** The variant (column) a row belongs to: its provider's label, else the provider's id(). */
export function variantOf(row: RowResult): string {
  return row.provider.label || row.provider.id;
}

/** How a row ended: 'PASS', or 'FAIL: <reason>' / 'ERROR: <error>', so a failed expectation shows why. */
export function verdict(row: RowResult): string {
  if (row.success) return 'PASS';
  if (row.failureReason === 2) return `ERROR: ${row.error ?? row.response?.error ?? ''}`;
  return `FAIL: ${row.gradingResult?.reason ?? row.error ?? ''}`;
}

/** Every row's verdict, in promptfoo's order; with no results, the run's exit code and console tail. */
export function verdicts(run: EvalRun): string[] {
  if (!run.results)
    return [`NO RESULTS (exit ${run.code}): ${run.stderr.slice(-1500)} ${run.stdout.slice(-1500)}`];
  return run.results.results.map(verdict);
}
