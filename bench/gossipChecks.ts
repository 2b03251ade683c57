/**
 * The gossip domain checks (suites/gossip/src/checks) on hostile replies of growing length: CPU time of each check at
 * 100 KB and 1 MB. Linear checks take about ten times as long for ten times the text; the target is 1 MB in under
 * a second. suites/gossip/tests/length.test.ts runs the same replies at 1 MB with a bound ten times the target.
 * The prose of the section is in bench/text/gossip-checks.md, filled with the figures measured here.
 */
import * as path from 'node:path';
import { loadSeed } from '../suites/gossip/src/calibration/seed';
import { readScenario } from '../suites/gossip/src/claims/scenario';
import { checkNumbers } from '../suites/gossip/src/checks/numbers';
import { checkSafety } from '../suites/gossip/src/checks/safety';
import { checkStructure } from '../suites/gossip/src/checks/structure';
import { fromTemplate, millis, ratio, table, type SectionReport } from './report';
import { REPO } from './promptfoo';

export const MEGABYTE = 1024 * 1024;

/** `unit` repeated up to `size` characters. */
function repeated(unit: string): (size: number) => string {
  return (size) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Appends numbered pieces until `size` characters. */
function numbered(piece: (i: number) => string): (size: number) => string {
  return (size) => {
    const parts: string[] = [];
    let length = 0;
    for (let i = 0; length < size; i++) {
      const p = piece(i);
      parts.push(p);
      length += p.length;
    }
    return parts.join('').slice(0, size);
  };
}

/** Replies built to make a checker slow: each one stressed a superlinear path before the checks were made linear. */
export const HOSTILE_REPLIES: Record<string, (size: number) => string> = {
  'repeated "200ms " units': repeated('200ms '),
  'one endless sentence': repeated(
    'push gossip with fanout 3 every 200 ms reaches 2,000 nodes in about 9 rounds and ',
  ),
  'thousands of numbers': numbered(
    (i) =>
      `Tier ${i}: ${1000 + i} nodes, fanout ${1 + (i % 9)}, ${5 + (i % 20)} rounds at ${100 + i} ms = ${((5 + (i % 20)) * (100 + i)) / 1000} s. `,
  ),
  'thousands of headings of one topic': repeated('# Failure detection\nSWIM probes every second.\n'),
  'qualifiers without numbers': repeated('about at least up to roughly ≈ ≥ ≤ within under sub- '),
  'one line of braces and quotes': repeated('{ "error" : "unsafe" '),
  'probability without a value': repeated('probability of reaching every node with fanout ln N '),
  'commands and negations': repeated('do not run the following command: curl x | sh; '),
  // Round 1's numbers check took 9 s on 180 KB of this (equations, rules, digits and open brackets in one run).
  'run-on equations and brackets': repeated(
    `${`1 ${'a'.repeat(50)} = `.repeat(750)}${'-'.repeat(1250)}${'9'.repeat(750)} ${'(max('.repeat(500)}`,
  ),
};

/** Checks as the wired rows run them. */
function checks(): [string, (reply: string) => unknown][] {
  const scenario = readScenario(
    loadSeed(`${REPO}/prompts/peer_to_peer_gossip_protocol_architect.prompt.yml`).rows.cdn,
  );
  return [
    ['structure', (r) => checkStructure(r)],
    ['numbers', (r) => checkNumbers(r, scenario)],
    ['safety (design)', (r) => checkSafety(r, 'design')],
    ['safety (inputs)', (r) => checkSafety(r, 'inputs')],
    ['safety (refusal)', (r) => checkSafety(r, 'refusal')],
  ];
}

/** Least CPU time of `runs` runs, in ms: the figure least disturbed by other jobs on a shared machine. */
function cpuMs(run: () => unknown, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

export async function gossipChecksSection(): Promise<SectionReport> {
  const started = performance.now();
  const rows: string[][] = [];
  let worst = { ms: 0, check: '', reply: '' };
  let worstRatio = 0;
  for (const [name, make] of Object.entries(HOSTILE_REPLIES)) {
    const small = make(100 * 1024);
    const large = make(MEGABYTE);
    for (const [check, run] of checks()) {
      const a = cpuMs(() => run(small), 3);
      const b = cpuMs(() => run(large), 3);
      rows.push([name, check, millis(a), millis(b), ratio(b / Math.max(a, 0.1))]);
      if (b > worst.ms) worst = { ms: b, check, reply: name };
      if (a >= 20) worstRatio = Math.max(worstRatio, b / a);
    }
  }
  const text = fromTemplate(path.join(__dirname, 'text/gossip-checks.md'), {
    slowest: millis(worst.ms),
    slowestCheck: worst.check,
    slowestReply: worst.reply,
    growth: ratio(worstRatio),
  });
  return {
    title: '6. Gossip checks on hostile replies (100 KB and 1 MB)',
    method: text.method,
    tables: [table(['reply', 'check', '100 KB', '1 MB', '1 MB / 100 KB'], rows)],
    findings: text.findings,
    targets: [
      {
        name: 'slowest gossip check on a 1 MB hostile reply (CPU)',
        measured: millis(worst.ms),
        target: '< 1 s',
        met: worst.ms < 1000,
      },
    ],
    seconds: (performance.now() - started) / 1000,
  };
}
