/**
 * Variants side by side: pass rates with Wilson intervals per evaluator, usage, and exact tests between every two
 * variants on the rows they share. Pure.
 *
 * The test is the exact conditional test stratified by row (two-sided; Fisher's test when there is one row): rows
 * differ in difficulty, and within a row the repeats of one variant are exchangeable, so nothing depends on which
 * repeat of A is set against which repeat of B. (Pairing by repeat index, as McNemar's test would, is arbitrary:
 * repeat 2 of A and repeat 2 of B are not the same trial, and re-pairing changed 5-20% of verdicts.) The size of a
 * difference is the row-stratified risk difference (Mantel-Haenszel weights) with a 95% Wald interval. The family of
 * tests (every pair of variants x every evaluator with shared rows) is Holm-corrected, so "A beats B on X" holds at
 * `alpha` for the whole report, not per line, with p exactly at alpha counted as significant.
 */
import { Attempt, eachVerdict, TrialTable } from '../results/trial';
import { holm } from '../stats/holm';
import { atLevel } from '../stats/alternative';
import { Counts, stratifiedExact } from '../stats/fisher';
import { Z_95 } from '../stats/wilson';
import { Interval, wilsonInterval } from '../stats/wilson';
import { formatP } from '../format/numbers';
import { countVerdict, emptyTally, EvaluatorTally, Tally, TallyTable } from '../results/tally';

/** Counts with the pass rate (passes / graded trials; null with none) and its Wilson 95% interval. */
export interface Rate extends Tally {
  rate: number | null;
  interval: Interval;
}

/** What one variant's calls cost. */
export interface UsageSummary {
  attempts: number;
  erroredAttempts: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cost: number;
  meanLatencyMs: number;
}

/** One variant: every evaluator's rate, all evaluators pooled, and usage. */
export interface VariantSummary {
  variant: string;
  /** All evaluators' trials together; trials of one call are not independent, so read its interval as indicative. */
  overall: Rate;
  /** Keyed by evaluator; an evaluator this variant never ran is absent. */
  evaluators: Record<string, Rate>;
  usage: UsageSummary;
}

/** The test between variants `a` and `b` on one evaluator, over the rows both graded. */
export interface PairedComparison {
  a: string;
  b: string;
  evaluator: string;
  /** Rows graded under both variants; 0 means no test. */
  rows: number;
  /** A's and B's counts on those rows. */
  countsA: Counts;
  countsB: Counts;
  /** A's pass rate minus B's, stratified by row (Mantel-Haenszel weights); null without shared rows. */
  difference: number | null;
  /** 95% Wald interval of the difference. */
  interval: { low: number; high: number } | null;
  /** Exact conditional test stratified by row, two-sided; 1 without shared rows. */
  p: number;
  /** Holm-adjusted across every comparison in the result; 1 without shared rows. */
  pAdjusted: number;
  /** The better variant when the difference is significant at alpha after adjustment. */
  winner?: string;
}

/** The plain-language conclusion for one pair of variants. */
export interface PairVerdict {
  a: string;
  b: string;
  text: string;
}

/** Everything `renderCompare` and `renderReport` show. */
export interface CompareResult {
  alpha: number;
  variants: VariantSummary[];
  /** In order of first appearance. */
  evaluators: string[];
  comparisons: PairedComparison[];
  verdicts: PairVerdict[];
}

/** Options for compare. */
export interface CompareOptions {
  /** Family-wise significance level; default 0.05. */
  alpha?: number;
}

/** Summarises every variant and compares every two of them. */
export function compare(table: TrialTable, options: CompareOptions = {}): CompareResult {
  const alpha = options.alpha ?? 0.05;
  // One pass over the trials (a million calls are millions of trials): variants and evaluators in order of first
  // appearance, and the counts per variant, evaluator and row (results/tally.ts, as baselines and the gate count).
  const variantSet = new Set(table.attempts.map((a) => a.variant));
  const evaluatorSet = new Set<string>();
  const tallies: TallyTable = new Map();
  eachVerdict(table.trials, (variant, evaluator, row, outcome) => {
    variantSet.add(variant);
    evaluatorSet.add(evaluator);
    countVerdict(tallies, variant, evaluator, row.key, outcome);
  });
  const variants = [...variantSet];
  const evaluators = [...evaluatorSet];
  const attemptsOf = new Map<string, Attempt[]>(variants.map((v) => [v, []]));
  for (const a of table.attempts) attemptsOf.get(a.variant)?.push(a);
  const summaries = variants.map((v) => summarise(v, tallies.get(v), attemptsOf.get(v) ?? []));

  const raw: Omit<PairedComparison, 'pAdjusted'>[] = [];
  for (const [i, a] of variants.entries()) {
    for (const b of variants.slice(i + 1)) {
      for (const evaluator of evaluators) raw.push(stratifiedTest(tallies, a, b, evaluator));
    }
  }
  const tested = raw.filter((c) => c.rows > 0);
  const holmP = holm(tested.map((c) => c.p));
  const adjusted = new Map(tested.map((c, k) => [c, holmP[k] ?? 1]));
  const comparisons = raw.map((c): PairedComparison => {
    const pAdjusted = adjusted.get(c) ?? 1;
    const winner =
      atLevel(pAdjusted, alpha) && c.difference !== null && c.difference !== 0
        ? c.difference > 0
          ? c.a
          : c.b
        : undefined;
    return { ...c, pAdjusted, ...(winner !== undefined && { winner }) };
  });

  const verdicts: PairVerdict[] = [];
  for (const [i, a] of variants.entries()) {
    for (const b of variants.slice(i + 1)) {
      verdicts.push({
        a,
        b,
        text: verdictText(
          a,
          b,
          comparisons.filter((c) => c.a === a && c.b === b),
        ),
      });
    }
  }
  return { alpha, variants: summaries, evaluators, comparisons, verdicts };
}

/** A rate from a tally. */
export function rateOf(tally: Tally): Rate {
  return {
    ...tally,
    rate: tally.trials > 0 ? tally.passes / tally.trials : null,
    interval: wilsonInterval(tally.passes, tally.trials),
  };
}

function summarise(
  variant: string,
  perEvaluator: ReadonlyMap<string, EvaluatorTally> | undefined,
  attempts: Attempt[],
): VariantSummary {
  const overall = emptyTally();
  for (const { total } of perEvaluator?.values() ?? []) {
    overall.passes += total.passes;
    overall.trials += total.trials;
    overall.errors += total.errors;
  }
  const sum = (f: (a: Attempt) => number) => attempts.reduce((s, a) => s + f(a), 0);
  return {
    variant,
    overall: rateOf(overall),
    evaluators: Object.fromEntries([...(perEvaluator ?? [])].map(([e, tally]) => [e, rateOf(tally.total)])),
    usage: {
      attempts: attempts.length,
      erroredAttempts: attempts.filter((a) => a.outcome === 'error').length,
      promptTokens: sum((a) => a.usage.promptTokens),
      completionTokens: sum((a) => a.usage.completionTokens),
      totalTokens: sum((a) => a.usage.totalTokens),
      cost: sum((a) => a.usage.cost),
      meanLatencyMs: attempts.length > 0 ? sum((a) => a.usage.latencyMs) / attempts.length : 0,
    },
  };
}

function stratifiedTest(
  tallies: TallyTable,
  a: string,
  b: string,
  evaluator: string,
): Omit<PairedComparison, 'pAdjusted'> {
  const left = tallies.get(a)?.get(evaluator)?.rows ?? new Map<string, Tally>();
  const right = tallies.get(b)?.get(evaluator)?.rows;
  // Rows both sides graded: a row of errors alone measured nothing.
  const strata: { a: Counts; b: Counts }[] = [];
  for (const [row, countsA] of left) {
    const countsB = right?.get(row);
    if (countsA.trials > 0 && countsB && countsB.trials > 0) strata.push({ a: countsA, b: countsB });
  }
  const total = (side: 'a' | 'b') =>
    strata.reduce((t, s) => ({ passes: t.passes + s[side].passes, trials: t.trials + s[side].trials }), {
      passes: 0,
      trials: 0,
    });
  const base = { a, b, evaluator, rows: strata.length, countsA: total('a'), countsB: total('b') };
  if (strata.length === 0) return { ...base, difference: null, interval: null, p: 1 };
  const { difference, interval } = riskDifference(strata);
  return { ...base, difference, interval, p: stratifiedExact(strata, 'two-sided').p };
}

/**
 * A's rate minus B's, pooled over rows with Mantel-Haenszel weights w = nA nB / (nA + nB), and a Wald interval from
 * the weighted per-row variances: sum w^2 (pA qA / nA + pB qB / nB) / (sum w)^2.
 */
function riskDifference(strata: readonly { a: Counts; b: Counts }[]): {
  difference: number;
  interval: { low: number; high: number };
} {
  let weights = 0;
  let sum = 0;
  let variance = 0;
  for (const { a, b } of strata) {
    const w = (a.trials * b.trials) / (a.trials + b.trials);
    const pa = a.passes / a.trials;
    const pb = b.passes / b.trials;
    weights += w;
    sum += w * (pa - pb);
    variance += w * w * ((pa * (1 - pa)) / a.trials + (pb * (1 - pb)) / b.trials);
  }
  const difference = sum / weights;
  const half = (Z_95 * Math.sqrt(variance)) / weights;
  return {
    difference,
    interval: { low: Math.max(-1, difference - half), high: Math.min(1, difference + half) },
  };
}

function verdictText(a: string, b: string, comparisons: PairedComparison[]): string {
  const tested = comparisons.filter((c) => c.rows > 0);
  if (tested.length === 0) return `${a} and ${b} share no graded rows, so they were not compared`;
  const wins = tested.filter((c) => c.winner !== undefined);
  if (wins.length === 0) {
    const smallest = Math.min(...tested.map((c) => c.pAdjusted));
    return `No significant difference between ${a} and ${b} (smallest Holm-adjusted ${formatP(smallest)})`;
  }
  const claims = wins.map((c) => {
    const loser = c.winner === a ? b : a;
    return `${c.winner} beats ${loser} on ${c.evaluator}, ${formatP(c.pAdjusted)}`;
  });
  if (wins.length < tested.length) claims.push('no significant difference elsewhere');
  return claims.join('; ');
}
