/**
 * Runs `promptfoo eval` the way a user would (the real CLI, a fresh process, `--no-cache`) in a directory of
 * its own, and measures its wall time from spawn to exit. The child gets only PATH, the offline flags and
 * the loopback base URL, so no real key or endpoint can leak in.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { median } from './report';
import type { BenchServer } from './server';

/** The repository root. */
export const REPO = path.resolve(__dirname, '..');
export const ENTRYPOINT = path.join(REPO, 'node_modules/promptfoo/dist/src/entrypoint.js');
/** The seed prompt file every eval benchmark runs. */
export const SEED = 'prompts/peer_to_peer_gossip_protocol_architect.prompt.yml';

/**
 * `file://` + an absolute path into this repository; the plugin's entry files (providers/, assertions/,
 * prompts/promptfile.ts) as users run them, compiled in dist/ (bench/run.ts builds it first).
 */
export function repoFile(relative: string): string {
  const shipped = /^(providers|assertions)\/.+\.ts$|^prompts\/promptfile\.ts$/.test(relative)
    ? `dist/${relative.replace(/\.ts$/, '.js')}`
    : relative;
  return `file://${path.join(REPO, shipped)}`;
}

/** The installed promptfoo version, read from its package.json (its exports map hides it from require). */
export function promptfooVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/promptfoo/package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** A fresh run directory holding `promptfooconfig.yaml` and a copy of the seed prompt file at `prompts/`. */
export function runDirectory(config: Record<string, unknown>, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  fs.mkdirSync(path.join(dir, 'prompts'));
  fs.copyFileSync(path.join(REPO, SEED), path.join(dir, SEED));
  fs.writeFileSync(path.join(dir, 'promptfooconfig.yaml'), stringify(config, { lineWidth: 0 }));
  return dir;
}

export interface EvalRun {
  /** `performance.now()` at spawn and at exit. */
  startedAt: number;
  endedAt: number;
  wallMs: number;
  exitCode: number | null;
  /** Rows in the results file. */
  rows: number;
  passed: number;
  failed: number;
  errors: number;
  stderr: string;
  /** CPU time of the promptfoo process (user + system, all threads), from bench/usage.cjs. */
  cpuMs: number;
  /** Peak resident memory of the promptfoo process, MiB. */
  peakMiB: number;
}

const USAGE_PROBE = path.join(__dirname, 'usage.cjs');

/** Runs `promptfoo eval` in `dir` with concurrency `jobs`, every model call going to `baseUrl`. */
export async function runEval(
  dir: string,
  baseUrl: string,
  jobs: number,
  extraArgs: string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<EvalRun> {
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pfconfig-'));
  const out = path.join(dir, 'out.json');
  fs.rmSync(out, { force: true });
  const usageFile = path.join(configDir, 'usage.json');
  const args = [
    '--require',
    USAGE_PROBE,
    ENTRYPOINT,
    'eval',
    '-c',
    'promptfooconfig.yaml',
    '-o',
    out,
    '--no-cache',
    '--no-progress-bar',
    '--no-table',
    '-j',
    String(jobs),
    ...extraArgs,
  ];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: configDir,
    PROMPTFOO_CONFIG_DIR: configDir,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
    OPENAI_API_KEY: 'x',
    OPENAI_BASE_URL: baseUrl,
    BENCH_USAGE_FILE: usageFile,
    ...extraEnv,
  };
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 20_000) stderr += c.toString('utf8');
  });
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const endedAt = performance.now();
  const usage = fs.existsSync(usageFile)
    ? (JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { cpuMs: number; maxRssKiB: number })
    : { cpuMs: NaN, maxRssKiB: NaN };
  fs.rmSync(configDir, { recursive: true, force: true });
  let rows = 0;
  let passed = 0;
  let failed = 0;
  let errors = 0;
  if (fs.existsSync(out)) {
    const results = (
      JSON.parse(fs.readFileSync(out, 'utf8')) as {
        results: { results: { success: boolean; failureReason?: number }[] };
      }
    ).results.results;
    rows = results.length;
    for (const r of results) {
      if (r.success) passed++;
      else if (r.failureReason === 2) errors++;
      else failed++;
    }
  }
  return {
    startedAt,
    endedAt,
    wallMs: endedAt - startedAt,
    exitCode,
    rows,
    passed,
    failed,
    errors,
    stderr,
    cpuMs: usage.cpuMs,
    peakMiB: usage.maxRssKiB / 1024,
  };
}

/** An eval run with the loopback server's view of it. */
export interface MeasuredEval extends EvalRun {
  requests: number;
  peakInFlight: number;
  /** Spawn to the first model request: process start, config, test generation, provider loading. */
  startupMs: number;
  /** First request to last response: the part a faster model or more concurrency can shorten. */
  modelPhaseMs: number;
  /** Last response to exit: grading the last rows, writing the database and the output file. */
  tailMs: number;
  /** Median client turnaround between calls on one connection (see BenchServer.turnarounds). */
  turnaroundMs: number;
}

/** Runs `promptfoo eval` in `dir` against `server` and splits its wall time at the first and last model call. */
export async function measureEval(
  server: BenchServer,
  dir: string,
  jobs: number,
  extraArgs: string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<MeasuredEval> {
  server.reset();
  const run = await runEval(dir, server.baseUrl, jobs, extraArgs, extraEnv);
  return {
    ...run,
    requests: server.requests,
    peakInFlight: server.peakInFlight,
    startupMs: server.firstRequestAt - run.startedAt,
    modelPhaseMs: server.lastResponseAt - server.firstRequestAt,
    tailMs: run.endedAt - server.lastResponseAt,
    turnaroundMs: median(server.turnarounds),
  };
}
