/**
 * Section 1, overhead: the seed suite through the plugin against the same evaluation as a hand-written plain
 * promptfoo config, both against one loopback server with a fixed latency, at the same concurrency,
 * alternating A B A B so that drift in the machine's load hits both alike.
 */
import * as fs from 'node:fs';
import { plainConfig, pluginConfig } from './configs';
import { measureEval, runDirectory, type MeasuredEval } from './promptfoo';
import { median, millis, ratio, seconds, table, type SectionReport } from './report';
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

  const findings: string[] = [];
  findings.push(
    `Both configs sent ${identicalRequests ? 'byte-identical requests (same messages, model, temperature 0.2, max_tokens 4096; compared as sorted multisets of request bodies)' : 'DIFFERENT request bodies — the comparison is not like for like; see bench/configs.ts'}, ` +
      `and ${allPassed ? `every one of the ${calls} rows passed in every run` : 'NOT every row passed in every run, so the grading work differed'}.`,
  );
  findings.push(
    `At ${jobs} concurrent calls of ${latencyMs} ms the model phase alone needs at least ${seconds(ideal)}; ` +
      `startup (process start to first request: config, test generation, provider loading) is ${seconds(m(plugin, (r) => r.startupMs))} for the plugin ` +
      `and ${seconds(m(plain, (r) => r.startupMs))} for the plain config; the tail (last response to exit: grading, database, output file) ` +
      `${seconds(m(plugin, (r) => r.tailMs))} against ${seconds(m(plain, (r) => r.tailMs))}.`,
  );
  const extraStartup = m(plugin, (r) => r.startupMs) - m(plain, (r) => r.startupMs);
  findings.push(
    `The plugin runs as promptfoo loads it from a user's config: compiled JavaScript from dist/ (no TypeScript loader), ` +
      `its live calls through its own OpenAI-compatible client (src/models/openaiChat.ts), so the process holds one copy of promptfoo. ` +
      `Startup differs by ${millis(extraStartup)} (prompt-file loading and test generation against the plain config's inline tests); ` +
      `the model phase ratio is ${ratio(modelRatio)}` +
      (Math.max(...pairRatios) - Math.min(...pairRatios) > 0.05
        ? `; the pair ratios span ${ratio(Math.min(...pairRatios))}–${ratio(Math.max(...pairRatios))}, wider than the 5% margin: on a shared machine one pair of runs does not settle it.`
        : '.'),
  );
  if (plugin.some((r) => r.peakInFlight < jobs) || plain.some((r) => r.peakInFlight < jobs)) {
    findings.push(
      `Some runs never had ${jobs} calls in flight (see the table): concurrency, not per-call work, limited them.`,
    );
  }

  return {
    title: '1. Overhead: plugin vs a hand-written promptfoo config',
    method: [
      `The seed prompt file (3 rows) with \`--repeat ${repeat}\`: ${calls} model calls per run, at \`-j ${jobs}\` (promptfoo's default concurrency), ` +
        `against one loopback server that answers every call after ${latencyMs} ms. The plugin config is the seed's own setup (prompt function, test generator with the ` +
        `seed's scoping, live provider with \`apiBaseUrl\`); the plain config is the same evaluation written by hand: \`openai:chat:gpt-4o\` with \`apiBaseUrl\`, ` +
        `temperature 0.2 and max_tokens 4096, the two messages as a chat-array prompt with \`{{vars}}\`, built-in \`regex\`/\`not-regex\` assertions with ` +
        `\`metric:\` names and \`(?i)\` spelt out as \`[pP][uU][sS][hH]\` (promptfoo's regex is \`new RegExp(value)\` without flags).`,
      `Each run is a fresh \`promptfoo eval --no-cache\` process (wall time from spawn to exit). Runs alternate plugin, plain, plugin, plain (${pairs} pairs); ` +
        `the table gives medians. The server timestamps the first request and the last response, which splits each run into startup, model phase and tail.`,
    ],
    tables,
    findings,
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
