/**
 * The gossip domain checks (suites/gossip/src/checks) on hostile replies of growing length: CPU time of each check at
 * 100 KB and 1 MB. Linear checks take about ten times as long for ten times the text; the target is 1 MB in under
 * a second. suites/gossip/tests/length.test.ts runs the same replies at 1 MB with a bound ten times the target.
 */
import { loadSeed } from '../suites/gossip/src/calibration/seed';
import { readScenario } from '../suites/gossip/src/claims/scenario';
import { checkNumbers } from '../suites/gossip/src/checks/numbers';
import { checkSafety } from '../suites/gossip/src/checks/safety';
import { checkStructure } from '../suites/gossip/src/checks/structure';
import { millis, ratio, table, type SectionReport } from './report';
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
  let worst = { ms: 0, what: '' };
  let worstRatio = 0;
  for (const [name, make] of Object.entries(HOSTILE_REPLIES)) {
    const small = make(100 * 1024);
    const large = make(MEGABYTE);
    for (const [check, run] of checks()) {
      const a = cpuMs(() => run(small), 3);
      const b = cpuMs(() => run(large), 3);
      rows.push([name, check, millis(a), millis(b), ratio(b / Math.max(a, 0.1))]);
      if (b > worst.ms) worst = { ms: b, what: `${check} on ${name}` };
      if (a >= 20) worstRatio = Math.max(worstRatio, b / a);
    }
  }
  return {
    title: '6. Gossip checks on hostile replies (100 KB and 1 MB)',
    method: [
      'bench/gossipChecks.ts builds each reply by repetition (`HOSTILE_REPLIES`) and runs every domain check the seed rows wire ' +
        '(suites/gossip/src/checks) in this process; each figure is the least CPU time (`process.cpuUsage`, user + system) of 3 runs, ' +
        'which a shared machine disturbs less than wall-clock time. The same replies at 1 MB are in suites/gossip/tests/length.test.ts, ' +
        'bounded at 10 s of CPU per check.',
    ],
    tables: [table(['reply', 'check', '100 KB', '1 MB', '1 MB / 100 KB'], rows)],
    findings: [
      `Slowest at 1 MB: ${millis(worst.ms)} (${worst.what}); the largest growth from 100 KB to 1 MB among checks that take at least 20 ms ` +
        `is ${ratio(worstRatio)} for 10.24× the text (linear: about 10×; quadratic: about 100×).`,
      'Before (issue 14, wall-clock): `numbers` on repeated "200ms " took 0.66 s at 20 KB, 2.2 s at 40 KB, 15 s at 80 KB and 130 s at 160 KB, ' +
        'about cubic (per-number regexes over the whole sentence, lookups over every claim, a simulation per distinct population). Now every ' +
        "per-number test reads a bounded window or flags computed once per sentence, claims are bucketed by scope with each bucket's figures " +
        'computed once, sections find their end from a table, and expected rounds come from a mean-field recursion (O(rounds)) instead of ' +
        'a simulation (O(N · rounds): 2.5 s for 10^6 nodes here, 37 s for 5×10^6), which it tracks within 0.7 rounds.',
    ],
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
