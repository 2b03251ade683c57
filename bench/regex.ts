/**
 * Regex evaluators: our RE2 path (src/evaluators/regex.ts, re2js) against JavaScript's RegExp, which is what
 * promptfoo's built-in `regex` assertion uses. Every measurement runs in a worker thread; a case that outruns
 * its limit is reported as killed and the worker is terminated (a backtracking RegExp cannot be interrupted
 * from inside its own thread). The prose of the section is in bench/text/regex.md, filled with the figures
 * measured here.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fromTemplate, millis, ratio, table, type SectionReport } from './report';

export type Engine = 're2' | 'js';

/** The input a case runs on; built inside the worker so that megabytes are not copied around. */
export type InputKind =
  /** Model-like prose that matches the seed's modality and reconciliation patterns only in its last line. */
  | 'prose'
  /** `a` repeated, then `!`: the classic trigger for nested quantifiers. */
  | 'a-run'
  /** `x` repeated with eleven `a`s spread through it: `(.*a){12}` needs twelve, so it must try every split. */
  | 'eleven-a';

export interface RegexCase {
  engine: Engine;
  /** For `re2` the pattern exactly as a prompt file writes it; for `js` a RegExp source. */
  pattern: string;
  /** RegExp flags (`js` only). */
  flags?: string;
  input: InputKind;
  size: number;
}

export interface RegexTiming {
  /** Median milliseconds of one match over the input, or undefined when killed. */
  ms?: number;
  matched?: boolean;
  killed: boolean;
}

const TSX = path.join(__dirname, '../node_modules/tsx/dist/cjs/index.cjs');
const EVALUATOR = path.join(__dirname, '../src/evaluators/regex.ts');

/** The worker: builds inputs, warms up, and times `scoreRegex` (RE2) or `RegExp.test` (JS). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.tsx);
const { scoreRegex } = require(workerData.evaluator);
const FILLER = 'The overlay keeps a partial view of peers and exchanges digests every round; convergence is bounded by the fanout and the round length. ';
function input(kind, size) {
  if (kind === 'prose') {
    const tail = ' Push-Pull with a Merkle Tree at the end.';
    return FILLER.repeat(Math.ceil(size / FILLER.length)).slice(0, size - tail.length) + tail;
  }
  if (kind === 'a-run') return 'a'.repeat(size - 1) + '!';
  const chars = new Array(size).fill('x');
  for (let k = 0; k < 11; k++) chars[Math.floor(((k + 0.5) * size) / 11)] = 'a';
  return chars.join('');
}
function once(c, text, re) {
  return c.engine === 're2' ? scoreRegex(c.pattern, text).pass : re.test(text);
}
parentPort.on('message', (c) => {
  const text = input(c.input, c.size);
  const re = c.engine === 'js' ? new RegExp(c.pattern, c.flags || '') : undefined;
  const times = [];
  let matched;
  // A backtracking pattern gets exactly one try: a warm-up would already hang.
  const budget = c.warm ? 200 : 0;
  if (c.warm) once(c, input(c.input, Math.min(c.size, 2000)), re);
  const start = performance.now();
  do {
    const t = performance.now();
    matched = once(c, text, re);
    times.push(performance.now() - t);
  } while (performance.now() - start < budget && times.length < 50);
  times.sort((a, b) => a - b);
  parentPort.postMessage({ ms: times[Math.floor(times.length / 2)], matched });
});
`;

function startWorker(): Worker {
  return new Worker(WORKER_SOURCE, { eval: true, workerData: { tsx: TSX, evaluator: EVALUATOR } });
}

/**
 * Times `cases` in order on one worker; a case that takes longer than `limitMs` kills the worker (and is
 * reported as killed), and a fresh worker takes the rest. `warm` repeats a case for a stable median.
 */
export async function timeCases(
  cases: readonly RegexCase[],
  limitMs: number,
  warm: boolean,
): Promise<RegexTiming[]> {
  const out: RegexTiming[] = [];
  let worker: Worker | undefined;
  for (const c of cases) {
    worker ??= startWorker();
    const w = worker;
    const timing = await new Promise<RegexTiming>((resolve) => {
      const timer = setTimeout(() => {
        w.removeAllListeners('message');
        void w.terminate();
        resolve({ killed: true });
      }, limitMs);
      w.once('message', (m: { ms: number; matched: boolean }) => {
        clearTimeout(timer);
        resolve({ ms: m.ms, matched: m.matched, killed: false });
      });
      w.postMessage({ ...c, warm });
    });
    if (timing.killed) worker = undefined;
    out.push(timing);
  }
  if (worker) await worker.terminate();
  return out;
}

/** The seed's four evaluator patterns. */
export const SEED_PATTERNS = [
  '(?i)(Push|Pull|Push-Pull|SWIM)',
  '(?i)(Merkle Tree|Bloom Filter|Version Vector)',
  '(?i)(error|insufficient|missing|please provide)',
  '\\{"error": "unsafe"\\}',
];

/** Pathological patterns and the input that makes a backtracking engine explode on each. */
export const PATHOLOGICAL: { pattern: string; input: InputKind }[] = [
  { pattern: '(a+)+$', input: 'a-run' },
  { pattern: '(a|aa)+$', input: 'a-run' },
  { pattern: '(.*a){12}', input: 'eleven-a' },
];

/** A prompt file's RE2 pattern as the equivalent RegExp: `(?i)` becomes the `i` flag. */
export function asJavaScript(pattern: string): { pattern: string; flags: string } {
  return pattern.startsWith('(?i)') ? { pattern: pattern.slice(4), flags: 'i' } : { pattern, flags: '' };
}

export interface RegexOptions {
  sizes: number[];
  /** Limit per JavaScript case, ms. */
  jsLimitMs: number;
  /** Limit per RE2 case, ms (RE2 is linear; this only guards the bench itself). */
  re2LimitMs: number;
  /** Lengths of `a…a!` for the JavaScript blow-up curve of `(a+)+$`. */
  blowUp: number[];
}

export const REGEX_DEFAULTS: RegexOptions = {
  sizes: [10_000, 100_000, 1_000_000],
  jsLimitMs: 2000,
  re2LimitMs: 30_000,
  blowUp: [16, 20, 24, 28],
};

const KIB = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000} MB` : `${n / 1000} KB`);

/** Runs the regex benchmark. */
export async function regexSection(options: RegexOptions = REGEX_DEFAULTS): Promise<SectionReport> {
  const started = performance.now();
  const { sizes, jsLimitMs, re2LimitMs, blowUp } = options;
  const ordinary = SEED_PATTERNS.flatMap((pattern) =>
    sizes.map((size) => ({
      pattern,
      size,
      re2: { engine: 're2', pattern, input: 'prose', size } as RegexCase,
      js: { engine: 'js', ...asJavaScript(pattern), input: 'prose', size } as RegexCase,
    })),
  );
  const patho = PATHOLOGICAL.flatMap(({ pattern, input }) =>
    sizes.map((size) => ({
      pattern,
      size,
      input,
      re2: { engine: 're2', pattern, input, size } as RegexCase,
      js: { engine: 'js', pattern, input, size } as RegexCase,
    })),
  );
  const re2Ordinary = await timeCases(
    ordinary.map((c) => c.re2),
    re2LimitMs,
    true,
  );
  const jsOrdinary = await timeCases(
    ordinary.map((c) => c.js),
    jsLimitMs,
    true,
  );
  const re2Patho = await timeCases(
    patho.map((c) => c.re2),
    re2LimitMs,
    true,
  );
  const jsPatho = await timeCases(
    patho.map((c) => c.js),
    jsLimitMs,
    false,
  );
  const curve = await timeCases(
    blowUp.map((n) => ({ engine: 'js', pattern: '(a+)+$', input: 'a-run', size: n + 1 }) as RegexCase),
    jsLimitMs,
    false,
  );

  const show = (t: RegexTiming | undefined, limit: number) =>
    !t ? '—' : t.killed ? `> ${limit / 1000} s (killed)` : millis(t.ms ?? NaN);
  const ordinaryRows = ordinary.map((c, i) => {
    const r = re2Ordinary[i];
    const j = jsOrdinary[i];
    const agree =
      r && j && !r.killed && !j.killed
        ? r.matched === j.matched
          ? r.matched
            ? 'both match'
            : 'neither matches'
          : 'DISAGREE'
        : '—';
    return [
      `\`${c.pattern}\``,
      KIB(c.size),
      show(r, re2LimitMs),
      show(j, jsLimitMs),
      r?.ms && j?.ms ? ratio(r.ms / j.ms) : '—',
      agree,
    ];
  });
  const pathoRows = patho.map((c, i) => [
    `\`${c.pattern}\``,
    c.input === 'a-run' ? '`a…a!`' : '`x…x` with 11 `a`',
    KIB(c.size),
    show(re2Patho[i], re2LimitMs),
    show(jsPatho[i], jsLimitMs),
  ]);
  const re2Worst = Math.max(...re2Patho.map((t) => t.ms ?? Infinity));
  const killed = jsPatho.filter((t) => t.killed).length;
  const ordinaryRatios = ordinary
    .map((_, i) => (re2Ordinary[i]?.ms ?? NaN) / (jsOrdinary[i]?.ms ?? NaN))
    .filter(Number.isFinite);
  const worstOrdinaryLargest = Math.max(
    ...ordinary
      .map((c, i) => (c.size === Math.max(...sizes) ? (re2Ordinary[i]?.ms ?? NaN) : NaN))
      .filter(Number.isFinite),
  );
  const at10k = ordinary
    .map((c, i) => (c.size === sizes[0] ? (re2Ordinary[i]?.ms ?? NaN) : NaN))
    .filter(Number.isFinite);

  const text = fromTemplate(path.join(__dirname, 'text/regex.md'), {
    jsLimit: String(jsLimitMs / 1000),
    re2Worst: millis(re2Worst),
    largest: KIB(Math.max(...sizes)),
    killed: String(killed),
    pathological: String(jsPatho.length),
    slowerLow: ratio(Math.min(...ordinaryRatios)),
    slowerHigh: ratio(Math.max(...ordinaryRatios)),
    worstAt10k: millis(Math.max(...at10k)),
    worstLargest: millis(worstOrdinaryLargest),
  });
  return {
    title: '3. Regex: RE2 (re2js) vs JavaScript RegExp',
    method: text.method,
    tables: [
      table(['pattern', 'output', 'RE2 (ours)', 'JS RegExp', 'RE2 / JS', 'result'], ordinaryRows),
      table(['pathological pattern', 'input', 'size', 'RE2 (ours)', 'JS RegExp'], pathoRows),
      table(
        ['`(a+)+$` in JS on', ...blowUp.map((n) => `${n} a + !`)],
        [['time', ...curve.map((t) => show(t, jsLimitMs))]],
      ),
    ],
    findings: text.findings,
    targets: [
      {
        name: 'Regex: RE2 on pathological patterns, 1 MB, worst case',
        measured: millis(re2Worst),
        target: 'linear (no blow-up); JS killed',
        met: Number.isFinite(re2Worst) ? re2Worst < re2LimitMs && killed > 0 : undefined,
      },
    ],
    seconds: (performance.now() - started) / 1000,
  };
}
