/**
 * Prompt files + scoping -> promptfoo test cases: one test per row, one assertion per applicable evaluator,
 * each with `metric` set to the evaluator's name so promptfoo's report shows a named score per evaluator.
 * A test names its row (src/promptfoo/row.ts) and carries the row's values as vars promptfoo cannot interpret
 * (src/promptfoo/inert.ts), so they show as written in every report and work in promptfoo's own assertions.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../errors/diagnostics';
import { UserError } from '../errors/diagnostics';
import { kindOf, type Evaluator } from '../evaluators/registry';
import type { PromptFile, TestRow } from '../promptfile/model';
import { MODULE_EXT } from '../promptfile/packageRoot';
import { inertVar, templateText, templatingOn } from './inert';
import { ROW_VAR, rowReference, type RowOrigin } from './row';
import type { GraderConfig } from '../variants/grader';
import { fileReferenceLabel } from '../variants/variant';
import { rowIdentities, rowIdentity } from '../suite/identity';
import {
  planRow,
  scopeFor,
  validateScope,
  type ExtraAssertion,
  type RowPlan,
  type ScopeConfig,
} from '../suite/scope';

/** Where our promptfoo assertion adapters live; absolute so the config may sit anywhere. */
export const ASSERTIONS_DIR = path.resolve(__dirname, '../../assertions');

export type { GraderConfig } from '../variants/grader';

/** The test generator's config, as written under `tests: - path: ... config:` in promptfooconfig.yaml. */
export interface SuiteConfig {
  /** Prompt files, directories or globs; default every **\/*.prompt.y(a)ml in the repository, not ignored. */
  files?: string | string[];
  scope?: ScopeConfig;
  /** The grader of `llm` and `uses:` evaluators; default: each prompt file's own model (src/variants/grader.ts). */
  grader?: GraderConfig;
  /** Minimum judge score for a pass; default: above 0, as gh models. */
  judgeThreshold?: number;
  /**
   * A JSON file holding the list of prompt-file paths to run, instead of `files` (written by `promptfile eval`, which
   * has already checked them; a list in the config itself would be rendered as templates by promptfoo).
   */
  filesFrom?: string;
  /** Prompt-file warnings (unknown keys, unfilled placeholders, …) are errors: the file is not run. */
  strict?: boolean;
  /**
   * The offline reference variant (written by `promptfile eval` from its provider entry): its label, the prompt files
   * it answers (names or paths, its entry's `answers`), and every other variant's label. Rows of a file it does not
   * answer go to the other variants only, instead of ending in an error row.
   */
  offline?: { label: string; answers: string[]; others: string[] };
}

/** What our evaluator assertions receive in `config`. Never rendered by promptfoo (it is cloned as is). */
export interface EvaluatorAssertionConfig {
  evaluator: Evaluator;
  expect: 'match' | 'no-match';
  file: string;
  evaluatorLine: number;
  grader?: GraderConfig;
  judgeThreshold?: number;
}

/** A promptfoo test case, the subset we produce. */
export interface PromptfooTest {
  description: string;
  vars: Record<string, string>;
  assert: Record<string, unknown>[];
  /** The variants (provider labels) this test runs on; all when absent. */
  providers?: string[];
  metadata: { promptfile: RowOrigin; [k: string]: unknown };
}

/** One promptfoo assertion for one evaluator on one row. */
export function evaluatorAssertion(
  file: PromptFile,
  evaluator: Evaluator,
  expect: 'match' | 'no-match',
  suite: SuiteConfig,
  shared: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const config: EvaluatorAssertionConfig = {
    evaluator,
    expect,
    file: file.path,
    evaluatorLine: evaluator.line,
  };
  const kind = kindOf(evaluator.kind);
  if (kind.judge) {
    if (suite.grader) config.grader = suite.grader;
    if (suite.judgeThreshold !== undefined) config.judgeThreshold = suite.judgeThreshold;
  }
  return {
    type: 'javascript',
    // A check of the reply is scored by its kind; a model-graded one by the judge adapter, which calls the grader.
    value: `file://${path.join(ASSERTIONS_DIR, kind.judge ? `judge${MODULE_EXT}:judge` : `evaluator${MODULE_EXT}:evaluate`)}`,
    // promptfoo renders metric names with Nunjucks (a lone `#}` is an error there).
    metric: templateText(
      metricName(evaluator, expect, shared.has(evaluator.name) ? file.name : undefined),
      templatingOn(),
    ),
    config,
  };
}

/**
 * The named score an evaluator feeds: its own name, or `NAME (must not match)` where scoping inverts it, so
 * statistics never pool a check with its opposite; `NAME [file]` when another prompt file of the run has an evaluator
 * of the same name, so two files' "Similarity" are two metrics, not one.
 */
export function metricName(evaluator: Evaluator, expect: 'match' | 'no-match', file?: string): string {
  const name = file === undefined ? evaluator.name : `${evaluator.name} [${file}]`;
  return expect === 'no-match' ? `${name} (must not match)` : name;
}

/** Evaluator names that more than one of `files` uses. */
export function sharedEvaluatorNames(files: PromptFile[]): Set<string> {
  const seen = new Map<string, number>();
  for (const f of files)
    for (const name of new Set(f.evaluators.map((e) => e.name))) seen.set(name, (seen.get(name) ?? 0) + 1);
  return new Set([...seen].filter(([, n]) => n > 1).map(([name]) => name));
}

/** A short, single-line description of a row for promptfoo's report. */
export function describeRow(file: PromptFile, row: TestRow): string {
  const summary =
    row.description ??
    (Object.entries(row.variables)
      .map(([k, v]) => `${k}=${v.replace(/\s+/g, ' ').trim() || '""'}`)
      .join(', ') ||
      'no variables');
  const short = summary.length > 90 ? `${summary.slice(0, 89)}…` : summary;
  return `${file.name} #${row.index} (line ${row.line}): ${short}`;
}

/**
 * The promptfoo test cases for one prompt file; `shared` are the evaluator names other files of the run use too
 * (their metrics name the file).
 */
export function testsForFile(
  file: PromptFile,
  suite: SuiteConfig = {},
  shared: ReadonlySet<string> = new Set(),
): PromptfooTest[] {
  const scope = scopeFor(suite.scope, file);
  if (scope) validateScope(scope, file, `scope['${file.path}']`);
  const plans = file.rows.map((row) => planRow(file, row.index, scope));
  const ids = rowIdentities(file.rows.map((row, i) => rowIdentity(file, row, plans[i] as RowPlan)));
  return file.rows.map((row, i) => {
    const plan = plans[i] as RowPlan;
    const assert: Record<string, unknown>[] = [
      ...plan.evaluators.map((a) => evaluatorAssertion(file, a.evaluator, a.expect, suite, shared)),
      ...plan.assert.map((a: ExtraAssertion) => ({ ...a })),
    ];
    const id = ids[i] as string;
    const vars: Record<string, string> = {};
    for (const [name, value] of Object.entries(row.variables)) vars[name] = inertVar(value);
    vars[ROW_VAR] = inertVar(rowReference(file.path, row.index));
    return {
      description: describeRow(file, row),
      vars,
      assert,
      metadata: {
        promptfile: {
          file: file.path,
          name: file.name,
          row: row.index,
          line: row.line,
          id,
          reference: fileReferenceLabel(file.model, file.parameters.temperature),
        },
      },
    };
  });
}

/**
 * Throws when a prompt file named in the scope is not part of the run, so a typo cannot silently unscope. `skipped`
 * are paths that belong to the run but are not in it (invalid, or left out on the command line): scoping them is fine.
 */
export function checkScopeTargets(
  scope: ScopeConfig | undefined,
  files: PromptFile[],
  skipped: string[] = [],
): void {
  if (!scope) return;
  const problems: Diagnostic[] = [];
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '');
  for (const key of Object.keys(scope)) {
    if (skipped.some((p) => norm(p) === norm(key))) continue;
    if (!files.some((f) => norm(f.path) === norm(key) || f.name === key)) {
      problems.push({
        severity: 'error',
        file: 'promptfooconfig.yaml',
        line: 0,
        column: 0,
        key: `scope.${key}`,
        message: `scope names '${key}', which is not among the prompt files of this run (${files.map((f) => f.path).join(', ')})`,
      });
    }
  }
  if (problems.length > 0) throw new UserError(problems.map((p) => p.message).join('\n'), problems);
}
