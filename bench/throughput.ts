/**
 * Section 2, throughput against the bound: with calls of fixed latency L at concurrency C, N calls cannot take
 * less than N·L/C. How close the plugin gets, at 2,000 calls and C = 16, and how it changes with C.
 */
import * as fs from 'node:fs';
import { plainConfig, pluginConfig } from './configs';
import { measureEval, runDirectory, type MeasuredEval } from './promptfoo';
import { millis, ratio, seconds, table, type SectionReport } from './report';
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

  const findings: string[] = [];
  const capped = results.filter((r) => r.flavour === 'plugin' && r.jobs > 4 && r.run.peakInFlight <= 4);
  if (capped.length > 0) {
    findings.push(
      `**The plugin never has more than ${Math.max(...capped.map((r) => r.run.peakInFlight))} calls in flight, whatever \`-j\` says** ` +
        `(peak in flight at -j ${capped.map((r) => r.jobs).join(' and ')}). src/promptfoo/delegate.ts calls the model through a second, CommonJS copy of promptfoo ` +
        `(\`require('promptfoo')\`). promptfoo's fetch sizes its undici connection pool per origin from \`PROMPTFOO_FETCH_CONNECTIONS\`, else from its own ` +
        `\`state.maxConcurrency\` (set by the CLI's \`-j\`), else 4 (\`getConnectionPoolSize\` in dist/src/fetch-*.cjs). The CLI sets \`-j\` on its own copy only, ` +
        `so the plugin's copy keeps a pool of 4 and the other calls queue for a connection.` +
        (headFixed
          ? ` With \`PROMPTFOO_FETCH_CONNECTIONS=${headline.jobs}\` in the environment the same run reaches ${headFixed.run.peakInFlight} in flight and ` +
            `${ratio(headFixed.idealMs / headFixed.run.wallMs)} of the bound (${seconds(headFixed.run.wallMs)} instead of ${seconds(head?.run.wallMs ?? NaN)}).`
          : '') +
        ` Suggested fix (src/promptfoo/delegate.ts, in \`load()\` before the first call): \`process.env.PROMPTFOO_FETCH_CONNECTIONS ??= '64'\` ` +
        `(undici opens pool connections only on demand, so a large cap costs nothing at lower -j), or take the figure from the provider's config.`,
    );
  }
  // Little's law per worker: a call every L + T (T = client turnaround), so at most L / (L + T) of the bound.
  const predicted = (r: Measured) => latencyMs / (latencyMs + r.run.turnaroundMs);
  const modelAchieved = (r: Measured) => r.idealMs / r.run.modelPhaseMs;
  const plugin4 = find('plugin', 4, sweep.repeat);
  const fullyPooled = results.filter((r) => r.run.peakInFlight >= r.jobs);
  if (headPlain) {
    const shown = [head, headFixed, headPlain].filter(
      (r): r is Measured => r !== undefined && r.run.peakInFlight >= r.jobs,
    );
    findings.push(
      `**Why ${achieved < 0.9 ? 'the plugin misses' : 'it is hard to reach'} 0.9 at -j ${headline.jobs}${capped.length > 0 ? ', the pool aside' : ''}.** The bound N·L/C assumes a worker starts its next call the moment the last one ` +
        `returns. In promptfoo each worker first does its row's work on the one event loop (grading, result bookkeeping, the database row; see the profiling ` +
        `notes), which the server sees as turnaround T between a response and the next request on a connection. A worker then completes one call every L + T, ` +
        `so the model phase reaches at most L / (L + T) of the bound. At -j ${headline.jobs}: ` +
        shown
          .map(
            (r) =>
              `${r.flavour.replace('=C', `=${r.jobs}`)}, T = ${millis(r.run.turnaroundMs)}, predicts ${ratio(predicted(r))}, measured ${ratio(modelAchieved(r))}`,
          )
          .join('; ') +
        `. T grows with -j as more workers queue for that event loop (` +
        fullyPooled.map((r) => `${SHORT[r.flavour]} -j ${r.jobs}: ${millis(r.run.turnaroundMs)}`).join(', ') +
        `), and 0.9 needs T ≤ L/9 = ${millis(latencyMs / 9)}. ` +
        (head
          ? `Startup and tail come on top: ${seconds(head.run.startupMs + head.run.tailMs)} for the plugin here, which alone would hold the end-to-end ` +
            `figure to ${ratio(head.idealMs / (head.idealMs + head.run.startupMs + head.run.tailMs))} even at T = 0. `
          : '') +
        `Plain promptfoo gets ${ratio(headPlain.idealMs / headPlain.run.wallMs)} end to end on the same point. ` +
        `What would reach 0.9: a faster start, less client time per call (promptfoo's per-row ` +
        `database write and debug logging lead its profile), or longer calls: at -j 4 the plugin's T is ${plugin4 ? millis(plugin4.run.turnaroundMs) : '—'} ` +
        `and its model phase reaches ${plugin4 ? ratio(modelAchieved(plugin4)) : '—'}; ` +
        `with a real model's L of 1–10 s the same T costs a few percent.`,
    );
  }

  return {
    title: '2. Throughput against the bound N·L/C',
    method: [
      `The seed (3 rows) with \`--repeat\`, so N = 3 × repeat calls, each answered after L = ${latencyMs} ms; the bound is N·L/C at \`-j C\`. ` +
        `The headline point is ${3 * headline.repeat} calls at C = ${headline.jobs}, run once per config (a run is long enough that its own noise is small). ` +
        `Other concurrencies (${sweep.jobs.join(', ')}) use ${3 * sweep.repeat} calls to keep the whole bench under ten minutes. ` +
        `Should the plugin never get more than 4 calls in flight at a higher -j (promptfoo's default connection pool), the run is repeated as ` +
        `"plugin, PROMPTFOO_FETCH_CONNECTIONS=C", with the pool sized by the environment, to show what the cap costs.`,
      `"achieved/ideal" is bound / wall time (process start to exit, including promptfoo's startup and result writing); the model-phase column ` +
        `uses first request to last response instead, which excludes startup and the tail. Turnaround is the server-measured median time from a response ` +
        `to the next request on the same kept-alive connection.`,
    ],
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
    findings,
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
