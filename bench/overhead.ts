/**
 * Section 1, overhead: the seed suite through the plugin against the same evaluation as a hand-written plain
 * promptfoo config, both against one loopback server with a fixed latency, at the same concurrency,
 * alternating A B A B so that drift in the machine's load hits both alike. The prose of the section is in
 * bench/text/overhead.md, filled with the figures measured here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { plainConfig, pluginConfig } from './configs';
import { measureEval, runDirectory, type MeasuredEval } from './promptfoo';
import { fromTemplate, median, millis, ratio, seconds, table, type SectionReport } from './report';
import { startBenchServer } from './server';

export interface OverheadOptions {
  latencyMs: number;
  /** `--repeat`: the seed has 3 rows, so calls = 3 x repeat. */
  repeat: number;
  jobs: number;
  /** A B pairs. */
  pairs: number;
}

export const OVERHEAD_DEFAULTS: OverheadOptions = { latencyMs: 200, repeat: 30, jobs: 4, pairs: 5 };

/** Sorted request bodies, so two runs can be compared as multisets. */
function sortedBodies(bodies: readonly string[]): string[] {
  return [...bodies].sort();
}

/** Runs the overhead benchmark. */
export async function overhead(options: OverheadOptions = OVERHEAD_DEFAULTS): Promise<SectionReport> {
  const started = performance.now();
  const { latencyMs, repeat, jobs, pairs } = options;
  const server = await startBenchServer(latencyMs, true);
  const plugin: MeasuredEval[] = [];
  const plain: MeasuredEval[] = [];
  let identicalRequests: boolean | undefined;
  const pluginDir = runDirectory(pluginConfig(server.baseUrl), 'overhead-plugin');
  const plainDir = runDirectory(plainConfig(server.baseUrl), 'overhead-plain');
  try {
    const args = ['--repeat', String(repeat)];
    for (let i = 0; i < pairs; i++) {
      plugin.push(await measureEval(server, pluginDir, jobs, args));
      const pluginBodies = sortedBodies(server.bodies);
      plain.push(await measureEval(server, plainDir, jobs, args));
      if (i === 0)
        identicalRequests = JSON.stringify(pluginBodies) === JSON.stringify(sortedBodies(server.bodies));
      process.stdout.write(
        `  overhead pair ${i + 1}/${pairs}: plugin ${seconds(plugin[i]!.wallMs)}, plain ${seconds(plain[i]!.wallMs)}\n`,
      );
    }
  } finally {
    await server.close();
    for (const dir of [pluginDir, plainDir]) fs.rmSync(dir, { recursive: true, force: true });
  }

  const calls = 3 * repeat;
  const m = (runs: MeasuredEval[], f: (r: MeasuredEval) => number) => median(runs.map(f));
  const wallRatio = m(plugin, (r) => r.wallMs) / m(plain, (r) => r.wallMs);
  const pairRatios = plugin.map((r, i) => r.wallMs / (plain[i]?.wallMs ?? NaN));
  const pairRatio = median(pairRatios);
  const modelRatio = m(plugin, (r) => r.modelPhaseMs) / m(plain, (r) => r.modelPhaseMs);
  const cpuRatio = m(plugin, (r) => r.cpuMs) / m(plain, (r) => r.cpuMs);
  const memoryRatio = m(plugin, (r) => r.peakMiB) / m(plain, (r) => r.peakMiB);
  const allPassed = [...plugin, ...plain].every(
    (r) => r.passed === calls && r.rows === calls && r.requests === calls,
  );
  const ideal = (calls * latencyMs) / jobs;

  const row = (name: string, runs: MeasuredEval[]) => [
    name,
    runs.map((r) => seconds(r.wallMs)).join(', '),
    seconds(m(runs, (r) => r.wallMs)),
    seconds(m(runs, (r) => r.startupMs)),
    seconds(m(runs, (r) => r.modelPhaseMs)),
    seconds(m(runs, (r) => r.tailMs)),
    millis(m(runs, (r) => r.turnaroundMs)),
    String(Math.max(...runs.map((r) => r.peakInFlight))),
    seconds(m(runs, (r) => r.cpuMs)),
    `${m(runs, (r) => r.peakMiB).toFixed(0)} MiB`,
  ];
  const tables = [
    table(
      [
        'config',
        'wall time of each run',
        'median wall',
        'median startup',
        'median model phase',
        'median tail',
        'median turnaround',
        'peak in flight',
        'median CPU',
        'median peak RSS',
      ],
      [row('plugin (prompt file)', plugin), row('plain promptfoo config', plain)],
    ),
    table(
      ['ratio plugin / plain', 'value'],
      [
        ['median wall time (the target)', ratio(wallRatio)],
        [
          'wall time within each pair (run back to back): median, range',
          `${ratio(pairRatio)}, ${ratio(Math.min(...pairRatios))}–${ratio(Math.max(...pairRatios))}`,
        ],
        ['median CPU time, user + system (target ≤ 1.15×)', ratio(cpuRatio)],
        ['median peak resident memory (target ≤ 1.2×)', ratio(memoryRatio)],
        ['median model phase (first request to last response)', ratio(modelRatio)],
        ['median startup difference', millis(m(plugin, (r) => r.startupMs) - m(plain, (r) => r.startupMs))],
      ],
    ),
  ];

  const text = fromTemplate(path.join(__dirname, 'text/overhead.md'), {
    repeat: String(repeat),
    calls: String(calls),
    jobs: String(jobs),
    latency: String(latencyMs),
    pairs: String(pairs),
    identical: identicalRequests === true,
    allPassed,
    ideal: seconds(ideal),
    pluginStartup: seconds(m(plugin, (r) => r.startupMs)),
    plainStartup: seconds(m(plain, (r) => r.startupMs)),
    pluginTail: seconds(m(plugin, (r) => r.tailMs)),
    plainTail: seconds(m(plain, (r) => r.tailMs)),
    extraStartup: millis(m(plugin, (r) => r.startupMs) - m(plain, (r) => r.startupMs)),
    modelRatio: ratio(modelRatio),
    pairsSpread: Math.max(...pairRatios) - Math.min(...pairRatios) > 0.05,
    pairLow: ratio(Math.min(...pairRatios)),
    pairHigh: ratio(Math.max(...pairRatios)),
    underFlight: plugin.some((r) => r.peakInFlight < jobs) || plain.some((r) => r.peakInFlight < jobs),
  });

  return {
    title: '1. Overhead: plugin vs a hand-written promptfoo config',
    method: text.method,
    tables,
    findings: text.findings,
    targets: [
      {
        name: `Overhead: plugin / plain wall time (${calls} calls, ${latencyMs} ms, -j ${jobs})`,
        measured: ratio(wallRatio),
        target: '≤ 1.05×',
        met: Number.isFinite(wallRatio) && allPassed ? wallRatio <= 1.05 : undefined,
      },
      {
        name: `Overhead: plugin / plain CPU time (same runs)`,
        measured: ratio(cpuRatio),
        target: '≤ 1.15×',
        met: Number.isFinite(cpuRatio) && allPassed ? cpuRatio <= 1.15 : undefined,
      },
      {
        name: `Overhead: plugin / plain peak memory (same runs)`,
        measured: ratio(memoryRatio),
        target: '≤ 1.2×',
        met: Number.isFinite(memoryRatio) && allPassed ? memoryRatio <= 1.2 : undefined,
      },
    ],
    seconds: (performance.now() - started) / 1000,
  };
}
