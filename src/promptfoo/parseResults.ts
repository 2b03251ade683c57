/**
 * Turns the JSON that `promptfoo eval -o results.json` writes into attempts and trials. Pure: no file access.
 *
 * Facts about promptfoo 0.121's output this relies on (measured, see tests/fixtures/results):
 * - `results.results[]` holds one entry per (test, repeat, prompt x provider column). `--repeat N` expands each test
 *   into N consecutive `testIdx` values; no field carries the repeat index, and `testIdx` restarts at 0 in a run
 *   filtered with `--filter-first-n`/`--filter-range`/`--filter-sample`. So rows are identified by
 *   `testCase.metadata.promptfile` (file and row index) when present, else by a hash of description and vars,
 *   and repeats are numbered by order of `testIdx` within (variant, row).
 * - `failureReason` is 0 (passed), 1 (an assertion failed) or 2 (error). `error` is ALSO set on plain assertion
 *   failures (to the failing reason), so it only means "errored" when `failureReason` is absent (older files).
 *   An errored row has `gradingResult: null`: its evaluators become ERROR trials, taken from `testCase.assert`.
 * - `gradingResult.componentResults[k]` is one assertion's verdict, with the assertion (and its `metric`, `config`).
 * - A provider answer with no output (`response.output` null) is not graded at all: promptfoo sets `success: false`,
 *   `error: "No output"` and no `gradingResult`, but leaves `failureReason` at 0. An assertion that throws is a
 *   component with `pass: false` and a reason starting "Custom function threw error:".
 *
 * Nothing unmeasured may count as a pass, or drop out unseen: a call with no output, no grading, a grading that
 * threw, or an evaluator of the test with no verdict becomes an ERROR (the gate fails closed on errors).
 * Names (variants, evaluators, prompt-file paths) pass through `visible`, so none can span lines in a report.
 */
import { createHash } from 'node:crypto';
import { renderedText } from './inert';
import { fileError } from '../results/fileError';
import { MIXED_REFERENCE_LABEL } from '../variants/variant';
import { Attempt, Graded, GradedAttempts, Outcome, RowRef, Usage } from '../results/trial';
import { visible } from '../format/visible';
import { type Json, record } from './json';

/** One parsed results file, before repeats are numbered across files. */
export interface ResultsFile {
  source: string;
  evalId?: string;
  /** In promptfoo's order (`testIdx`, then column); `repeat` is numbered within this file. */
  attempts: Attempt[];
  /** A `GradedAttempts` over `attempts`. */
  trials: GradedAttempts;
}

/** What to keep of each call besides its counts. */
export interface ParseOptions {
  /**
   * Keep each evaluator's reason and each call's reply (default true). `eval` prints them; `compare`, `gate`,
   * `baseline` and `report` only count, so they read large files without them.
   */
  details?: boolean;
}

/** Parses a promptfoo results document (already JSON-decoded) read from `source`. Throws UserError on a wrong shape. */
export function parseResults(document: unknown, source: string, options: ParseOptions = {}): ResultsFile {
  const results = record(record(document)?.['results']);
  const rows = results?.['results'];
  if (!results || !Array.isArray(rows)) throw notResults(source);
  const parser = new ResultsParser(source, options);
  rows.forEach((row, index) => parser.add(row, index));
  return parser.finish(document);
}

/** The error for a document that is not a promptfoo results file. */
export function notResults(source: string): Error {
  return fileError(
    source,
    'not a promptfoo results file (expected `results.results`, as `promptfoo eval -o results.json` writes it)',
  );
}

/** One call, parsed, waiting for its repeat number. */
interface Parsed {
  testIdx: number;
  promptIdx: number;
  /** The provider's name for the variant, and the prompt's label in case the provider serves several. */
  provider: string;
  prompt: string;
  attempt: Attempt;
  graded: readonly Graded[];
}

/**
 * Parses results one at a time (a streamed file hands them over as it reads them), then numbers repeats in
 * promptfoo's order. What lies outside `results.results` (the columns, the eval id) is given at the end, since a
 * streamed file may hold it after the results. Calls graded alike (the common case when reasons are left out)
 * share one list of verdicts, so a large file costs about one object per call.
 */
export class ResultsParser {
  private parsed: Parsed[] = [];
  private readonly details: boolean;
  /** One copy of each name and row: a large file repeats them on every call. */
  private readonly names = new Map<string, string>();
  private readonly rows = new Map<string, RowRef>();
  private readonly gradings = new Map<string, readonly Graded[]>();

  constructor(
    private readonly source: string,
    options: ParseOptions = {},
  ) {
    this.details = options.details ?? true;
  }

  /** Parses the `index`-th element of `results.results`. */
  add(row: unknown, index: number): void {
    const r = record(row);
    if (!r) throw fileError(this.source, `results.results[${index}] is not an object`);
    // The variant is named in finish(), when the columns are known.
    const variant = '';
    const row_ = this.row(rowOf(r));
    let error = errorOf(r) ?? missingOutput(r);
    const verdicts = error !== undefined ? errorVerdicts(r, error) : gradedVerdicts(r);
    if (error === undefined) error = ungraded(verdicts);
    // A call passes when promptfoo passed it and every evaluator did (a test threshold cannot pass a failed one).
    const outcome: Outcome =
      error !== undefined
        ? 'error'
        : r['success'] === true && [...verdicts.values()].every((v) => v.outcome === 'pass')
          ? 'pass'
          : 'fail';
    const attempt: Attempt = {
      variant,
      row: row_,
      repeat: 0,
      outcome,
      ...(error !== undefined && { error }),
      usage: usageOf(r),
      ...(this.details ? outputOf(r) : {}),
      ...(deterministic(r) && { deterministic: true }),
      source: this.source,
    };
    const graded: Graded[] = [];
    for (const [evaluator, v] of verdicts) {
      graded.push({
        evaluator: this.intern(evaluator),
        outcome: v.outcome,
        reason: this.details || v.outcome === 'error' ? v.reason : '',
        ...(v.score !== undefined && { score: v.score }),
        ...(v.line !== undefined && { evaluatorLine: v.line }),
      });
    }
    const promptIdx = num(r['promptIdx']) ?? 0;
    this.parsed.push({
      testIdx: num(r['testIdx']) ?? 0,
      promptIdx,
      provider: this.intern(providerName(r)),
      prompt: this.intern(str(record(r['prompt'])?.['label']) ?? `prompt ${promptIdx}`),
      attempt,
      graded: this.shared(graded),
    });
  }

  /**
   * The file's calls, in promptfoo's order (`testIdx`, then column), repeats numbered within (variant, row);
   * `document` is the file without (or with) its results, for the columns and the eval id.
   */
  finish(document: unknown): ResultsFile {
    const results = record(record(document)?.['results']);
    const columns = Array.isArray(results?.['prompts']) ? results['prompts'].map(record) : [];
    const variantOf = variantNamer(columns);
    const ordered = this.parsed.sort((a, b) => a.testIdx - b.testIdx || a.promptIdx - b.promptIdx);
    this.parsed = [];
    const seen = new Map<string, number>();
    const attempts: Attempt[] = [];
    const graded: (readonly Graded[])[] = [];
    for (const { attempt, graded: own, provider, prompt } of ordered) {
      attempt.variant = this.intern(variantOf(provider, prompt));
      const slot = `${attempt.variant}\u0000${attempt.row.key}`;
      const repeat = seen.get(slot) ?? 0;
      seen.set(slot, repeat + 1);
      attempt.repeat = repeat;
      attempts.push(attempt);
      graded.push(own);
    }
    this.gradings.clear();
    const evalId = str(record(document)?.['evalId']);
    return {
      source: this.source,
      ...(evalId !== undefined && { evalId }),
      attempts,
      trials: new GradedAttempts(attempts, graded),
    };
  }

  /** One list for every call graded alike. */
  private shared(graded: readonly Graded[]): readonly Graded[] {
    if (this.details) return graded;
    let signature = '';
    for (const g of graded)
      signature += `${g.evaluator}\u0000${g.outcome}\u0000${g.score ?? ''}\u0000${g.evaluatorLine ?? ''}\u0000${g.reason}\u0001`;
    const known = this.gradings.get(signature);
    if (known) return known;
    this.gradings.set(signature, graded);
    return graded;
  }

  private intern(name: string): string {
    const known = this.names.get(name);
    if (known !== undefined) return known;
    this.names.set(name, name);
    return name;
  }

  private row(row: RowRef): RowRef {
    const id = `${row.key}\u0000${row.slot ?? ''}\u0000${row.label}\u0000${row.file ?? ''}\u0000${row.line ?? ''}`;
    const known = this.rows.get(id);
    if (known) return known;
    this.rows.set(id, row);
    return row;
  }
}

interface Verdict {
  outcome: Outcome;
  reason: string;
  score?: number;
  line?: number;
}

/**
 * One verdict per evaluator; an evaluator made of several assertions passes only if all of them pass, and is an
 * error if any of them could not be graded. An evaluator the test asserts that has no verdict is an error too.
 */
function gradedVerdicts(r: Json): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  const rank: Record<Outcome, number> = { pass: 0, fail: 1, error: 2 };
  const components = record(r['gradingResult'])?.['componentResults'];
  for (const c of Array.isArray(components) ? components.map(record) : []) {
    if (!c) continue;
    const assertion = record(c['assertion']);
    const name = evaluatorName(assertion);
    const reason = str(c['reason']) ?? '';
    const outcome: Outcome = gradingFailed(c) ? 'error' : c['pass'] === true ? 'pass' : 'fail';
    const previous = out.get(name);
    if (previous && rank[previous.outcome] >= rank[outcome]) continue;
    const score = outcome === 'error' ? undefined : num(c['score']);
    out.set(name, { outcome, reason, ...(score !== undefined && { score }), ...lineOf(assertion) });
  }
  for (const a of plainAssertions(r)) {
    const name = evaluatorName(a);
    if (!out.has(name))
      out.set(name, { outcome: 'error', reason: 'not graded: promptfoo gave no verdict', ...lineOf(a) });
  }
  return out;
}

/** promptfoo's marks of a grading that broke rather than judged (a thrown assertion, an incomplete grading). */
function gradingFailed(component: Json): boolean {
  const metadata = record(component['metadata']);
  return (
    /^Custom function threw error:/.test(str(component['reason']) ?? '') ||
    metadata?.['gradingIncomplete'] === true ||
    str(metadata?.['gradingError']) !== undefined
  );
}

/** The test's assertions that promptfoo grades one by one (not sets, not the comparisons across outputs). */
function plainAssertions(r: Json): Json[] {
  const asserts = record(r['testCase'])?.['assert'];
  return (Array.isArray(asserts) ? asserts.map(record) : []).filter(
    (a): a is Json =>
      a !== undefined &&
      typeof a['type'] === 'string' &&
      a['type'] !== 'assert-set' &&
      a['type'] !== 'max-score' &&
      !a['type'].startsWith('select-'),
  );
}

/** Why a call that did not error still measured nothing: no evaluator graded it, or one could not be graded. */
function ungraded(verdicts: ReadonlyMap<string, Verdict>): string | undefined {
  if (verdicts.size === 0) return 'not graded: no evaluator applies to this row';
  for (const [name, v] of verdicts)
    if (v.outcome === 'error') return `grading of "${name}" failed: ${v.reason}`;
  return undefined;
}

/** The reply promptfoo recorded: its text, or JSON text for structured output. */
function outputOf(r: Json): { output?: string } {
  const output = record(r['response'])?.['output'];
  if (output === null || output === undefined) return {};
  return { output: typeof output === 'string' ? output : (JSON.stringify(output) ?? String(output)) };
}

/** A call that returned no output at all (promptfoo grades nothing then, and does not call it an error). */
function missingOutput(r: Json): string | undefined {
  const response = record(r['response']);
  if (response && response['output'] !== null && response['output'] !== undefined) return undefined;
  return `no output: the provider returned ${response ? String(response['output']) : 'no response'}${str(r['error']) ? ` (${str(r['error'])})` : ''}`;
}

/**
 * An errored row still names its evaluators (from the test's assertions), each with an ERROR outcome. Assertion sets
 * contribute themselves and their members, as promptfoo flattens them into componentResults on a graded row.
 */
function errorVerdicts(r: Json, error: string): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  const visit = (asserts: unknown): void => {
    for (const a of Array.isArray(asserts) ? asserts.map(record) : []) {
      if (!a) continue;
      out.set(evaluatorName(a), { outcome: 'error', reason: error, ...lineOf(a) });
      if (a['type'] === 'assert-set') visit(a['assert']);
    }
  };
  visit(record(r['testCase'])?.['assert']);
  return out;
}

/** What our offline and replay providers mark in their responses' metadata (see providers/). */
function deterministic(r: Json): boolean {
  const metadata = record(record(r['response'])?.['metadata']);
  return metadata?.['baseline'] === true || metadata?.['replayed'] === true;
}

function evaluatorName(assertion: Json | undefined): string {
  const metric = str(assertion?.['metric']);
  // The test generator writes a metric name holding template syntax as a Nunjucks literal; promptfoo shows its text.
  return visible(
    (metric === undefined ? undefined : renderedText(metric)) ?? str(assertion?.['type']) ?? 'assertion',
  );
}

function lineOf(assertion: Json | undefined): { line?: number } {
  const line = num(record(assertion?.['config'])?.['evaluatorLine']);
  return line !== undefined && Number.isInteger(line) && line > 0 ? { line } : {};
}

function errorOf(r: Json): string | undefined {
  const message = str(r['error']) ?? str(record(r['response'])?.['error']) ?? 'error';
  const reason = r['failureReason'];
  if (reason === 2) return message;
  if (reason !== undefined) return undefined;
  const errored =
    str(record(r['response'])?.['error']) !== undefined ||
    (str(r['error']) !== undefined && !record(r['gradingResult']));
  return errored ? message : undefined;
}

/** The provider's label, else its id (the mixed reference column by each row's own file). */
function providerName(r: Json): string {
  const provider = record(r['provider']);
  const label = str(provider?.['label']) ?? str(provider?.['id']) ?? str(r['provider']) ?? 'unknown provider';
  return ownReference(label, r);
}

/** Variant = the provider's name, qualified with the prompt's label if it serves several prompts. */
function variantNamer(columns: (Json | undefined)[]): (provider: string, prompt: string) => string {
  const perProvider = new Map<string, Set<string>>();
  for (const c of columns) {
    const provider = str(c?.['provider']);
    if (provider === undefined) continue;
    perProvider.set(provider, (perProvider.get(provider) ?? new Set()).add(str(c?.['label']) ?? ''));
  }
  return (provider, prompt) =>
    (perProvider.get(provider)?.size ?? 0) < 2 ? visible(provider) : visible(`${provider} [${prompt}]`);
}

/**
 * The mixed reference column (files naming different models) by each row's own file: `gpt-4o · T=0.2 (reference)`,
 * so a prompt file's variant is its model and temperature, whatever other files run beside it.
 */
function ownReference(label: string, r: Json): string {
  const replay = label === `${MIXED_REFERENCE_LABEL} (replay)`;
  if (label !== MIXED_REFERENCE_LABEL && !replay) return label;
  const own = str(origin(r)?.['reference']);
  return own === undefined ? label : replay ? `${own} (replay)` : own;
}

function origin(r: Json): Json | undefined {
  return (
    record(record(record(r['testCase'])?.['metadata'])?.['promptfile']) ??
    record(record(r['metadata'])?.['promptfile'])
  );
}

function rowOf(r: Json): RowRef {
  const testCase = record(r['testCase']);
  const from = origin(r);
  const raw = str(from?.['file']);
  const file = raw === undefined ? undefined : visible(raw);
  const index = num(from?.['row']);
  const line = num(from?.['line']);
  const name = str(from?.['name']);
  const id = str(from?.['id']);
  if (file !== undefined && index !== undefined) {
    const slot = `${file}#${index}`;
    return {
      // By content when the test generator named it (suite/identity.ts), else by position (older results).
      key: name !== undefined && id !== undefined ? `${visible(name)}#${visible(id)}` : slot,
      slot,
      label: line !== undefined ? `${file}:${line}` : `${file} row ${index + 1}`,
      file,
      ...(line !== undefined && { line }),
    };
  }
  const description = str(testCase?.['description']);
  const hash = createHash('sha256')
    .update(
      canonicalJson({ description: description ?? null, vars: r['vars'] ?? testCase?.['vars'] ?? null }),
    )
    .digest('hex')
    .slice(0, 12);
  return { key: `test:${hash}`, label: description !== undefined ? visible(description) : `test ${hash}` };
}

function usageOf(r: Json): Usage {
  const tokens = record(r['tokenUsage']) ?? record(record(r['response'])?.['tokenUsage']);
  return {
    promptTokens: num(tokens?.['prompt']) ?? 0,
    completionTokens: num(tokens?.['completion']) ?? 0,
    totalTokens: num(tokens?.['total']) ?? 0,
    cost: num(r['cost']) ?? 0,
    latencyMs: num(r['latencyMs']) ?? 0,
  };
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const r = record(value);
  if (r) {
    const keys = Object.keys(r).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(r[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
