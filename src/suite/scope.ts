/**
 * Evaluator scoping: which of a prompt file's evaluators apply to which row, and which must NOT match.
 * The default is gh models' all-on-all. Declared in promptfooconfig.yaml, in the test generator's config:
 *
 *   scope:
 *     prompts/x.prompt.yml:          # a prompt-file path or its `name`
 *       rows:
 *         - row: 0                   # 0-based testData index
 *           evaluators: [A, B]       # only these apply (default: all)
 *           mustNotMatch: [C]        # these apply inverted: the row passes when C does not match
 *           assert: [...]            # extra promptfoo assertions for this row (domain checks)
 *       assert: [...]                # extra promptfoo assertions for every row of the file
 */
import { UserError } from '../errors/diagnostics';
import { kindOf, type Evaluator } from '../evaluators/registry';
import type { PromptFile } from '../promptfile/model';
import { didYouMean } from '../format/suggest';

/** A promptfoo assertion as written in the config; passed through untouched. */
export type ExtraAssertion = Record<string, unknown>;

export interface RowScope {
  row: number;
  evaluators?: string[];
  mustNotMatch?: string[];
  assert?: ExtraAssertion[];
}

export interface FileScope {
  rows?: RowScope[];
  assert?: ExtraAssertion[];
}

export type ScopeConfig = Record<string, FileScope>;

/** How one evaluator applies to one row. */
export interface AppliedEvaluator {
  evaluator: Evaluator;
  expect: 'match' | 'no-match';
}

/** What applies to one row: evaluators (possibly inverted) and extra assertions. */
export interface RowPlan {
  evaluators: AppliedEvaluator[];
  assert: ExtraAssertion[];
}

/** Finds the scope entry for a prompt file, by path (as given or normalised) or by name. */
export function scopeFor(config: ScopeConfig | undefined, file: PromptFile): FileScope | undefined {
  if (!config) return undefined;
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '');
  for (const [key, scope] of Object.entries(config)) {
    if (norm(key) === norm(file.path) || key === file.name) return scope;
  }
  return undefined;
}

/** Checks a scope entry against its prompt file: rows exist, evaluator names exist, no contradictions. */
export function validateScope(scope: FileScope, file: PromptFile, where: string): void {
  const problems: string[] = [];
  const names = file.evaluators.map((e) => e.name);
  const seenRows = new Set<number>();
  for (const [i, rs] of (scope.rows ?? []).entries()) {
    const at = `${where}.rows[${i}]`;
    if (!Number.isInteger(rs.row) || rs.row < 0 || rs.row >= file.rows.length) {
      const rows =
        file.rows.length === 0
          ? 'no rows'
          : file.rows.length === 1
            ? 'only row 0'
            : `rows 0..${file.rows.length - 1}`;
      problems.push(`${at}: row ${String(rs.row)} does not exist; ${file.path} has ${rows}`);
      continue;
    }
    if (seenRows.has(rs.row)) problems.push(`${at}: row ${rs.row} is scoped twice`);
    seenRows.add(rs.row);
    for (const key of ['evaluators', 'mustNotMatch'] as const) {
      const list = rs[key];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        problems.push(`${at}.${key} must be a list of evaluator names`);
        continue;
      }
      for (const name of list) {
        if (!names.includes(name)) {
          problems.push(
            `${at}.${key}: ${file.path} has no evaluator '${name}'${didYouMean(String(name), names)}`,
          );
        }
      }
    }
    for (const name of rs.mustNotMatch ?? []) {
      if (rs.evaluators?.includes(name))
        problems.push(`${at}: '${name}' is both required and must-not-match`);
      const ev = file.evaluators.find((e) => e.name === name);
      if (ev && !kindOf(ev.kind).score) {
        problems.push(
          `${at}.mustNotMatch: '${name}' is a model-graded evaluator; only regex and string evaluators can be inverted`,
        );
      }
    }
  }
  problems.push(...metricClashes(scope, file, where));
  if (problems.length > 0) throw new UserError(problems.join('\n'));
}

/**
 * Extra assertions that would share a named metric on a row with an evaluator or with each other. promptfoo averages
 * a metric's assertions on a row (a pass and a fail show as 0.5 in its report), while promptfile counts one verdict
 * per evaluator and row: one metric, one assertion per row, so both print the same figure.
 */
function metricClashes(scope: FileScope, file: PromptFile, where: string): string[] {
  const owners = new Map<string, string>();
  for (const e of file.evaluators) {
    owners.set(e.name, `evaluator '${e.name}'`);
    owners.set(`${e.name} (must not match)`, `evaluator '${e.name}' where it must not match`);
  }
  const problems: string[] = [];
  const check = (at: string, list: unknown, taken: Map<string, string>) => {
    for (const [j, a] of (Array.isArray(list) ? list : []).entries()) {
      const metric = (a as ExtraAssertion | null)?.['metric'];
      if (typeof metric !== 'string') continue;
      const owner = taken.get(metric);
      if (owner)
        problems.push(
          `${at}[${j}].metric: '${metric}' is already the metric of ${owner}; give each assertion of a row its own metric (promptfoo would average them)`,
        );
      else taken.set(metric, `${at}[${j}]`);
    }
  };
  const everyRow = new Map(owners);
  check(`${where}.assert`, scope.assert, everyRow);
  for (const [i, rs] of (scope.rows ?? []).entries())
    check(`${where}.rows[${i}].assert`, rs.assert, new Map(everyRow));
  return problems;
}

/** The evaluators and extra assertions that apply to row `index` of `file`. */
export function planRow(file: PromptFile, index: number, scope: FileScope | undefined): RowPlan {
  const rs = scope?.rows?.find((r) => r.row === index);
  const assert = [...(scope?.assert ?? []), ...(rs?.assert ?? [])];
  if (!rs || (rs.evaluators === undefined && rs.mustNotMatch === undefined)) {
    return { evaluators: file.evaluators.map((evaluator) => ({ evaluator, expect: 'match' })), assert };
  }
  const required =
    rs.evaluators ?? file.evaluators.map((e) => e.name).filter((n) => !rs.mustNotMatch?.includes(n));
  const evaluators: AppliedEvaluator[] = [];
  for (const evaluator of file.evaluators) {
    if (required.includes(evaluator.name)) evaluators.push({ evaluator, expect: 'match' });
    else if (rs.mustNotMatch?.includes(evaluator.name)) evaluators.push({ evaluator, expect: 'no-match' });
  }
  return { evaluators, assert };
}
