/**
 * Scale: many prompt files and many results.
 *
 * - prompt files: 1,000 files made from the seed with the `yaml` library (its messages and evaluators, 100 rows
 *   each), loaded and validated (`loadPromptFile`) and translated into promptfoo tests (`generateTests`, as
 *   promptfoo calls it), each in its own process (isolated.ts) for its peak memory;
 * - results: scaled copies of a real results file (resultsFixture.ts: promptfoo ran the seed through the plugin),
 *   one file of 1 GiB and 10 shards of 100,000 results, read by the real `promptfile compare`, `baseline` and
 *   `gate` commands, each a process of its own whose peak memory and CPU time bench/usage.cjs records; and the
 *   gate's verdicts at that size: the whole run passes, the run without its last shard and the run with a shard
 *   regressed fail.
 *
 * The prose of the section is in bench/text/scale.md, filled with the figures measured here.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { discoverPromptFiles } from '../src/promptfile/discover';
import { loadPromptFile } from '../src/promptfile/load';
import { generateTests } from '../src/promptfoo/generate';
import { worseThanBaseline } from '../src/stats/regression';
import { seeded } from '../src/stats/random';
import { runIsolated, type IsolatedRun } from './isolated';
import { REPO, SEED } from './promptfoo';
import { fromTemplate, millis, mib, table, type SectionReport } from './report';
import { FAIL_EVERY, templateResults, writeScaledResults } from './resultsFixture';

/** The generated suite's glob under `dir`. */
export function suiteGlob(dir: string): string {
  return `${dir}/**/*.prompt.yml`;
}

/**
 * Writes `files` prompt files of `rowsPerFile` rows each under `dir` (100 per subdirectory), each the seed with its
 * name and test rows replaced through the `yaml` library; returns the bytes written.
 */
export function writePromptFiles(dir: string, files: number, rowsPerFile: number): number {
  const seed = fs.readFileSync(path.join(REPO, SEED), 'utf8');
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const document = parseDocument(seed);
    const name = `scale_${String(f).padStart(4, '0')}`;
    document.set('name', name);
    document.set(
      'testData',
      Array.from({ length: rowsPerFile }, (_, r) => ({
        variables: {
          system_domain: `Edge cache invalidation for tenant ${f}-${r}`,
          network_scale: `${(r + 1) * 1000} nodes across ${f + 1} regions; churn ${r % 7}% per hour; partial connectivity.`,
          consistency_requirements: `Converge within ${(r % 9) + 1} seconds; overhead below ${r % 5} messages per node per second.`,
        },
      })),
    );
    const text = document.toString({ lineWidth: 0 });
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

// ---- results, through the CLI ------------------------------------------------------------------------------

const CLI = path.join(REPO, 'bin/promptfile.js');
const USAGE_PROBE = path.join(__dirname, 'usage.cjs');

/** One command's cost. */
interface CommandRun {
  ms: number;
  cpuMs: number;
  maxRssMiB: number;
  code: number | null;
  /** The last line it printed on stderr or stdout, for the table. */
  said: string;
  /** The first line it printed (the gate's verdict). */
  first: string;
}

/** Runs `promptfile <args>` in `cwd` with bench/usage.cjs loaded; wall time, CPU time and peak memory. */
async function promptfile(args: string[], cwd: string, limitMs: number): Promise<CommandRun> {
  const usageFile = path.join(cwd, `usage-${process.hrtime.bigint()}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', USAGE_PROBE, CLI, ...args], {
    cwd,
    env: { ...process.env, BENCH_USAGE_FILE: usageFile, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let head = '';
  const keep = (c: Buffer) => {
    const text = c.toString('utf8');
    if (head.length < 4000) head += text.slice(0, 4000 - head.length);
    output = (output + text).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const ms = performance.now() - started;
  const usage = fs.existsSync(usageFile)
    ? (JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { cpuMs: number; maxRssKiB: number })
    : { cpuMs: NaN, maxRssKiB: NaN };
  const said = output.trim().split('\n').filter(Boolean).pop() ?? '';
  const first = head.trim().split('\n')[0] ?? '';
  return { ms, cpuMs: usage.cpuMs, maxRssMiB: usage.maxRssKiB / 1024, code, said, first };
}

/** Stage: the gate's regression test alone on `strata` rows of one trial each side; milliseconds per size. */
export function strataStage(args: Record<string, unknown>): unknown {
  const out: { strata: number; ms: number }[] = [];
  for (const n of args['sizes'] as number[]) {
    const random = seeded(n);
    const before = new Map<string, { passes: number; trials: number }>();
    const after = new Map<string, { passes: number; trials: number }>();
    for (let i = 0; i < n; i++) {
      before.set(`r${i}`, { passes: random() < 0.85 ? 1 : 0, trials: 1 });
      after.set(`r${i}`, { passes: random() < 0.83 ? 1 : 0, trials: 1 });
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
  /** Results: one file of this many bytes, and `shards` files of `resultsPerShard` results. */
  singleFileBytes: number;
  shards: number;
  resultsPerShard: number;
  /** Strata counts for the regression-test sweep. */
  strata: number[];
  /** Time limit per stage, ms. */
  limitMs: number;
}

export const SCALE_DEFAULTS: ScaleOptions = {
  files: 1000,
  rowsPerFile: 100,
  singleFileBytes: 2 ** 30,
  shards: 10,
  resultsPerShard: 100_000,
  strata: [1000, 5000, 20000, 50000],
  limitMs: 300_000,
};

/** One call in this many fails in the regressed shard (the run's own rate is one in FAIL_EVERY). */
const REGRESSED_FAIL_EVERY = 3;

/** What the gate decided on one scenario at full size, against what it must decide. */
interface Decision {
  scenario: string;
  expected: { code: number; first: RegExp };
  run: CommandRun;
}

function decisionRight(d: Decision): boolean {
  return d.run.code === d.expected.code && d.expected.first.test(d.run.first);
}

/** The targets of issue 11: compare and gate in under 30 s and 1 GiB each. */
const LIMIT_MS = 30_000;
const LIMIT_MIB = 1024;

/** Runs the scale benchmark in a temporary directory, removed afterwards. */
export async function scaleSection(options: ScaleOptions = SCALE_DEFAULTS): Promise<SectionReport> {
  const started = performance.now();
  const { files, rowsPerFile, strata, limitMs } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  try {
    const promptsDir = path.join(dir, 'prompts');
    let t = performance.now();
    const promptBytes = writePromptFiles(promptsDir, files, rowsPerFile);
    const writePromptsMs = performance.now() - t;
    const progress = (what: string, ms: number, maxRssMiB: number, note = '') =>
      process.stdout.write(`  scale ${what}: ${millis(ms)}, ${mib(maxRssMiB)}${note ? ` (${note})` : ''}\n`);
    const load = await runIsolated<{ files: number; rows: number; invalid: number }>(
      __filename,
      'loadStage',
      { dir: promptsDir },
      limitMs,
    );
    progress('load', load.ms, load.maxRssMiB, load.error);
    const tests = await runIsolated<{ tests: number; assertions: number }>(
      __filename,
      'testsStage',
      { dir: promptsDir },
      limitMs,
    );
    progress('tests', tests.ms, tests.maxRssMiB, tests.error);
    fs.rmSync(promptsDir, { recursive: true, force: true });

    t = performance.now();
    const template = await templateResults();
    const templateMs = performance.now() - t;
    const sets = [
      {
        name: 'one file of 1 GiB',
        written: writeScaledResults(template, path.join(dir, 'single'), {
          files: 1,
          bytesPerFile: options.singleFileBytes,
        }),
      },
      {
        name: `${options.shards} shards`,
        written: writeScaledResults(template, path.join(dir, 'shards'), {
          files: options.shards,
          resultsPerFile: options.resultsPerShard,
        }),
      },
    ];
    const measured = [];
    // A fast gate that decides wrongly is worth nothing: at full size it must still pass the whole run and fail
    // the run missing a shard and the run with a regressed shard.
    const decisions: Decision[] = [];
    for (const set of sets) {
      const inputs = set.written.files;
      const baselineFile = path.join(dir, `baseline-${measured.length}.json`);
      const compare = await promptfile(['compare', ...inputs], dir, limitMs);
      progress(`${set.name} compare`, compare.ms, compare.maxRssMiB, compare.said);
      const baseline = await promptfile(['baseline', ...inputs, '-o', baselineFile], dir, limitMs);
      progress(`${set.name} baseline`, baseline.ms, baseline.maxRssMiB, baseline.said);
      const gate = await promptfile(['gate', ...inputs, '--baseline', baselineFile], dir, limitMs);
      progress(`${set.name} gate`, gate.ms, gate.maxRssMiB, gate.said);
      measured.push({ ...set, compare, baseline, gate });
      if (inputs.length > 1) {
        const whole = `the whole run (${set.name}), against its own baseline`;
        decisions.push({ scenario: whole, expected: { code: 0, first: /^Gate passed/ }, run: gate });
        /** Gates `files` against the run's baseline and records what it must have decided. */
        const decide = async (
          files: string[],
          what: string,
          scenario: string,
          expected: Decision['expected'],
        ) => {
          const run = await promptfile(['gate', ...files, '--baseline', baselineFile], dir, limitMs);
          progress(`${set.name} gate, ${what}`, run.ms, run.maxRssMiB, run.first);
          decisions.push({ scenario, expected, run });
        };
        await decide(
          inputs.slice(0, -1),
          'last shard left out',
          `the run without its last shard (${inputs.length - 1} of ${inputs.length})`,
          { code: 1, first: /^Gate failed: .*missing rows/ },
        );
        const regressed = writeScaledResults(template, path.join(dir, 'regressed'), {
          files: inputs.length,
          resultsPerFile: options.resultsPerShard,
          failEvery: REGRESSED_FAIL_EVERY,
          only: 1,
        });
        await decide(
          [...regressed.files, ...inputs.slice(1)],
          'shard 1 regressed',
          `shard 1 of the run regressed (one call in ${REGRESSED_FAIL_EVERY} fails its first evaluator, not one in ${FAIL_EVERY})`,
          { code: 1, first: /^Gate failed: .*regression/ },
        );
        for (const file of regressed.files) fs.rmSync(file, { force: true });
      }
      for (const file of inputs) fs.rmSync(file, { force: true });
    }
    const sweep = await runIsolated<{ strata: number; ms: number }[]>(
      __filename,
      'strataStage',
      { sizes: strata },
      limitMs,
    );

    const status = (r: IsolatedRun<unknown>) =>
      r.killed ? `> ${limitMs / 1000} s (killed)` : r.error ? `failed: ${r.error}` : '';
    const verdict = (c: CommandRun) =>
      c.code === null
        ? `killed after ${limitMs / 1000} s`
        : c.ms <= LIMIT_MS && c.maxRssMiB <= LIMIT_MIB
          ? 'within 30 s and 1 GiB'
          : `MISSED (${[c.ms > LIMIT_MS && 'time', c.maxRssMiB > LIMIT_MIB && 'memory'].filter(Boolean).join(', ')})`;
    const rate = (bytes: number, c: CommandRun) => `${(bytes / 2 ** 20 / (c.ms / 1000)).toFixed(0)} MiB/s`;
    const promptRows: string[][] = [
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
    ];
    const resultRows = measured.flatMap((m) =>
      (['compare', 'baseline', 'gate'] as const).map((command) => [
        `\`promptfile ${command}\`, ${m.name}`,
        `${m.written.results.toLocaleString('en')} results, ${(m.written.bytes / 2 ** 30).toFixed(2)} GiB`,
        millis(m[command].ms),
        `${millis(m[command].cpuMs)} CPU`,
        mib(m[command].maxRssMiB),
        rate(m.written.bytes, m[command]),
        command === 'baseline' ? '' : verdict(m[command]),
      ]),
    );
    const strataRow = sweep.result ? sweep.result.map((s) => millis(s.ms)) : strata.map(() => status(sweep));
    const [single, sharded] = measured;
    const exponent = (() => {
      if (!sweep.result || sweep.result.length < 2) return NaN;
      const first = sweep.result[sweep.result.length - 2] as { strata: number; ms: number };
      const last = sweep.result[sweep.result.length - 1] as { strata: number; ms: number };
      return Math.log(last.ms / first.ms) / Math.log(last.strata / first.strata);
    })();
    const within = (c: CommandRun | undefined) =>
      c !== undefined && c.ms <= LIMIT_MS && c.maxRssMiB <= LIMIT_MIB;
    const text = fromTemplate(path.join(__dirname, 'text/scale.md'), {
      files: String(files),
      rowsPerFile: String(rowsPerFile),
      directories: String(files / 100),
      templateResults: String(
        ((template['results'] as Record<string, unknown>)['results'] as unknown[]).length,
      ),
      templateSeconds: millis(templateMs),
      failEvery: String(FAIL_EVERY),
      resultBytes: `${((single?.written.bytes ?? 0) / (single?.written.results ?? 1) / 1024).toFixed(1)} KiB`,
      singleResults: (single?.written.results ?? 0).toLocaleString('en'),
      shards: String(options.shards),
      shardResults: (sharded?.written.results ?? 0).toLocaleString('en'),
      shardGiB: ((sharded?.written.bytes ?? 0) / 2 ** 30).toFixed(1),
      singleCompare: single ? `${millis(single.compare.ms)} and ${mib(single.compare.maxRssMiB)}` : '—',
      singleGate: single ? `${millis(single.gate.ms)} and ${mib(single.gate.maxRssMiB)}` : '—',
      shardCompare: sharded ? `${millis(sharded.compare.ms)} and ${mib(sharded.compare.maxRssMiB)}` : '—',
      shardGate: sharded ? `${millis(sharded.gate.ms)} and ${mib(sharded.gate.maxRssMiB)}` : '—',
      shardBaseline: sharded ? `${millis(sharded.baseline.ms)} and ${mib(sharded.baseline.maxRssMiB)}` : '—',
      shardRate: sharded ? rate(sharded.written.bytes, sharded.compare) : '—',
      shardVerdict: sharded
        ? (['compare', 'gate'] as const)
            .map((c) => `\`${c}\` ${within(sharded[c]) ? 'meets the target' : 'misses it'}`)
            .join(', ')
        : '—',
      exponent: exponent.toFixed(2),
      strataFirst: sweep.result?.[sweep.result.length - 2]
        ? millis(sweep.result[sweep.result.length - 2]!.ms)
        : '—',
      strataLast: sweep.result?.[sweep.result.length - 1]
        ? millis(sweep.result[sweep.result.length - 1]!.ms)
        : '—',
      translateCost:
        tests.result && load.result
          ? `${millis(tests.ms - load.ms)} and ${mib(tests.maxRssMiB - load.maxRssMiB)}`
          : '—',
      assertions: tests.result ? tests.result.assertions.toLocaleString('en') : '—',
    });
    return {
      title:
        '4. Scale: 1,000 prompt files, 100,000 rows; 1 GiB of results, and 1,000,000 results in 10 shards',
      method: text.method,
      tables: [
        table(['stage', 'size', 'time', 'peak RSS', ''], promptRows),
        table(['command', 'input', 'time', 'CPU', 'peak RSS', 'read rate', 'target'], resultRows),
        table(
          ['scenario', 'must', 'exit', 'the gate said', 'time', 'peak RSS', ''],
          decisions.map((d) => [
            d.scenario,
            d.expected.code === 0 ? 'pass (0)' : 'fail (1)',
            String(d.run.code),
            d.run.first.replace(/\|/g, '\\|'),
            millis(d.run.ms),
            mib(d.run.maxRssMiB),
            decisionRight(d) ? 'right' : 'WRONG',
          ]),
        ),
        table(
          [
            'gate regression test (`worseThanBaseline`), rows of 1 trial each side',
            ...strata.map((n) => `${n.toLocaleString('en')} rows`),
          ],
          [['time', ...strataRow]],
        ),
      ],
      findings: text.findings,
      targets: [
        {
          name: `Scale: \`generateTests\` on ${(files * rowsPerFile).toLocaleString('en')} rows (time, peak RSS)`,
          measured: `${millis(tests.ms)}, ${mib(tests.maxRssMiB)}`,
        },
        ...measured.flatMap((m) =>
          (['compare', 'gate'] as const).map((command) => ({
            name: `Scale: \`promptfile ${command}\`, ${m.name} (${m.written.results.toLocaleString('en')} results)`,
            measured: `${millis(m[command].ms)}, ${mib(m[command].maxRssMiB)}`,
            target: '< 30 s, < 1 GiB',
            met: within(m[command]),
          })),
        ),
        {
          name: `Scale: the gate's verdicts on ${(sharded?.written.results ?? 0).toLocaleString('en')} results (whole run, a shard left out, a shard regressed)`,
          measured: decisions
            .map((d) => `${decisionRight(d) ? 'right' : 'WRONG'} (exit ${d.run.code})`)
            .join(', '),
          target: 'pass, fail, fail',
          met: decisions.length === 3 && decisions.every(decisionRight),
        },
      ],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
