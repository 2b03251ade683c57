/**
 * Section 2, throughput against the bound: with calls of fixed latency L at concurrency C, N calls cannot take
 * less than N·L/C. How close the plugin gets, at 2,000 calls and C = 16, and how it changes with C.
 * The prose of the section is in bench/text/throughput.md, filled with the figures measured here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { plainConfig, pluginConfig } from './configs';
import { measureEval, runDirectory, type MeasuredEval } from './promptfoo';
import { fromTemplate, millis, ratio, seconds, table, type SectionReport } from './report';
import { startBenchServer } from './server';

type Flavour = 'plugin' | 'plugin, PROMPTFOO_FETCH_CONNECTIONS=C' | 'plain promptfoo';

interface Case {
  flavour: Flavour;
  jobs: number;
  /** `--repeat` of the 3-row seed. */
  repeat: number;
}

interface Measured extends Case {
  run: MeasuredEval;
  idealMs: number;
}

export interface ThroughputOptions {
  latencyMs: number;
  /** The headline point: 3 x 667 = 2,001 calls at 16. */
  headline: { repeat: number; jobs: number };
  /** The sweep: fewer calls, other concurrencies. */
  sweep: { repeat: number; jobs: number[] };
}

export const THROUGHPUT_DEFAULTS: ThroughputOptions = {
  latencyMs: 100,
  headline: { repeat: 667, jobs: 16 },
  sweep: { repeat: 200, jobs: [4, 32] },
};

const FIXED: Flavour = 'plugin, PROMPTFOO_FETCH_CONNECTIONS=C';
const SHORT: Record<Flavour, string> = {
  plugin: 'plugin',
  [FIXED]: 'plugin with the pool fixed',
  'plain promptfoo': 'plain',
};

/** Runs the throughput benchmark. */
export async function throughput(options: ThroughputOptions = THROUGHPUT_DEFAULTS): Promise<SectionReport> {
  const started = performance.now();
  const { latencyMs, headline, sweep } = options;
  const cases: Case[] = [
    { flavour: 'plugin', ...headline },
    { flavour: 'plain promptfoo', ...headline },
    ...sweep.jobs.flatMap((jobs): Case[] => [
      { flavour: 'plugin', jobs, repeat: sweep.repeat },
      { flavour: 'plain promptfoo', jobs, repeat: sweep.repeat },
    ]),
  ];
  const server = await startBenchServer(latencyMs);
  const results: Measured[] = [];
  const pluginDir = runDirectory(pluginConfig(server.baseUrl), 'throughput-plugin');
  const plainDir = runDirectory(plainConfig(server.baseUrl), 'throughput-plain');
  try {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i] as Case;
      const env: Record<string, string> =
        c.flavour === FIXED ? { PROMPTFOO_FETCH_CONNECTIONS: String(c.jobs) } : {};
      const run = await measureEval(
        server,
        c.flavour === 'plain promptfoo' ? plainDir : pluginDir,
        c.jobs,
        ['--repeat', String(c.repeat)],
        env,
      );
      const idealMs = (run.requests * latencyMs) / c.jobs;
      results.push({ ...c, run, idealMs });
      // A plugin capped at promptfoo's default pool of 4 is run again with the pool sized by the environment, to show the cap.
      if (c.flavour === 'plugin' && c.jobs > 4 && run.peakInFlight <= 4)
        cases.splice(i + 1, 0, { ...c, flavour: FIXED });
      process.stdout.write(
        `  throughput ${c.flavour} -j ${c.jobs}, ${run.requests} calls: ${seconds(run.wallMs)} (ideal ${seconds(idealMs)})\n`,
      );
    }
  } finally {
    await server.close();
    for (const dir of [pluginDir, plainDir]) fs.rmSync(dir, { recursive: true, force: true });
  }

  const rows = results.map((r) => [
    String(r.run.requests),
    String(r.jobs),
    r.flavour.replace('=C', `=${r.jobs}`),
    seconds(r.run.wallMs),
    seconds(r.idealMs),
    ratio(r.idealMs / r.run.wallMs),
    seconds(r.run.modelPhaseMs),
    ratio(r.idealMs / r.run.modelPhaseMs),
    (r.run.requests / (r.run.modelPhaseMs / 1000)).toFixed(0),
    String(r.run.peakInFlight),
    millis(r.run.turnaroundMs),
    r.run.passed === r.run.rows && r.run.rows === r.run.requests ? 'all' : `${r.run.passed}/${r.run.rows}`,
  ]);
  const find = (flavour: Flavour, jobs: number, repeat: number) =>
    results.find((r) => r.flavour === flavour && r.jobs === jobs && r.repeat === repeat);
  const head = find('plugin', headline.jobs, headline.repeat);
  const headFixed = find(FIXED, headline.jobs, headline.repeat);
  const headPlain = find('plain promptfoo', headline.jobs, headline.repeat);
  const achieved = head ? head.idealMs / head.run.wallMs : NaN;

  const capped = results.filter((r) => r.flavour === 'plugin' && r.jobs > 4 && r.run.peakInFlight <= 4);
  // Little's law per worker: a call every L + T (T = client turnaround), so at most L / (L + T) of the bound.
  const predicted = (r: Measured) => latencyMs / (latencyMs + r.run.turnaroundMs);
  const modelAchieved = (r: Measured) => r.idealMs / r.run.modelPhaseMs;
  const plugin4 = find('plugin', 4, sweep.repeat);
  const fullyPooled = results.filter((r) => r.run.peakInFlight >= r.jobs);
  const shown = [head, headFixed, headPlain].filter(
    (r): r is Measured => r !== undefined && r.run.peakInFlight >= r.jobs,
  );
  const text = fromTemplate(path.join(__dirname, 'text/throughput.md'), {
    latency: String(latencyMs),
    headlineCalls: String(3 * headline.repeat),
    headlineJobs: String(headline.jobs),
    sweepJobs: sweep.jobs.join(', '),
    sweepCalls: String(3 * sweep.repeat),
    capped: capped.length > 0,
    ...(capped.length > 0 && { cappedPeak: String(Math.max(...capped.map((r) => r.run.peakInFlight))) }),
    cappedRuns: capped.map((r) => ({ jobs: String(r.jobs) })),
    fixed: headFixed !== undefined,
    ...(headFixed && {
      fixedPeak: String(headFixed.run.peakInFlight),
      fixedAchieved: ratio(headFixed.idealMs / headFixed.run.wallMs),
      fixedWall: seconds(headFixed.run.wallMs),
    }),
    headWall: seconds(head?.run.wallMs ?? NaN),
    plain: headPlain !== undefined,
    ...(headPlain && { plainAchieved: ratio(headPlain.idealMs / headPlain.run.wallMs) }),
    missed: achieved < 0.9,
    atHeadline: shown.map((r) => ({
      config: r.flavour.replace('=C', `=${r.jobs}`),
      turnaround: millis(r.run.turnaroundMs),
      predicted: ratio(predicted(r)),
      achieved: ratio(modelAchieved(r)),
    })),
    pooled: fullyPooled.map((r) => ({
      config: SHORT[r.flavour],
      jobs: String(r.jobs),
      turnaround: millis(r.run.turnaroundMs),
    })),
    ninth: millis(latencyMs / 9),
    head: head !== undefined,
    ...(head && {
      headStartupTail: seconds(head.run.startupMs + head.run.tailMs),
      headCeiling: ratio(head.idealMs / (head.idealMs + head.run.startupMs + head.run.tailMs)),
    }),
    plugin4Turnaround: plugin4 ? millis(plugin4.run.turnaroundMs) : '—',
    plugin4Achieved: plugin4 ? ratio(modelAchieved(plugin4)) : '—',
  });

  return {
    title: '2. Throughput against the bound N·L/C',
    method: text.method,
    tables: [
      table(
        [
          'calls',
          '-j',
          'config',
          'wall',
          'ideal N·L/C',
          'achieved/ideal',
          'model phase',
          'achieved/ideal (model phase)',
          'calls/s (model phase)',
          'peak in flight',
          'turnaround',
          'rows passed',
        ],
        rows,
      ),
    ],
    findings: text.findings,
    targets: [
      {
        name: `Throughput: plugin / plain promptfoo, ${head?.run.requests ?? 3 * headline.repeat} calls × ${latencyMs} ms at -j ${headline.jobs} (calls per second, end to end)`,
        measured: ratio(headPlain ? headPlain.run.wallMs / (head?.run.wallMs ?? NaN) : NaN),
        target: '≥ 1×',
        met:
          headPlain && head && Number.isFinite(head.run.wallMs)
            ? headPlain.run.wallMs / head.run.wallMs >= 1
            : undefined,
      },
      {
        name: `Throughput: plugin, same point, achieved/ideal N·L/C`,
        measured: ratio(achieved),
      },
      ...[headFixed, headPlain].flatMap((r) =>
        r
          ? [
              {
                name: `Throughput, for reference: ${r.flavour.replace('=C', `=${r.jobs}`)}, same point`,
                measured: ratio(r.idealMs / r.run.wallMs),
              },
            ]
          : [],
      ),
    ],
    seconds: (performance.now() - started) / 1000,
  };
}
