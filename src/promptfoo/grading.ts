/**
 * What an assertion hands promptfoo. promptfoo makes each assertion's score its named metric: the web report's
 * "66.67% (1.33/2.00)", `namedScores` in the JSON export, the CSV's `Metric:` columns. promptfile's tables count
 * passes. A score of 1 for a pass and 0 for a fail keeps one number per metric everywhere; what a verdict weighed
 * (a judge's 0.75, the share of a check's findings that held) stays in the reason, which says it already.
 */
import type { GradingResult } from './types';

/** A verdict as promptfoo should count it: pass, score 1 or 0, the reason. */
export interface Decided extends Pick<GradingResult, 'pass' | 'reason'> {
  score: 0 | 1;
}

/**
 * The promptfoo result of a verdict that decided pass or fail. No component results: promptfoo gives them the
 * assertion's metric and counts each as one more assertion of it (`namedScoresCount`, the pass/fail counts).
 */
export function decided(verdict: { pass: boolean; reason: string }): Decided {
  return { pass: verdict.pass, score: verdict.pass ? 1 : 0, reason: verdict.reason };
}
