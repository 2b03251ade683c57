/**
 * The gossip spread simulation (suites/gossip/src/simulation.ts) at 10^6 and 10^7 nodes: rounds to full coverage
 * against the analytic figures, with the time and peak memory of each run (one process per configuration).
 * The prose of the section is in bench/text/gossip.md, filled with the figures measured here.
 */
import * as path from 'node:path';
import { simulateSpread, simulateSpreadTrials, type SpreadMode } from '../suites/gossip/src/simulation';
import { expectedPushRounds, logBase, pushPullRoundsRange } from '../suites/gossip/src/rounds';
import { runIsolated, type IsolatedRun } from './isolated';
import { fromTemplate, millis, mib, ratio, table, type SectionReport } from './report';

/** One configuration to simulate. */
export interface SpreadCase {
  mode: SpreadMode;
  nodes: number;
  fanout: number;
  /** Seeded runs (seeds 1..trials). */
  trials: number;
}

/** What a spread stage reports. */
export interface SpreadOutcome {
  meanRoundsToFull: number;
  minRoundsToFull: number;
  maxRoundsToFull: number;
  meanRoundsTo99: number;
  incomplete: number;
  /** The analytic expectation (push) or the centre of the accepted range (push-pull), and how it is written. */
  analytic: number;
  analyticText: string;
  /** Messages sent in the run with seed 1. */
  messages: number;
  /** Milliseconds per simulated run. */
  msPerRun: number;
}

/** The analytic rounds for a case: log_{1+f} N + ln N / f for push; log_3 N (+2 … +6 accepted) for push-pull. */
export function analyticRounds(c: Pick<SpreadCase, 'mode' | 'nodes' | 'fanout'>): {
  value: number;
  text: string;
} {
  if (c.mode === 'push') {
    return {
      value: expectedPushRounds(c.nodes, c.fanout),
      text: `log_${1 + c.fanout} N + ln N / ${c.fanout}`,
    };
  }
  if (c.mode === 'push-pull' && c.fanout === 1) {
    const range = pushPullRoundsRange(c.nodes);
    return {
      value: logBase(3, c.nodes),
      text: `log_3 N (accepted ${range.low.toFixed(1)}–${range.high.toFixed(1)})`,
    };
  }
  return { value: logBase(1 + c.fanout, c.nodes), text: `log_${1 + c.fanout} N (lower bound)` };
}

/** Stage: simulate one case (in its own process, see isolated.ts). */
export function spreadStage(args: Record<string, unknown>): SpreadOutcome {
  const c = args as unknown as SpreadCase;
  const started = performance.now();
  const summary = simulateSpreadTrials({ mode: c.mode, nodes: c.nodes, fanout: c.fanout, seed: 1 }, c.trials);
  const ms = performance.now() - started;
  const analytic = analyticRounds(c);
  return {
    meanRoundsToFull: summary.meanRoundsToFull,
    minRoundsToFull: summary.minRoundsToFull,
    maxRoundsToFull: summary.maxRoundsToFull,
    meanRoundsTo99: summary.meanRoundsTo99,
    incomplete: summary.incomplete,
    analytic: analytic.value,
    analyticText: analytic.text,
    // Seed 1 was the first trial; the simulation caches it, so this costs nothing.
    messages: simulateSpread({ mode: c.mode, nodes: c.nodes, fanout: c.fanout, seed: 1 }).messages,
    msPerRun: ms / c.trials,
  };
}

export interface GossipOptions {
  cases: SpreadCase[];
  limitMs: number;
  /** The machine's last-level cache, for the findings (e.g. `32 MiB L3`). */
  l3?: string;
}

export const GOSSIP_DEFAULTS: GossipOptions = {
  cases: [
    { mode: 'push', nodes: 1e6, fanout: 1, trials: 5 },
    { mode: 'push', nodes: 1e6, fanout: 3, trials: 5 },
    { mode: 'push-pull', nodes: 1e6, fanout: 1, trials: 5 },
    { mode: 'push', nodes: 1e7, fanout: 1, trials: 1 },
    { mode: 'push-pull', nodes: 1e7, fanout: 1, trials: 1 },
  ],
  limitMs: 120_000,
};

const nodesText = (n: number) => `10^${Math.round(Math.log10(n))}`;

/** Runs the simulation benchmark, one process per case. */
export async function gossipSection(options: GossipOptions = GOSSIP_DEFAULTS): Promise<SectionReport> {
  const started = performance.now();
  const runs: { c: SpreadCase; r: IsolatedRun<SpreadOutcome> }[] = [];
  for (const c of options.cases) {
    const r = await runIsolated<SpreadOutcome>(__filename, 'spreadStage', { ...c }, options.limitMs);
    runs.push({ c, r });
    process.stdout.write(
      `  gossip ${c.mode} f=${c.fanout} N=${nodesText(c.nodes)}: ${r.killed ? 'killed' : millis(r.result?.msPerRun ?? NaN)} per run, ${mib(r.maxRssMiB)}${r.error ? ` (${r.error})` : ''}\n`,
    );
  }
  const rows = runs.map(({ c, r }) => {
    const o = r.result;
    const rounds = !o
      ? r.killed
        ? `> ${options.limitMs / 1000} s (killed)`
        : `failed: ${r.error}`
      : c.trials > 1
        ? `${o.meanRoundsToFull.toFixed(1)} (${o.minRoundsToFull}–${o.maxRoundsToFull})`
        : String(o.meanRoundsToFull);
    return [
      nodesText(c.nodes),
      c.mode,
      String(c.fanout),
      String(c.trials),
      rounds,
      o ? o.meanRoundsTo99.toFixed(1) : '—',
      o ? `${o.analytic.toFixed(2)} = ${o.analyticText}` : '—',
      o
        ? (o.meanRoundsToFull - o.analytic >= 0 ? '+' : '') + (o.meanRoundsToFull - o.analytic).toFixed(2)
        : '—',
      o ? o.messages.toExponential(2) : '—',
      o ? millis(o.msPerRun) : '—',
      mib(r.maxRssMiB),
    ];
  });
  const per = (nodes: number, mode: SpreadMode, fanout: number) =>
    runs.find(({ c }) => c.nodes === nodes && c.mode === mode && c.fanout === fanout)?.r.result?.msPerRun ??
    NaN;
  const growth = per(1e7, 'push', 1) / per(1e6, 'push', 1);
  const messages = (nodes: number) =>
    runs.find(({ c }) => c.nodes === nodes && c.mode === 'push' && c.fanout === 1)?.r.result?.messages ?? NaN;
  const work = messages(1e7) / messages(1e6);
  const text = fromTemplate(path.join(__dirname, 'text/gossip.md'), {
    measured: Number.isFinite(growth),
    growth: ratio(growth),
    work: ratio(work),
    l3Known: options.l3 !== undefined,
    l3: options.l3 ?? '',
  });
  return {
    title: '5. Simulation: gossip spread at 10^6 and 10^7 nodes',
    method: text.method,
    tables: [
      table(
        [
          'N',
          'mode',
          'fanout',
          'runs',
          'rounds to full (min–max)',
          'rounds to 99%',
          'analytic',
          'sim − analytic',
          'messages (seed 1)',
          'time per run',
          'peak RSS',
        ],
        rows,
      ),
    ],
    findings: text.findings,
    targets: [
      {
        name: 'Simulation: push, f = 1, 10^7 nodes, time per run',
        measured: millis(per(1e7, 'push', 1)),
      },
    ],
    seconds: (performance.now() - started) / 1000,
  };
}
