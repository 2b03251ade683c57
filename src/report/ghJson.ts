/**
 * `promptfile eval --json`: one JSON document in the shape `gh models eval --json` prints, so scripts written for gh
 * keep working: `name`, `description`, `model`, `testResults[{testCase, modelResponse, evaluationResults[{evaluatorName,
 * score, passed, details}]}]` and `summary{totalTests, passedTests, failedTests, passRate}` (gh-models v0.0.25,
 * cmd/eval/eval.go). What gh has no field for is added beside its fields, never instead of them.
 *
 * gh runs one file, one model, one call per row. Here a test result is one call: a row of a prompt file under one
 * variant and one repeat (`file`, `line`, `variant`, `repeat` say which), and the summary counts every call. A call
 * that ended in an error (gh stops the whole run there) is a failed test with `error` set and each of its evaluators
 * failed with score 0; `summary.erroredTests` counts them.
 */
import type { PromptFile } from '../promptfile/model';
import type { Attempt, Trial, TrialTable } from '../results/trial';

/** One evaluator's verdict, as gh names it. */
export interface GhEvaluationResult {
  evaluatorName: string;
  score: number;
  passed: boolean;
  /** gh leaves it out when empty. */
  details?: string;
}

/** One call: gh's three fields first, then ours. */
export interface GhTestResult {
  /** The row's values as the prompt file writes them (text). */
  testCase: Record<string, string>;
  modelResponse: string;
  evaluationResults: GhEvaluationResult[];
  /** The prompt file, as the run named it. */
  file?: string;
  /** 1-based line of the row in the prompt file. */
  line?: number;
  variant: string;
  /** 1-based; always 1 without --repeat. */
  repeat: number;
  /** Every evaluator passed (gh: the test passes; with no evaluators, a call that did not error passes). */
  passed: boolean;
  /** Why the call measured nothing (the model call or the grading broke). */
  error?: string;
}

export interface GhSummary {
  totalTests: number;
  passedTests: number;
  /** Every call that did not pass, errors included, as gh counts a test that did not pass. */
  failedTests: number;
  /** Percent, 100 when there are no tests (as gh). */
  passRate: number;
  /** Ours: the failed tests that ended in an error. */
  erroredTests: number;
}

export interface GhEvaluationSummary {
  /** The prompt file's name; with several files, their names joined with ", ". */
  name: string;
  /** The prompt file's description ('' when none, or with several files). */
  description: string;
  /** The model the prompt file names ('' when none); with several files, their models joined with ", ". */
  model: string;
  testResults: GhTestResult[];
  summary: GhSummary;
}

/** The document for a run of `files` whose results are `table`. */
export function ghModelsJson(table: TrialTable, files: readonly PromptFile[]): GhEvaluationSummary {
  const byPath = new Map(files.map((f) => [normalise(f.path), f]));
  const fileOf = (a: Attempt) => (a.row.file === undefined ? undefined : byPath.get(normalise(a.row.file)));
  const fileOrder = new Map(files.map((f, i) => [f, i]));
  const variantOrder = new Map<string, number>();
  for (const a of table.attempts)
    if (!variantOrder.has(a.variant)) variantOrder.set(a.variant, variantOrder.size);
  const trials = new Map<string, Trial[]>();
  for (const t of table.trials) {
    const key = callKey(t);
    trials.set(key, [...(trials.get(key) ?? []), t]);
  }

  const order = (a: Attempt) => {
    const file = fileOf(a);
    return file === undefined ? files.length : (fileOrder.get(file) ?? files.length);
  };
  const attempts = [...table.attempts].sort(
    (a, b) =>
      order(a) - order(b) ||
      rowIndex(a) - rowIndex(b) ||
      a.row.key.localeCompare(b.row.key) ||
      (variantOrder.get(a.variant) ?? 0) - (variantOrder.get(b.variant) ?? 0) ||
      a.repeat - b.repeat,
  );
  const testResults = attempts.map((a): GhTestResult => {
    const file = fileOf(a);
    const row = file?.rows[rowIndex(a)];
    return {
      testCase: { ...(row?.variables ?? {}) },
      modelResponse: a.output ?? '',
      evaluationResults: (trials.get(callKey(a)) ?? []).map((t) => evaluationResult(t, file)),
      ...(a.row.file !== undefined && { file: a.row.file }),
      ...(a.row.line !== undefined && { line: a.row.line }),
      variant: a.variant,
      repeat: a.repeat + 1,
      passed: a.outcome === 'pass',
      ...(a.outcome === 'error' && { error: a.error ?? 'error' }),
    };
  });

  const total = testResults.length;
  const passed = testResults.filter((t) => t.passed).length;
  const ran = files.filter((f) => attempts.some((a) => fileOf(a) === f));
  const shown = ran.length > 0 ? ran : files;
  const distinct = (values: string[]) => [...new Set(values)].join(', ');
  return {
    name: distinct(shown.map((f) => f.name)),
    description: shown.length === 1 ? (shown[0]?.description ?? '') : '',
    model: distinct(shown.flatMap((f) => f.model ?? [])),
    testResults,
    summary: {
      totalTests: total,
      passedTests: passed,
      failedTests: total - passed,
      passRate: total === 0 ? 100 : (passed / total) * 100,
      erroredTests: testResults.filter((t) => t.error !== undefined).length,
    },
  };
}

function evaluationResult(t: Trial, file: PromptFile | undefined): GhEvaluationResult {
  const passed = t.outcome === 'pass';
  return {
    evaluatorName: ownName(t.evaluator, file),
    score: t.outcome === 'error' ? 0 : (t.score ?? (passed ? 1 : 0)),
    passed,
    ...(t.reason !== '' && { details: t.outcome === 'error' ? `error: ${t.reason}` : t.reason }),
  };
}

/**
 * The evaluator's name as its prompt file writes it: the metric of an evaluator whose name another file of the run
 * shares is `NAME [file name]` (src/promptfoo/tests.ts), and the test result names the file already.
 */
function ownName(metric: string, file: PromptFile | undefined): string {
  if (file === undefined) return metric;
  const tag = ` [${file.name}]`;
  const at = metric.lastIndexOf(tag);
  if (at < 0) return metric;
  const after = metric.slice(at + tag.length);
  return after === '' || after === ' (must not match)' ? metric.slice(0, at) + after : metric;
}

/** One call: its variant, row and repeat. */
function callKey(x: { variant: string; row: { key: string }; repeat: number }): string {
  return `${x.variant}\u0000${x.row.key}\u0000${x.repeat}`;
}

/** The row's 0-based index in its prompt file, from its slot (`file#index`); -1 when it has none. */
function rowIndex(a: Attempt): number {
  const slot = a.row.slot;
  if (slot === undefined) return -1;
  const index = Number(slot.slice(slot.lastIndexOf('#') + 1));
  return Number.isInteger(index) ? index : -1;
}

function normalise(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}
