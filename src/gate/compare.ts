/**
 * Variants side by side: pass rates with Wilson intervals per evaluator, usage, and paired exact tests between
 * every two variants on the rows and repeats they share. Pure.
 *
 * Between variants of one run the same (row, repeat) was answered by both, so outcomes pair up and McNemar's exact
 * test applies; it only weighs pairs where the two disagree. The family of tests (every pair of variants x every
 * evaluator with shared trials) is Holm-corrected, so "A beats B on X" holds at `alpha` for the whole report,
 * not per line. Comparisons without a single shared trial are reported as such and are not tests.
 */
import { Attempt, Trial, TrialTable } from '../results/trial';
import { holm } from '../stats/holm';
import { mcnemarExact } from '../stats/paired';
import { Interval, wilsonInterval } from '../stats/wilson';
import { formatP } from '../report/format';
import { Tally, count, emptyTally } from './tally';

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

/** A paired test between variants `a` and `b` on one evaluator. */
export interface PairedComparison {
  a: string;
  b: string;
  evaluator: string;
  /** (row, repeat) trials graded under both variants. */
  pairs: number;
  /** Pairs where a passed and b failed. */
  aOnly: number;
  /** Pairs where b passed and a failed. */
  bOnly: number;
  /** McNemar exact, two-sided; 1 without pairs. */
  p: number;
  /** Holm-adjusted across every comparison in the result; 1 without pairs. */
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
  const variants = distinct([...table.attempts.map((a) => a.variant), ...table.trials.map((t) => t.variant)]);
  const evaluators = distinct(table.trials.map((t) => t.evaluator));
  const summaries = variants.map((v) =>
    summarise(
      v,
      table.trials.filter((t) => t.variant === v),
      table.attempts.filter((a) => a.variant === v),
    ),
  );

  const graded = gradedOutcomes(table.trials);
  const raw: Omit<PairedComparison, 'pAdjusted'>[] = [];
  for (const [i, a] of variants.entries()) {
    for (const b of variants.slice(i + 1)) {
      for (const evaluator of evaluators) raw.push(pairedTest(graded, a, b, evaluator));
    }
  }
  const tested = raw.filter((c) => c.pairs > 0);
  const holmP = holm(tested.map((c) => c.p));
  const adjusted = new Map(tested.map((c, k) => [c, holmP[k] ?? 1]));
  const comparisons = raw.map((c): PairedComparison => {
    const pAdjusted = adjusted.get(c) ?? 1;
    const winner = pAdjusted <= alpha && c.aOnly !== c.bOnly ? (c.aOnly > c.bOnly ? c.a : c.b) : undefined;
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

function summarise(variant: string, trials: Trial[], attempts: Attempt[]): VariantSummary {
  const overall = emptyTally();
  const perEvaluator = new Map<string, Tally>();
  for (const t of trials) {
    count(overall, t.outcome);
    let tally = perEvaluator.get(t.evaluator);
    if (!tally) perEvaluator.set(t.evaluator, (tally = emptyTally()));
    count(tally, t.outcome);
  }
  const sum = (f: (a: Attempt) => number) => attempts.reduce((s, a) => s + f(a), 0);
  return {
    variant,
    overall: rateOf(overall),
    evaluators: Object.fromEntries([...perEvaluator].map(([e, tally]) => [e, rateOf(tally)])),
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

/** variant -> evaluator -> (row, repeat) -> passed, for graded trials only: errors have no outcome to pair. */
type GradedOutcomes = Map<string, Map<string, Map<string, boolean>>>;

function gradedOutcomes(trials: readonly Trial[]): GradedOutcomes {
  const out: GradedOutcomes = new Map();
  for (const t of trials) {
    if (t.outcome === 'error') continue;
    let evaluators = out.get(t.variant);
    if (!evaluators) out.set(t.variant, (evaluators = new Map()));
    let outcomes = evaluators.get(t.evaluator);
    if (!outcomes) evaluators.set(t.evaluator, (outcomes = new Map()));
    outcomes.set(`${t.row.key}\u0000${t.repeat}`, t.outcome === 'pass');
  }
  return out;
}

function pairedTest(
  graded: GradedOutcomes,
  a: string,
  b: string,
  evaluator: string,
): Omit<PairedComparison, 'pAdjusted'> {
  const left = graded.get(a)?.get(evaluator) ?? new Map<string, boolean>();
  const right = graded.get(b)?.get(evaluator);
  let pairs = 0;
  let aOnly = 0;
  let bOnly = 0;
  for (const [key, passA] of left) {
    const passB = right?.get(key);
    if (passB === undefined) continue;
    pairs++;
    if (passA && !passB) aOnly++;
    if (passB && !passA) bOnly++;
  }
  return { a, b, evaluator, pairs, aOnly, bOnly, p: pairs > 0 ? mcnemarExact(aOnly, bOnly).p : 1 };
}

function verdictText(a: string, b: string, comparisons: PairedComparison[]): string {
  const tested = comparisons.filter((c) => c.pairs > 0);
  if (tested.length === 0) return `${a} and ${b} share no graded rows and repeats, so they were not compared`;
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

function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
