/**
 * Baselines: the counts a later run is gated against. Per variant, per evaluator, per row: passes, graded trials,
 * errors. Deliberately nothing else: no model output, no prompt, no var value, no reason text, no timestamp.
 * Row keys are the prompt file's name and the row's content identity, or a hash (see RowRef), never a value; with
 * `slots` saying where each row sat. So a baseline can be committed and reviewed as a diff.
 *
 * Serialized with sorted keys (rows in natural order, `#2` before `#10`) and one count object per line,
 * so the same trials always give the same bytes, and a change to one row is a one-line diff.
 */
import { fileError, readUserBytes, writeAll } from '../results/fileError';
import { parseJsonBytes } from '../results/jsonBytes';
import { TrialTable } from '../results/trial';
import { controlCharacter } from '../format/visible';
import { Tally, tallyAttempts, tallyTrials } from '../results/tally';

/** The schema version this code writes and reads. */
export const BASELINE_SCHEMA_VERSION = 2;

/**
 * The largest count a baseline may hold: a billion calls of one row is far beyond any run (or years of merged runs),
 * and far below what would make the exact tests allocate more than they can. Larger counts are a tampered file.
 */
export const MAX_BASELINE_COUNT = 1_000_000_000;

/** One evaluator of one variant in a baseline. `trials` are graded trials; errors are counted apart. */
export interface BaselineEvaluator {
  total: Tally;
  rows: Record<string, Tally>;
}

/**
 * A baseline: variant -> evaluator -> counts, and per variant the row verdicts (a call passes when every evaluator
 * of its row passed: promptfoo's own pass/fail of the row), which the gate tests first (see gate.ts). Baselines
 * written before row verdicts existed lack `rowVerdicts`; the gate then tests every evaluator as a primary.
 */
export interface Baseline {
  schemaVersion: typeof BASELINE_SCHEMA_VERSION;
  variants: Record<string, Record<string, BaselineEvaluator>>;
  rowVerdicts?: Record<string, BaselineEvaluator>;
  /** Variants whose calls are deterministic (offline reference, replays): compared row by row, never sized. */
  deterministic?: string[];
  /**
   * Where each row sat (`prompts/x.prompt.yml#2`), by row key: a run whose row at that place has another identity
   * changed the row (its values or evaluators), which the gate reports as such.
   */
  slots?: Record<string, string>;
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
  const rowVerdicts = Object.fromEntries(
    [...tallyAttempts(table.attempts)].map(([variant, tally]) => [
      variant,
      { total: { ...tally.total }, rows: Object.fromEntries(tally.rows) },
    ]),
  );
  const kinds = new Map<string, boolean>();
  for (const a of table.attempts)
    kinds.set(a.variant, (kinds.get(a.variant) ?? true) && a.deterministic === true);
  const deterministic = [...kinds]
    .filter(([, d]) => d)
    .map(([v]) => v)
    .sort();
  const slots = Object.fromEntries(
    table.attempts.filter((a) => a.row.slot !== undefined).map((a) => [a.row.key, a.row.slot as string]),
  );
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    variants,
    rowVerdicts,
    ...(Object.keys(slots).length > 0 && { slots }),
    ...(deterministic.length > 0 && { deterministic }),
  };
}

/**
 * `earlier` and `later` as one baseline: counts added per variant, evaluator and row (`baseline --merge`), so a
 * baseline built from several runs on main has the sample of all of them and one lucky run no longer decides it.
 * A variant is deterministic only if it was in both.
 */
export function mergeBaselines(earlier: Baseline, later: Baseline): Baseline {
  const add = (a: BaselineEvaluator | undefined, b: BaselineEvaluator): BaselineEvaluator => {
    const rows: Record<string, Tally> = Object.fromEntries(
      Object.entries(a?.rows ?? {}).map(([k, t]) => [k, { ...t }]),
    );
    for (const [row, t] of Object.entries(b.rows)) rows[row] = sumTally(rows[row], t);
    return { total: sumTally(a?.total, b.total), rows };
  };
  const variants: Baseline['variants'] = Object.fromEntries(
    Object.entries(earlier.variants).map(([v, e]) => [v, { ...e }]),
  );
  for (const [variant, evaluators] of Object.entries(later.variants)) {
    const merged: Record<string, BaselineEvaluator> = Object.fromEntries(
      Object.entries(variants[variant] ?? {}),
    );
    for (const [evaluator, entry] of Object.entries(evaluators))
      merged[evaluator] = add(merged[evaluator], entry);
    variants[variant] = merged;
  }
  const rowVerdicts: Record<string, BaselineEvaluator> = Object.fromEntries(
    Object.entries(earlier.rowVerdicts ?? {}),
  );
  for (const [variant, entry] of Object.entries(later.rowVerdicts ?? {}))
    rowVerdicts[variant] = add(rowVerdicts[variant], entry);
  const deterministic = (earlier.deterministic ?? []).filter(
    (v) => later.deterministic?.includes(v) || !(v in later.variants),
  );
  for (const v of later.deterministic ?? [])
    if (!(v in earlier.variants) && !deterministic.includes(v)) deterministic.push(v);
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    variants,
    ...(earlier.rowVerdicts || later.rowVerdicts ? { rowVerdicts } : {}),
    // Where rows sit now: the later run's places win.
    ...(earlier.slots || later.slots ? { slots: { ...earlier.slots, ...later.slots } } : {}),
    ...(deterministic.length > 0 && { deterministic: deterministic.sort() }),
  };
}

function sumTally(a: Tally | undefined, b: Tally): Tally {
  return {
    passes: (a?.passes ?? 0) + b.passes,
    trials: (a?.trials ?? 0) + b.trials,
    errors: (a?.errors ?? 0) + b.errors,
  };
}

/** The baseline as the stable, diff-friendly JSON text to commit (ends with a newline). */
export function serializeBaseline(baseline: Baseline): string {
  const parts: string[] = [];
  emitBaseline(baseline, (text) => parts.push(text));
  return parts.join('');
}

/**
 * Writes `serializeBaseline`'s text to the open file `fd` a megabyte at a time: a million rows' baseline is
 * 350 MB, and as one string (two bytes a character once a name holds a non-Latin-1 character) it was gigabytes.
 */
export function writeBaseline(fd: number, baseline: Baseline): void {
  let batch: string[] = [];
  let length = 0;
  const flush = () => {
    writeAll(fd, batch.join(''));
    batch = [];
    length = 0;
  };
  emitBaseline(baseline, (text) => {
    batch.push(text);
    length += text.length;
    if (length >= 2 ** 20) flush();
  });
  flush();
}

/** Hands `serializeBaseline`'s text to `emit`, in order, a line or so at a time. */
function emitBaseline(baseline: Baseline, emit: (text: string) => void): void {
  emit(`{\n  "schemaVersion": ${baseline.schemaVersion},\n`);
  // Sections are separated by ",\n", lines within one by "\n".
  let sections = 0;
  let lines = 0;
  const section = () => {
    if (sections++ > 0) emit(',\n');
    lines = 0;
  };
  const line = (text: string) => emit(lines++ === 0 ? text : `\n${text}`);
  const evaluator = (e: BaselineEvaluator, indent: string) => {
    line(`${indent}"rows": {`);
    const rows = naturalSort(Object.keys(e.rows));
    rows.forEach((row, k) => {
      line(`${indent}  ${JSON.stringify(row)}: ${tallyJson(e.rows[row] as Tally)}${comma(k, rows)}`);
    });
    line(`${indent}},`);
    line(`${indent}"total": ${tallyJson(e.total)}`);
  };

  section();
  line('  "variants": {');
  const variants = naturalSort(Object.keys(baseline.variants));
  variants.forEach((variant, i) => {
    line(`    ${JSON.stringify(variant)}: {`);
    const evaluators = baseline.variants[variant] ?? {};
    const names = naturalSort(Object.keys(evaluators));
    names.forEach((name, j) => {
      line(`      ${JSON.stringify(name)}: {`);
      evaluator(evaluators[name] as BaselineEvaluator, '        ');
      line(`      }${comma(j, names)}`);
    });
    line(`    }${comma(i, variants)}`);
  });
  line('  }');
  if (baseline.rowVerdicts) {
    const verdicts = baseline.rowVerdicts;
    section();
    line('  "rowVerdicts": {');
    const names = naturalSort(Object.keys(verdicts));
    names.forEach((variant, i) => {
      line(`    ${JSON.stringify(variant)}: {`);
      evaluator(verdicts[variant] as BaselineEvaluator, '      ');
      line(`    }${comma(i, names)}`);
    });
    line('  }');
  }
  if (baseline.slots) {
    const slots = baseline.slots;
    section();
    line('  "slots": {');
    const rows = naturalSort(Object.keys(slots));
    rows.forEach((row, i) =>
      line(`    ${JSON.stringify(row)}: ${JSON.stringify(slots[row])}${comma(i, rows)}`),
    );
    line('  }');
  }
  if (baseline.deterministic) {
    section();
    line(`  "deterministic": ${JSON.stringify([...baseline.deterministic].sort())}`);
  }
  emit('\n}\n');
}

/**
 * Reads and validates a baseline file. Throws a UserError naming the file and the first problem. The file is read
 * as bytes (results/jsonBytes.ts): a baseline of a million rows is hundreds of megabytes, and as one string it
 * would be twice that before parsing began. Text that reader leaves is parsed as text, as `parseBaseline` does.
 */
export function readBaseline(path: string): Baseline {
  const bytes = readUserBytes(path, 'baseline file');
  const document = parseJsonBytes(bytes);
  if (document !== undefined) return validated(document, path);
  let text: string;
  try {
    text = bytes.toString('utf8');
  } catch {
    throw fileError(path, `baseline is not valid JSON, and at ${bytes.length} bytes too large to say where`);
  }
  return parseBaseline(text, path);
}

/** Parses and validates baseline JSON text read from `source`. */
export function parseBaseline(text: string, source: string): Baseline {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw fileError(source, `baseline is not valid JSON (${(error as Error).message})`);
  }
  return validated(document, source);
}

function validated(document: unknown, source: string): Baseline {
  const problem = validate(document);
  if (problem) throw fileError(source, problem.message, problem.key);
  return document as Baseline;
}

/**
 * Why `baseline` cannot gate anything, or could not come from a run, or undefined when it is sound. `baseline`
 * checks what it is about to write with this, so it never writes a baseline the gate would refuse.
 */
export function baselineProblem(baseline: Baseline): string | undefined {
  return validate(baseline)?.message;
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
  if (version === 1) {
    return {
      key: 'schemaVersion',
      message:
        'baseline schemaVersion 1 knows rows by their place in the file, and rows are now known by what they are; ' +
        'rebuild it from a run (promptfile baseline)',
    };
  }
  if (version !== BASELINE_SCHEMA_VERSION) {
    return {
      key: 'schemaVersion',
      message: `baseline schemaVersion must be ${BASELINE_SCHEMA_VERSION}, found ${JSON.stringify(version)}`,
    };
  }
  const extra = Object.keys(document).find(
    (k) => !['schemaVersion', 'variants', 'rowVerdicts', 'deterministic', 'slots'].includes(k),
  );
  if (extra !== undefined)
    return { key: extra, message: `baseline has an unknown key ${JSON.stringify(extra)}` };
  const variants = document['variants'];
  if (!isRecord(variants)) return { key: 'variants', message: 'baseline "variants" must be an object' };
  if (Object.keys(variants).length === 0)
    return {
      key: 'variants',
      message: 'baseline has no variants: it gates nothing; write one from a run with promptfile baseline',
    };
  for (const [variant, evaluators] of Object.entries(variants)) {
    const at = `variants[${JSON.stringify(variant)}]`;
    const name = badName(variant, at);
    if (name) return name;
    if (!isRecord(evaluators)) return { key: at, message: `${at} must be an object of evaluators` };
    if (Object.keys(evaluators).length === 0)
      return { key: at, message: `${at} has no evaluators: it gates nothing` };
    for (const [evaluator, entry] of Object.entries(evaluators)) {
      const where = `${at}[${JSON.stringify(evaluator)}]`;
      const problem = badName(evaluator, where) ?? validateEvaluator(entry, where);
      if (problem) return problem;
    }
  }
  const deterministic = document['deterministic'];
  if (
    deterministic !== undefined &&
    (!Array.isArray(deterministic) ||
      deterministic.some((v) => typeof v !== 'string' || !isRecord(variants[v])))
  )
    return { key: 'deterministic', message: 'baseline "deterministic" must list variants the baseline has' };
  const slots = document['slots'];
  if (
    slots !== undefined &&
    (!isRecord(slots) ||
      // Keys and a lookup each (a slot per row: half a million in a large run), not Object.entries.
      Object.keys(slots).some((k) => {
        const v = slots[k];
        return typeof v !== 'string' || controlCharacter(k) || controlCharacter(v);
      }))
  )
    return {
      key: 'slots',
      message: 'baseline "slots" must map row keys to places such as "prompts/x.prompt.yml#2"',
    };
  const verdicts = document['rowVerdicts'];
  if (verdicts !== undefined) {
    if (!isRecord(verdicts))
      return { key: 'rowVerdicts', message: 'baseline "rowVerdicts" must be an object' };
    for (const [variant, entry] of Object.entries(verdicts)) {
      const at = `rowVerdicts[${JSON.stringify(variant)}]`;
      if (!isRecord(variants[variant]))
        return { key: at, message: `${at} names a variant the baseline has no evaluators for` };
      const problem = validateEvaluator(entry, at) ?? fitsRowVerdicts(variants[variant], entry, variant);
      if (problem) return problem;
    }
  }
  return undefined;
}

/**
 * A variant's evaluators against its row verdicts, as one run (or a sum of runs) gives them: each call has a row
 * verdict, and at most one outcome per evaluator, and passes only if all of them pass. So no evaluator has more calls
 * on a row than the row verdicts, nor fewer passes there than the row verdict.
 */
function fitsRowVerdicts(evaluators: unknown, verdicts: unknown, variant: string): Problem | undefined {
  const calls = (t: Tally) => t.trials + t.errors;
  const rows = (verdicts as BaselineEvaluator).rows;
  for (const [evaluator, entry] of Object.entries(evaluators as Record<string, BaselineEvaluator>)) {
    const at = `variants[${JSON.stringify(variant)}][${JSON.stringify(evaluator)}]`;
    // Object.keys and a lookup each: Object.entries of an object with a million keys costs several times that.
    for (const row of Object.keys(entry.rows)) {
      const tally = entry.rows[row] as Tally;
      const verdict = Object.hasOwn(rows, row) ? rows[row] : undefined;
      if (!verdict || calls(tally) > calls(verdict))
        return {
          key: `${at}.rows[${JSON.stringify(row)}]`,
          message: `${at}.rows[${JSON.stringify(row)}] has more calls than its row verdicts; rebuild the baseline instead of editing it by hand`,
        };
      if (verdict.passes > tally.passes)
        return {
          key: `${at}.rows[${JSON.stringify(row)}]`,
          message: `${at}.rows[${JSON.stringify(row)}] has fewer passes than its row verdicts (a row passes only when every evaluator passes); rebuild the baseline`,
        };
    }
  }
  return undefined;
}

/** A name that would print as more than itself: a line break or another control character in it. */
function badName(name: string, at: string): Problem | undefined {
  const control = controlCharacter(name);
  return control ? { key: at, message: `${at} has a control character (${control}) in its name` } : undefined;
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
  const rows = entry['rows'];
  const names = Object.keys(rows);
  for (const row of names) {
    const tally = rows[row];
    // A baseline has a line per row and evaluator (millions, for a large run): its name is made only for a problem.
    const where = () => `${at}.rows[${JSON.stringify(row)}]`;
    const checked =
      isTally(tally) && controlCharacter(row) === undefined
        ? tally
        : (badName(row, where()) ?? validateTally(tally, where()));
    if ('message' in checked) return checked;
    if (checked.trials + checked.errors === 0)
      return {
        key: where(),
        message: `${where()} counts no call; a row is in a baseline only when it was called`,
      };
    sum.passes += checked.passes;
    sum.trials += checked.trials;
    sum.errors += checked.errors;
  }
  if (names.length === 0) return { key: `${at}.rows`, message: `${at} has no rows: it gates nothing` };
  if (total.trials === 0)
    return {
      key: `${at}.total`,
      message: `${at} has no graded trial (${total.errors} error${total.errors === 1 ? '' : 's'}): it gates nothing; build the baseline from a run that graded it`,
    };
  if (sum.passes !== total.passes || sum.trials !== total.trials || sum.errors !== total.errors) {
    return {
      key: `${at}.total`,
      message: `${at}.total is not the sum of its rows; rebuild the baseline instead of editing it by hand`,
    };
  }
  return undefined;
}

/** What `validateTally` accepts, without naming anything. */
function isTally(value: unknown): value is Tally {
  if (!isRecord(value)) return false;
  let keys = 0;
  for (const k in value) {
    if (k !== 'errors' && k !== 'passes' && k !== 'trials') return false;
    const n = value[k];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > MAX_BASELINE_COUNT) return false;
    keys++;
  }
  return keys === 3 && (value['passes'] as number) <= (value['trials'] as number);
}

function validateTally(value: unknown, at: string): Tally | Problem {
  if (isTally(value)) return value;
  const keys = ['errors', 'passes', 'trials'];
  if (!isRecord(value) || Object.keys(value).length !== 3 || !keys.every((k) => k in value)) {
    return { key: at, message: `${at} must be an object with exactly "passes", "trials" and "errors"` };
  }
  for (const k of keys) {
    const n = value[k];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      return {
        key: `${at}.${k}`,
        message: `${at}.${k} must be a whole number of at least 0, found ${typeof n === 'number' ? String(n) : JSON.stringify(n)}`,
      };
    }
    if (n > MAX_BASELINE_COUNT)
      return {
        key: `${at}.${k}`,
        message: `${at}.${k} is ${n}, more than the ${MAX_BASELINE_COUNT} a baseline may hold`,
      };
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

/** Orders keys as people count: digit runs compare as numbers (`#2` before `#10`), the rest by UTF-16 code unit. */
export function naturalCompare(a: string, b: string): number {
  return compareRuns(runs(a), runs(b), a, b);
}

/**
 * `keys` sorted by naturalCompare, each split into its runs once: a baseline sorts half a million row keys per
 * evaluator, and splitting both keys in every comparison took most of a minute.
 */
export function naturalSort(keys: readonly string[]): string[] {
  return naturalSortBy(keys, (key) => key);
}

/** `items` sorted by naturalCompare of `nameOf` each, each name split into its runs once. */
export function naturalSortBy<T>(items: readonly T[], nameOf: (item: T) => string): T[] {
  return items
    .map((item) => {
      const name = nameOf(item);
      return { item, name, runs: runs(name) };
    })
    .sort((x, y) => compareRuns(x.runs, y.runs, x.name, y.name))
    .map((x) => x.item);
}

function runs(text: string): string[] {
  return text.match(/\d+|\D+/g) ?? [];
}

function compareRuns(pa: readonly string[], pb: readonly string[], a: string, b: string): number {
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
