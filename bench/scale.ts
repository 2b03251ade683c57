/**
 * Scale: many prompt files and many results, through the plugin's own modules (no promptfoo process).
 *
 * - prompt files: 1,000 generated files (the seed's messages and evaluators, 100 rows each) are loaded and
 *   validated (`loadPromptFile`), then translated into promptfoo tests (`generateTests`, as promptfoo calls it);
 * - results: 100,000 promptfoo-shaped result rows (2 variants x 50,000 rows, 3 evaluators each, rows shaped and
 *   sized like the ones promptfoo 0.121 writes for the seed) are read (`readTrials`), compared (`compare`) and
 *   gated against a baseline (`gate`).
 * Each stage runs in its own process (isolated.ts) for its peak memory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverPromptFiles } from '../src/promptfile/discover';
import { loadPromptFile } from '../src/promptfile/load';
import { generateTests } from '../src/promptfoo/generate';
import { buildBaseline, readBaseline, serializeBaseline } from '../src/gate/baseline';
import { compare } from '../src/compare/compare';
import { gate } from '../src/gate/gate';
import { readTrials } from '../src/promptfoo/readResults';
import type { Trial, TrialTable } from '../src/results/trial';
import { worseThanBaseline } from '../src/stats/regression';
import { SeededRandom } from '../suites/gossip/src/random';
import { runIsolated, type IsolatedRun } from './isolated';
import { REPO, SEED } from './promptfoo';
import { millis, mib, seconds, table, type SectionReport } from './report';
import { DESIGN_ANSWER } from './server';

/** The generated suite's glob under `dir`. */
export function suiteGlob(dir: string): string {
  return `${dir}/**/*.prompt.yml`;
}

/** Writes `files` prompt files of `rowsPerFile` rows each under `dir` (100 per subdirectory); returns bytes written. */
export function writePromptFiles(dir: string, files: number, rowsPerFile: number): number {
  const seed = fs.readFileSync(path.join(REPO, SEED), 'utf8');
  const head = seed.slice(0, seed.indexOf('\ntestData:') + 1);
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const rows: string[] = ['testData:'];
    for (let r = 0; r < rowsPerFile; r++) {
      rows.push(
        `  - variables:`,
        `      system_domain: ${JSON.stringify(`Edge cache invalidation for tenant ${f}-${r}`)}`,
        `      network_scale: ${JSON.stringify(`${(r + 1) * 1000} nodes across ${f + 1} regions; churn ${r % 7}% per hour; partial connectivity.`)}`,
        `      consistency_requirements: ${JSON.stringify(`Converge within ${(r % 9) + 1} seconds; overhead below ${r % 5} messages per node per second.`)}`,
      );
    }
    const name = `scale_${String(f).padStart(4, '0')}`;
    const text = head.replace(/^name: .*$/m, `name: ${name}`) + rows.join('\n') + '\n';
    const sub = path.join(dir, `group-${String(Math.floor(f / 100)).padStart(2, '0')}`);
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `${name}.prompt.yml`), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

/** Stage: discover, parse and validate every prompt file. */
export function loadStage(args: Record<string, unknown>): unknown {
  const paths = discoverPromptFiles([suiteGlob(String(args['dir']))]);
  let rows = 0;
  let invalid = 0;
  for (const p of paths) {
    const loaded = loadPromptFile(p);
    if (loaded.file) rows += loaded.file.rows.length;
    else invalid++;
  }
  return { files: paths.length, rows, invalid };
}

/** Stage: the test generator, as promptfoo calls it (discover + load + validate + translate). */
export function testsStage(args: Record<string, unknown>): unknown {
  const tests = generateTests({ files: suiteGlob(String(args['dir'])) });
  return { tests: tests.length, assertions: tests.reduce((n, t) => n + t.assert.length, 0) };
}

// ---- results -------------------------------------------------------------------------------------------

const EVALUATORS = [
  {
    name: 'Mentions standard gossip modalities and protocols',
    pattern: '(?i)(Push|Pull|Push-Pull|SWIM)',
    line: 69,
    expect: 'match',
  },
  {
    name: 'Mentions state reconciliation structures',
    pattern: '(?i)(Merkle Tree|Bloom Filter|Version Vector)',
    line: 72,
    expect: 'match',
  },
  { name: 'Refusal JSON (must not match)', pattern: '\\{"error": "unsafe"\\}', line: 78, expect: 'no-match' },
] as const;
const VARIANTS = ['gpt-4o · T=0.2', 'gpt-4o-mini · T=0.2'] as const;

/** Pass probability of (variant, evaluator) on a row of difficulty `d`; the second variant is worse on evaluator 1. */
function passProbability(variant: number, evaluator: number, d: number, baseline: boolean): number {
  const base = [0.93, 0.85, 0.98][evaluator] ?? 0.9;
  const drop = !baseline && variant === 1 && evaluator === 1 ? 0.05 : 0;
  return Math.max(0, Math.min(1, base - d - drop));
}

interface Plan {
  files: number;
  rowsPerFile: number;
}

/** Every (row, variant, evaluator) outcome of a run, in a fixed order, from `seed`. */
function outcomes(
  plan: Plan,
  seed: number,
  baseline: boolean,
  visit: (file: number, row: number, variant: number, passes: boolean[]) => void,
): void {
  const rng = new SeededRandom(seed);
  const difficulty = new SeededRandom(7);
  for (let f = 0; f < plan.files; f++) {
    for (let r = 0; r < plan.rowsPerFile; r++) {
      const d = difficulty.nextFloat() * 0.1;
      for (let v = 0; v < VARIANTS.length; v++) {
        visit(
          f,
          r,
          v,
          EVALUATORS.map((_, e) => rng.nextFloat() < passProbability(v, e, d, baseline)),
        );
      }
    }
  }
}

function promptRaw(): string {
  const seed = fs.readFileSync(path.join(REPO, SEED), 'utf8');
  const system = seed
    .slice(seed.indexOf('content: |') + 11, seed.indexOf('  - role: user'))
    .replace(/^ {6}/gm, '');
  return JSON.stringify([
    { role: 'system', content: `\u2060${system}\u2060` },
    {
      role: 'user',
      content: '\u2060System Domain:\n<system_domain>\nEdge cache invalidation\n</system_domain>\n\u2060',
    },
  ]);
}

/** One result row as promptfoo 0.121 writes it for a plugin run (fields and sizes as in a real `-o out.json`). */
function resultRow(
  f: number,
  r: number,
  v: number,
  passes: boolean[],
  testIdx: number,
  raw: string,
): unknown {
  const file = `prompts/scale/scale_${String(f).padStart(4, '0')}.prompt.yml`;
  const variant = VARIANTS[v] as string;
  const line = 82 + r * 4;
  const assert = EVALUATORS.map((e, k) => ({
    type: 'javascript',
    value: `file://${REPO}/dist/assertions/evaluator.js:evaluate`,
    metric: e.name,
    config: {
      evaluator: {
        kind: 'regex',
        pattern: e.pattern,
        name: e.name.replace(' (must not match)', ''),
        index: k,
        line: e.line,
      },
      expect: e.expect,
      file,
      evaluatorLine: e.line,
    },
  }));
  const componentResults = assert.map((assertion, k) => ({
    pass: passes[k],
    score: passes[k] ? 1 : 0,
    reason: passes[k]
      ? `/${EVALUATORS[k]?.pattern}/: matched "Push"`
      : `/${EVALUATORS[k]?.pattern}/: no match`,
    assertion,
  }));
  const pass = passes.every(Boolean);
  const namedScores = Object.fromEntries(EVALUATORS.map((e, k) => [e.name, passes[k] ? 1 : 0]));
  const vars = {
    __promptfile: `${file}#${r}`,
    system_domain: `Edge cache invalidation for tenant ${f}-${r}`,
    network_scale: `${(r + 1) * 1000} nodes across ${f + 1} regions; churn ${r % 7}% per hour; partial connectivity.`,
    consistency_requirements: `Converge within ${(r % 9) + 1} seconds; overhead below ${r % 5} messages per node per second.`,
  };
  const tokenUsage = {
    total: 1300,
    prompt: 900,
    completion: 400,
    cached: 0,
    numRequests: 1,
    completionDetails: { reasoning: 0, acceptedPrediction: 0, rejectedPrediction: 0 },
    assertions: { total: 0, prompt: 0, completion: 0, cached: 0, numRequests: 0 },
  };
  return {
    cost: 0.00625,
    ...(pass ? {} : { error: componentResults.find((c) => !c.pass)?.reason }),
    gradingResult: {
      pass,
      score: pass ? 1 : 0,
      reason: pass ? 'All assertions passed' : (componentResults.find((c) => !c.pass)?.reason ?? ''),
      namedScores,
      namedScoreWeights: Object.fromEntries(EVALUATORS.map((e) => [e.name, 1])),
      tokensUsed: { total: 0, prompt: 0, completion: 0, cached: 0, numRequests: 0 },
      componentResults,
    },
    id: `00000000-0000-4000-8000-${String(testIdx * 2 + v).padStart(12, '0')}`,
    latencyMs: 812,
    namedScores,
    prompt: { raw, label: 'promptfile' },
    promptId: '8f3c1e5a2b7d9c04e6f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5',
    promptIdx: v,
    provider: { id: `file://${REPO}/dist/providers/promptfile.js`, label: variant },
    response: {
      output: DESIGN_ANSWER,
      tokenUsage,
      cached: false,
      latencyMs: 812,
      finishReason: 'stop',
      metadata: { variant, model: variant.split(' ')[0], target: 'openai:chat:gpt-4o', temperature: 0.2 },
    },
    score: pass ? 1 : 0,
    success: pass,
    testCase: {
      description: `\u2060scale_${f} #${r} (line ${line}): system_domain=Edge cache invalidation for tenant ${f}-${r}, network_scale=…\u2060`,
      vars,
      assert,
      options: {},
      metadata: { promptfile: { file, name: `scale_${f}`, row: r, line } },
    },
    testIdx,
    tokenUsage,
    vars,
    metadata: { promptfile: { file, name: `scale_${f}`, row: r, line } },
    failureReason: pass ? 0 : 1,
  };
}

/**
 * Writes a run's results as `shards` promptfoo results files (a single file of this size would exceed V8's
 * 512 MiB string limit, which our reader hits: it reads a file as one string), and a baseline from an earlier,
 * independent run of the same suite. Returns the shard paths, the baseline path and the bytes written.
 */
export function writeResults(
  dir: string,
  plan: Plan,
  shards: number,
): { shards: string[]; baseline: string; bytes: number; rows: number } {
  fs.mkdirSync(dir, { recursive: true });
  const raw = promptRaw();
  const rowsPerShard = Math.ceil((plan.files * plan.rowsPerFile) / shards);
  const paths: string[] = [];
  let fd = -1;
  let bytes = 0;
  let written = 0;
  let inShard = 0;
  let testIdx = 0;
  const open = () => {
    const p = path.join(dir, `results-${paths.length}.json`);
    paths.push(p);
    fd = fs.openSync(p, 'w');
    const prompts = VARIANTS.map((label) => ({ raw, label: 'promptfile', provider: label, metrics: {} }));
    write(
      `{"evalId":"eval-bench-${paths.length}","results":{"version":3,"timestamp":"2026-01-01T00:00:00.000Z","prompts":${JSON.stringify(prompts)},"results":[`,
    );
    inShard = 0;
    testIdx = 0;
  };
  const close = () => {
    write(`],"stats":{"successes":0,"failures":0,"errors":0}},"config":{},"shareableUrl":null}`);
    fs.closeSync(fd);
  };
  const write = (s: string) => {
    bytes += fs.writeSync(fd, s);
  };
  let row = -1;
  outcomes(plan, 1, false, (f, r, v, passes) => {
    const key = f * plan.rowsPerFile + r;
    if (key !== row) {
      row = key;
      if (fd === -1 || inShard >= rowsPerShard) {
        if (fd !== -1) close();
        open();
      }
      inShard++;
      testIdx++;
    }
    write(
      `${written > 0 && !(inShard === 1 && v === 0) ? ',' : ''}${JSON.stringify(resultRow(f, r, v, passes, testIdx - 1, raw))}`,
    );
    written++;
  });
  close();

  // The baseline: counts of an independent earlier run where the second variant had not regressed.
  const trials: Trial[] = [];
  outcomes(plan, 2, true, (f, r, v, passes) => {
    const file = `prompts/scale/scale_${String(f).padStart(4, '0')}.prompt.yml`;
    const ref = { key: `${file}#${r}`, label: `${file}:${82 + r * 4}`, file };
    EVALUATORS.forEach((e, k) =>
      trials.push({
        variant: VARIANTS[v] as string,
        evaluator: e.name,
        row: ref,
        repeat: 0,
        outcome: passes[k] ? 'pass' : 'fail',
        reason: '',
        source: 'baseline',
      }),
    );
  });
  const table: TrialTable = { trials, attempts: [], sources: ['baseline'] };
  const baseline = path.join(dir, 'baseline.json');
  fs.writeFileSync(baseline, serializeBaseline(buildBaseline(table)));
  return { shards: paths, baseline, bytes, rows: written };
}

/** Stage: read the shards and compare the variants. */
export function compareStage(args: Record<string, unknown>): unknown {
  const t0 = performance.now();
  const table = readTrials(args['shards'] as string[]);
  const t1 = performance.now();
  const result = compare(table);
  const t2 = performance.now();
  return {
    readMs: t1 - t0,
    compareMs: t2 - t1,
    attempts: table.attempts.length,
    trials: table.trials.length,
    winners: result.comparisons
      .filter((c) => c.winner !== undefined)
      .map((c) => `${c.winner} on ${c.evaluator}`),
  };
}

/** Stage: read the shards and the baseline, and gate. */
export function gateStage(args: Record<string, unknown>): unknown {
  const t0 = performance.now();
  const table = readTrials(args['shards'] as string[]);
  const baseline = readBaseline(String(args['baseline']));
  const t1 = performance.now();
  const verdict = gate(table, baseline);
  const t2 = performance.now();
  return {
    readMs: t1 - t0,
    gateMs: t2 - t1,
    pass: verdict.pass,
    regressions: verdict.failures.filter((f) => f.kind === 'regression').length,
  };
}

/** Stage: the gate's regression test alone on `strata` rows of one trial each side; milliseconds per size. */
export function strataStage(args: Record<string, unknown>): unknown {
  const out: { strata: number; ms: number }[] = [];
  for (const n of args['sizes'] as number[]) {
    const rng = new SeededRandom(n);
    const before = new Map<string, { passes: number; trials: number }>();
    const after = new Map<string, { passes: number; trials: number }>();
    for (let i = 0; i < n; i++) {
      before.set(`r${i}`, { passes: rng.nextFloat() < 0.85 ? 1 : 0, trials: 1 });
      after.set(`r${i}`, { passes: rng.nextFloat() < 0.83 ? 1 : 0, trials: 1 });
    }
    const t = performance.now();
    worseThanBaseline(before, after);
    out.push({ strata: n, ms: performance.now() - t });
  }
  return out;
}

// ---- the section -----------------------------------------------------------------------------------------

export interface ScaleOptions {
  files: number;
  rowsPerFile: number;
  /** Result rows: variants x files x resultRowsPerFile. */
  resultRowsPerFile: number;
  shards: number;
  /** Strata counts for the regression-test sweep. */
  strata: number[];
  /** Time limit per stage, ms. */
  limitMs: number;
}

export const SCALE_DEFAULTS: ScaleOptions = {
  files: 1000,
  rowsPerFile: 100,
  resultRowsPerFile: 50,
  shards: 4,
  strata: [1000, 5000, 20000, 50000],
  limitMs: 180_000,
};

/** Runs the scale benchmark in a temporary directory, removed afterwards. */
export async function scaleSection(options: ScaleOptions = SCALE_DEFAULTS): Promise<SectionReport> {
  const started = performance.now();
  const { files, rowsPerFile, resultRowsPerFile, shards, strata, limitMs } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  try {
    const promptsDir = path.join(dir, 'prompts');
    let t = performance.now();
    const promptBytes = writePromptFiles(promptsDir, files, rowsPerFile);
    const writePromptsMs = performance.now() - t;
    const progress = (what: string, r: IsolatedRun<unknown>) =>
      process.stdout.write(
        `  scale ${what}: ${r.killed ? 'killed' : seconds(r.ms)}, ${mib(r.maxRssMiB)}${r.error ? ` (${r.error})` : ''}\n`,
      );
    const load = await runIsolated<{ files: number; rows: number; invalid: number }>(
      __filename,
      'loadStage',
      { dir: promptsDir },
      limitMs,
    );
    progress('load', load);
    const tests = await runIsolated<{ tests: number; assertions: number }>(
      __filename,
      'testsStage',
      { dir: promptsDir },
      limitMs,
    );
    progress('tests', tests);

    t = performance.now();
    const written = writeResults(
      path.join(dir, 'results'),
      { files, rowsPerFile: resultRowsPerFile },
      shards,
    );
    const writeResultsMs = performance.now() - t;
    const cmp = await runIsolated<{
      readMs: number;
      compareMs: number;
      trials: number;
      attempts: number;
      winners: string[];
    }>(__filename, 'compareStage', { shards: written.shards }, limitMs);
    progress('compare', cmp);
    const gt = await runIsolated<{ readMs: number; gateMs: number; pass: boolean; regressions: number }>(
      __filename,
      'gateStage',
      { shards: written.shards, baseline: written.baseline },
      limitMs,
    );
    progress('gate', gt);
    const sweep = await runIsolated<{ strata: number; ms: number }[]>(
      __filename,
      'strataStage',
      { sizes: strata },
      limitMs,
    );
    progress('strata', sweep);

    const status = (r: IsolatedRun<unknown>) =>
      r.killed ? `> ${limitMs / 1000} s (killed)` : r.error ? `failed: ${r.error}` : '';
    const resultRows = written.rows;
    const rows: string[][] = [
      [
        'write 1,000 prompt files (setup)',
        `${files} files, ${(files * rowsPerFile).toLocaleString('en')} rows, ${(promptBytes / 2 ** 20).toFixed(0)} MiB`,
        millis(writePromptsMs),
        '—',
        '',
      ],
      [
        'load + validate (`loadPromptFile` on each)',
        load.result
          ? `${load.result.files} files, ${load.result.rows.toLocaleString('en')} rows, ${load.result.invalid} invalid`
          : '',
        millis(load.ms),
        mib(load.maxRssMiB),
        status(load),
      ],
      [
        'load + validate + translate (`generateTests`)',
        tests.result
          ? `${tests.result.tests.toLocaleString('en')} tests, ${tests.result.assertions.toLocaleString('en')} assertions`
          : '',
        millis(tests.ms),
        mib(tests.maxRssMiB),
        status(tests),
      ],
      [
        'write results (setup)',
        `${resultRows.toLocaleString('en')} result rows in ${shards} shards, ${(written.bytes / 2 ** 20).toFixed(0)} MiB`,
        millis(writeResultsMs),
        '—',
        '',
      ],
      [
        'read (`readTrials`) + `compare`',
        cmp.result
          ? `${cmp.result.attempts.toLocaleString('en')} attempts, ${cmp.result.trials.toLocaleString('en')} trials; read ${millis(cmp.result.readMs)}, compare ${millis(cmp.result.compareMs)}`
          : '',
        millis(cmp.ms),
        mib(cmp.maxRssMiB),
        status(cmp),
      ],
      [
        'read + `readBaseline` + `gate`',
        gt.result
          ? `read ${millis(gt.result.readMs)}, gate ${millis(gt.result.gateMs)}; ${gt.result.pass ? 'pass' : `fail, ${gt.result.regressions} regression(s)`}`
          : '',
        millis(gt.ms),
        mib(gt.maxRssMiB),
        status(gt),
      ],
    ];
    const strataRow = sweep.result ? sweep.result.map((s) => millis(s.ms)) : strata.map(() => status(sweep));
    const gateSeconds = gt.result ? gt.result.gateMs : NaN;

    const findings: string[] = [];
    if (sweep.result && sweep.result.length >= 2) {
      // The growth exponent between the two largest sizes, where fixed costs no longer blur it.
      const first = sweep.result[sweep.result.length - 2] as { strata: number; ms: number };
      const last = sweep.result[sweep.result.length - 1] as { strata: number; ms: number };
      const exponent = Math.log(last.ms / first.ms) / Math.log(last.strata / first.strata);
      findings.push(
        `**The gate's regression test is near-linear in the number of rows.** \`worseThanBaseline\` (src/stats/regression.ts) convolves one binomial per row ` +
          `into two swapping Float64Arrays and drops entries below 1e-300 after each step, so each row costs the width of the distribution's support, not the ` +
          `row count: time grows as strata^${exponent.toFixed(2)} (${first.strata.toLocaleString('en')} rows ${millis(first.ms)}, ` +
          `${last.strata.toLocaleString('en')} rows ${millis(last.ms)}), and the gate runs it once per (variant, evaluator): ` +
          `${gt.result ? millis(gateSeconds) : 'over the limit'} for ${resultRows.toLocaleString('en')} results here. Before that change (plain arrays grown ` +
          `by one entry per row, commit a3ed570) the same gate took 12.9–40 s, up to 14.5 s of it in garbage collection, and 3.79 s at 50,000 rows; p-values ` +
          `are bit-identical (tests/unit/stats/fisher.test.ts compares against a reference implementation).`,
      );
    }
    findings.push(
      `A single promptfoo results file for ${resultRows.toLocaleString('en')} rows shaped like the seed's would be about ${(written.bytes / 2 ** 20).toFixed(0)} MiB; ` +
        `V8 cannot hold a string over 512 MiB (0x1fffffe8 characters), so \`readTrials\` (\`readFileSync(path, 'utf8')\`) reports such a file as ` +
        `"cannot read the results file (ERR_STRING_TOO_LONG)". Runs that large have to be written and read as shards (\`--filter-range\`), which readTrials merges; ` +
        `the bench does that. A streaming JSON reader would lift the limit.`,
    );
    if (tests.result && load.result && !tests.killed && !load.killed) {
      findings.push(
        `Translating the loaded files into promptfoo tests costs ${millis(tests.ms - load.ms)} and ${mib(tests.maxRssMiB - load.maxRssMiB)} on top of loading ` +
          `them (${tests.result.assertions.toLocaleString('en')} assertion objects, each with its own config); promptfoo then holds all of them, and their results, in one process.`,
      );
    }

    return {
      title: '4. Scale: 1,000 prompt files, 100,000 rows, 100,000 results',
      method: [
        `${files} generated prompt files (the seed's messages, variables and four evaluators, ${rowsPerFile} rows each with distinct values) in ${files / 100} directories. ` +
          `The generator runs the plugin's own modules, not promptfoo: \`loadPromptFile\` (parse with positions, JSON Schema, semantic checks) on every file, ` +
          `then \`generateTests\` from src/promptfoo/generate.ts with \`files:\` pointing at the directory, as promptfoo calls it.`,
        `Results: ${resultRows.toLocaleString('en')} promptfoo result rows (2 variants × ${(files * resultRowsPerFile).toLocaleString('en')} rows, 3 evaluators each; every row shaped and ` +
          `sized like the ones promptfoo 0.121.20 writes for the seed through the plugin, ~9 KB), with a 5-point drop on one evaluator for the second variant, ` +
          `written as ${shards} shard files; and a baseline from an independent run without the drop. Then \`readTrials\` + \`compare\`, and \`readTrials\` + \`readBaseline\` + \`gate\`, ` +
          `as \`promptfile compare\` and \`promptfile gate\` run them.`,
        `Every stage runs in its own Node process (\`node -r tsx/cjs bench/isolated.ts\`), killed after ${limitMs / 1000} s; memory is that process's ` +
          `\`process.resourceUsage().maxRSS\` (V8 collects lazily, so peak RSS overstates what is retained). Times exclude process start and module loading.`,
      ],
      tables: [
        table(['stage', 'size', 'time', 'peak RSS', ''], rows),
        table(
          [
            'gate regression test (`worseThanBaseline`), rows of 1 trial each side',
            ...strata.map((n) => `${n.toLocaleString('en')} rows`),
          ],
          [['time', ...strataRow]],
        ),
      ],
      findings,
      targets: [
        {
          name: `Scale: \`generateTests\` on ${(files * rowsPerFile).toLocaleString('en')} rows (time, peak RSS)`,
          measured: `${millis(tests.ms)}, ${mib(tests.maxRssMiB)}`,
        },
        {
          name: `Scale: read + compare ${resultRows.toLocaleString('en')} results (time, peak RSS)`,
          measured: `${millis(cmp.ms)}, ${mib(cmp.maxRssMiB)}`,
        },
        {
          name: `Scale: read + gate ${resultRows.toLocaleString('en')} results`,
          measured: gt.result ? `${millis(gt.ms)} (${millis(gateSeconds)} in the test)` : status(gt),
        },
      ],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
