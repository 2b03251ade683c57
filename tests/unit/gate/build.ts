/** Builds trial tables for tests from compact outcome strings: `PPF E` = pass, pass, fail, (space ignored) error. */
import { Attempt, Outcome, Trial, TrialTable } from '../../../src/results/trial';

/** One variant's outcomes for one evaluator on one row; the i-th letter is repeat i. */
export interface Series {
  variant: string;
  evaluator: string;
  /** Row index in prompts/x.prompt.yml; default 0. */
  row?: number;
  outcomes: string;
  /** The evaluator's line in the prompt file, if known. */
  evaluatorLine?: number;
  reason?: string;
}

const OUTCOMES: Record<string, Outcome> = { P: 'pass', F: 'fail', E: 'error' };

/** A trial table with one attempt per (variant, row, repeat), its outcome the worst of its trials. */
export function trialTable(series: Series[]): TrialTable {
  const trials: Trial[] = [];
  const attempts = new Map<string, Attempt>();
  for (const s of series) {
    const index = s.row ?? 0;
    const row = {
      key: `prompts/x.prompt.yml#${index}`,
      label: `prompts/x.prompt.yml:${10 + index}`,
      file: 'prompts/x.prompt.yml',
      line: 10 + index,
    };
    [...s.outcomes.replace(/\s/g, '')].forEach((letter, repeat) => {
      const outcome = OUTCOMES[letter];
      if (!outcome) throw new Error(`bad outcome letter ${letter}`);
      trials.push({
        variant: s.variant,
        evaluator: s.evaluator,
        row,
        repeat,
        outcome,
        reason: s.reason ?? (outcome === 'error' ? 'API error: 500' : outcome),
        ...(s.evaluatorLine !== undefined && { evaluatorLine: s.evaluatorLine }),
        source: 'results.json',
      });
      const key = `${s.variant}|${row.key}|${repeat}`;
      const previous = attempts.get(key);
      const worst: Outcome =
        previous?.outcome === 'error' || outcome === 'error'
          ? 'error'
          : previous?.outcome === 'fail' || outcome === 'fail'
            ? 'fail'
            : 'pass';
      attempts.set(key, {
        variant: s.variant,
        row,
        repeat,
        outcome: worst,
        ...(worst === 'error' && { error: 'API error: 500' }),
        usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, cost: 0.001, latencyMs: 100 },
        source: 'results.json',
      });
    });
  }
  return { trials, attempts: [...attempts.values()], sources: ['results.json'] };
}

/** `n` copies of a letter. */
export const times = (letter: string, n: number): string => letter.repeat(n);
