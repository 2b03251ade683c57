import type { ShardedFile } from './manifest';

/**
 * The table everything downstream reads: one Trial per (variant, row, repeat, evaluator), and one Attempt per
 * (variant, row, repeat) carrying what the call cost. Built from promptfoo results files (see parse.ts).
 */

/** An ERROR is neither a pass nor a fail: the model call or the grading broke, so nothing was measured. */
export type Outcome = 'pass' | 'fail' | 'error';

/** Which row of the dataset a trial belongs to. */
export interface RowRef {
  /**
   * Stable identity across runs and shards: for a prompt-file row, the file's `name` and a hash of what the row is
   * (`greeter#3f9a0c1b2d4e`: its values and evaluators, suite/identity.ts), so moving the row or renaming the file
   * keeps it and changing it makes it another row; otherwise `test:` and a hash of the test's description and vars.
   * Never a var value in clear.
   */
  key: string;
  /** Where the row sits: `prompts/x.prompt.yml#2` (0-based index). Tells a changed row from a new one. */
  slot?: string;
  /** For people: `prompts/x.prompt.yml:84`, or the test's description. */
  label: string;
  /** The prompt file, as `metadata.promptfile.file` gives it (relative to the config's directory). */
  file?: string;
  /** 1-based line of the row in the prompt file. */
  line?: number;
}

/** Tokens, cost and time of one model call. Grading calls (LLM judges) are not included. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** In US dollars, as promptfoo estimates it; 0 when it does not know the price. */
  cost: number;
  latencyMs: number;
}

/** One call of one variant on one row: a cell of promptfoo's results table. */
export interface Attempt {
  /** The promptfoo column: the provider's label (else its id). */
  variant: string;
  row: RowRef;
  /** 0-based; counts this variant's attempts at this row across every merged file, in order. */
  repeat: number;
  outcome: Outcome;
  /** What went wrong, for an `error` outcome. */
  error?: string;
  usage: Usage;
  /** The model's reply as promptfoo recorded it (JSON text when it was not text); absent when there was none. */
  output?: string;
  /**
   * The provider answers a row the same way every time (the offline reference, a cassette replay): its repeats
   * add no information, and the gate compares it row by row instead of testing rates.
   */
  deterministic?: boolean;
  /** The results file it came from. */
  source: string;
}

/** One evaluator's verdict on one attempt. */
export interface Trial {
  variant: string;
  /** The assertion's `metric` (our suite sets it to the evaluator's name); else the assertion type. */
  evaluator: string;
  row: RowRef;
  repeat: number;
  outcome: Outcome;
  /** The grader's explanation, or the error. Held in memory for reports; never written to a baseline. */
  reason: string;
  /** The grader's score (0 to 1 for gh's evaluators), when it gave one. */
  score?: number;
  /** 1-based line of the evaluator in the prompt file, from the assertion's `config.evaluatorLine`. */
  evaluatorLine?: number;
  source: string;
}

/**
 * The trials of a table, in order (by attempt, then evaluator): an array, or a `GradedAttempts` view that makes
 * each trial from its attempt when it is read, so a run of a million calls holds one object per call, not one per
 * (call, evaluator). Read it with `for … of` or these methods; it is never changed in place.
 */
export interface Trials extends Iterable<Trial> {
  readonly length: number;
  filter(predicate: (trial: Trial) => boolean): Trial[];
  map<U>(f: (trial: Trial) => U): U[];
  some(predicate: (trial: Trial) => boolean): boolean;
}

/** One evaluator's verdict on a call, without the call: results graded alike share one list of these. */
export interface Graded {
  evaluator: string;
  outcome: Outcome;
  reason: string;
  score?: number;
  evaluatorLine?: number;
}

/** The trials of `attempts[i]` are `graded[i]`, each read as one Trial of that attempt. */
export class GradedAttempts implements Trials {
  readonly length: number;

  constructor(
    readonly attempts: readonly Attempt[],
    readonly graded: readonly (readonly Graded[])[],
  ) {
    if (attempts.length !== graded.length) throw new RangeError('one list of verdicts per attempt');
    let length = 0;
    for (const list of graded) length += list.length;
    this.length = length;
  }

  *[Symbol.iterator](): Iterator<Trial> {
    for (let i = 0; i < this.attempts.length; i++) {
      const a = this.attempts[i] as Attempt;
      for (const g of this.graded[i] as readonly Graded[]) yield trialOf(a, g);
    }
  }

  filter(predicate: (trial: Trial) => boolean): Trial[] {
    const out: Trial[] = [];
    for (const t of this) if (predicate(t)) out.push(t);
    return out;
  }

  map<U>(f: (trial: Trial) => U): U[] {
    const out: U[] = [];
    for (const t of this) out.push(f(t));
    return out;
  }

  some(predicate: (trial: Trial) => boolean): boolean {
    for (const t of this) if (predicate(t)) return true;
    return false;
  }
}

/**
 * Calls `f` with each trial's variant, evaluator, row and outcome, and the verdict itself (its line, reason and
 * score), in the trials' order, without making the trial: counting a million calls' verdicts this way allocates
 * nothing per verdict.
 */
export function eachVerdict(
  trials: Trials,
  f: (variant: string, evaluator: string, row: RowRef, outcome: Outcome, verdict: Graded) => void,
): void {
  if (trials instanceof GradedAttempts) {
    for (let i = 0; i < trials.attempts.length; i++) {
      const a = trials.attempts[i] as Attempt;
      for (const g of trials.graded[i] as readonly Graded[]) f(a.variant, g.evaluator, a.row, g.outcome, g);
    }
  } else for (const t of trials) f(t.variant, t.evaluator, t.row, t.outcome, t);
}

/** The trial of one evaluator's verdict on one attempt. */
export function trialOf(a: Attempt, g: Graded): Trial {
  return {
    variant: a.variant,
    evaluator: g.evaluator,
    row: a.row,
    repeat: a.repeat,
    outcome: g.outcome,
    reason: g.reason,
    ...(g.score !== undefined && { score: g.score }),
    ...(g.evaluatorLine !== undefined && { evaluatorLine: g.evaluatorLine }),
    source: a.source,
  };
}

/** Everything read from one or more results files. */
export interface TrialTable {
  trials: Trials;
  attempts: Attempt[];
  /** The files read, in order. */
  sources: string[];
  /** Each file with the shard manifest found beside it (see manifest.ts); absent for tables built in memory. */
  shards?: ShardedFile[];
}
