/**
 * Baselines: the counts a later run is gated against. Per variant, per evaluator, per row: passes, graded trials,
 * errors. Deliberately nothing else: no model output, no prompt, no var value, no reason text, no timestamp.
 * Row keys are `file#index` or a hash (see RowRef), so a baseline can be committed and reviewed as a diff.
 *
 * Serialized with sorted keys (rows in natural order, `#2` before `#10`) and one count object per line,
 * so the same trials always give the same bytes, and a change to one row is a one-line diff.
 */
import { fileError, readUserFile } from '../results/fileError';
import { TrialTable } from '../results/trial';
import { Tally, tallyTrials } from './tally';

/** The schema version this code writes and reads. */
export const BASELINE_SCHEMA_VERSION = 1;

/** One evaluator of one variant in a baseline. `trials` are graded trials; errors are counted apart. */
export interface BaselineEvaluator {
  total: Tally;
  rows: Record<string, Tally>;
}

/** A baseline: variant -> evaluator -> counts. */
export interface Baseline {
  schemaVersion: typeof BASELINE_SCHEMA_VERSION;
  variants: Record<string, Record<string, BaselineEvaluator>>;
}

/** The baseline of a run: its counts per variant, evaluator and row. */
export function buildBaseline(table: TrialTable): Baseline {
  // fromEntries defines own properties, so even a label such as "__proto__" stays data.
  const variants = Object.fromEntries(
    [...tallyTrials(table.trials)].map(([variant, evaluators]) => [
      variant,
      Object.fromEntries(
        [...evaluators].map(([evaluator, tally]) => [
          evaluator,
          { total: { ...tally.total }, rows: Object.fromEntries(tally.rows) },
        ]),
      ),
    ]),
  );
  return { schemaVersion: BASELINE_SCHEMA_VERSION, variants };
}

/** The baseline as the stable, diff-friendly JSON text to commit (ends with a newline). */
export function serializeBaseline(baseline: Baseline): string {
  const lines: string[] = ['{', `  "schemaVersion": ${baseline.schemaVersion},`, '  "variants": {'];
  const variants = sortedKeys(baseline.variants);
  variants.forEach((variant, i) => {
    lines.push(`    ${JSON.stringify(variant)}: {`);
    const evaluators = baseline.variants[variant] ?? {};
    sortedKeys(evaluators).forEach((evaluator, j, all) => {
      const e = evaluators[evaluator] as BaselineEvaluator;
      lines.push(`      ${JSON.stringify(evaluator)}: {`);
      lines.push(`        "rows": {`);
      sortedKeys(e.rows).forEach((row, k, rows) => {
        lines.push(`          ${JSON.stringify(row)}: ${tallyJson(e.rows[row] as Tally)}${comma(k, rows)}`);
      });
      lines.push('        },');
      lines.push(`        "total": ${tallyJson(e.total)}`);
      lines.push(`      }${comma(j, all)}`);
    });
    lines.push(`    }${comma(i, variants)}`);
  });
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

/** Reads and validates a baseline file. Throws a UserError naming the file and the first problem. */
export function readBaseline(path: string): Baseline {
  return parseBaseline(readUserFile(path, 'baseline file'), path);
}

/** Parses and validates baseline JSON text read from `source`. */
export function parseBaseline(text: string, source: string): Baseline {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw fileError(source, `baseline is not valid JSON (${(error as Error).message})`);
  }
  const problem = validate(document);
  if (problem) throw fileError(source, problem.message, problem.key);
  return document as Baseline;
}

interface Problem {
  key: string;
  message: string;
}

/** The first thing wrong with a would-be baseline, or undefined. */
function validate(document: unknown): Problem | undefined {
  if (!isRecord(document) || !('schemaVersion' in document)) {
    return {
      key: '',
      message: 'not a baseline file (expected an object with "schemaVersion" and "variants")',
    };
  }
  const version = document['schemaVersion'];
  if (typeof version === 'number' && version > BASELINE_SCHEMA_VERSION) {
    return {
      key: 'schemaVersion',
      message: `baseline schemaVersion ${version} is newer than this tool reads (${BASELINE_SCHEMA_VERSION}); upgrade promptfoo-promptfile`,
    };
  }
  if (version !== BASELINE_SCHEMA_VERSION) {
    return {
      key: 'schemaVersion',
      message: `baseline schemaVersion must be ${BASELINE_SCHEMA_VERSION}, found ${JSON.stringify(version)}`,
    };
  }
  const extra = Object.keys(document).find((k) => k !== 'schemaVersion' && k !== 'variants');
  if (extra !== undefined)
    return { key: extra, message: `baseline has an unknown key ${JSON.stringify(extra)}` };
  const variants = document['variants'];
  if (!isRecord(variants)) return { key: 'variants', message: 'baseline "variants" must be an object' };
  for (const [variant, evaluators] of Object.entries(variants)) {
    const at = `variants[${JSON.stringify(variant)}]`;
    if (!isRecord(evaluators)) return { key: at, message: `${at} must be an object of evaluators` };
    for (const [evaluator, entry] of Object.entries(evaluators)) {
      const problem = validateEvaluator(entry, `${at}[${JSON.stringify(evaluator)}]`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function validateEvaluator(entry: unknown, at: string): Problem | undefined {
  if (
    !isRecord(entry) ||
    !isRecord(entry['rows']) ||
    Object.keys(entry).some((k) => k !== 'rows' && k !== 'total')
  ) {
    return { key: at, message: `${at} must be an object with exactly "rows" and "total"` };
  }
  const total = validateTally(entry['total'], `${at}.total`);
  if ('message' in total) return total;
  const sum = { passes: 0, trials: 0, errors: 0 };
  for (const [row, tally] of Object.entries(entry['rows'])) {
    const checked = validateTally(tally, `${at}.rows[${JSON.stringify(row)}]`);
    if ('message' in checked) return checked;
    sum.passes += checked.passes;
    sum.trials += checked.trials;
    sum.errors += checked.errors;
  }
  if (sum.passes !== total.passes || sum.trials !== total.trials || sum.errors !== total.errors) {
    return {
      key: `${at}.total`,
      message: `${at}.total is not the sum of its rows; rebuild the baseline instead of editing it by hand`,
    };
  }
  return undefined;
}

function validateTally(value: unknown, at: string): Tally | Problem {
  const keys = ['errors', 'passes', 'trials'];
  if (!isRecord(value) || Object.keys(value).length !== 3 || !keys.every((k) => k in value)) {
    return { key: at, message: `${at} must be an object with exactly "passes", "trials" and "errors"` };
  }
  for (const k of keys) {
    const n = value[k];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      return {
        key: `${at}.${k}`,
        message: `${at}.${k} must be a whole number of at least 0, found ${JSON.stringify(n)}`,
      };
    }
  }
  const tally = value as unknown as Tally;
  if (tally.passes > tally.trials) return { key: at, message: `${at} has more passes than trials` };
  return tally;
}

function tallyJson(t: Tally): string {
  return `{ "errors": ${t.errors}, "passes": ${t.passes}, "trials": ${t.trials} }`;
}

function comma(index: number, all: readonly unknown[]): string {
  return index < all.length - 1 ? ',' : '';
}

/** Keys in natural order: digit runs compare as numbers, the rest by UTF-16 code unit (locale-independent). */
function sortedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).sort(naturalCompare);
}

function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const numeric = /^\d/.test(x) && /^\d/.test(y);
    if (numeric && x.length !== y.length)
      return x.replace(/^0+/, '').length - y.replace(/^0+/, '').length || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
