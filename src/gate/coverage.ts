/**
 * Does the run cover its baseline, and does the baseline cover the run? A comparison only over what both sides
 * have passes whatever the other part did: rows that were not called, variants the baseline never saw, a model
 * gated by the offline reference's baseline. So every difference fails the gate, naming it:
 * - a row of a baseline variant that this run did not call (a missing shard, a deleted row);
 * - a row whose place holds another row now (its values or evaluators changed, suite/identity.ts): "changed";
 * - an evaluator of a baseline variant with no trial on a row it had in the baseline;
 * - a variant, evaluator or row of the run that the baseline does not have, unless accepted as new (`acceptNew`):
 *   then each evaluator involved must meet a floor (gate.ts checks that a floor applies);
 * - a variant that was deterministic in the baseline (offline reference, replay) and calls a model now.
 * A missing variant, or an evaluator missing from a whole variant, is gate.ts's own check.
 */
import { RowRef, TrialTable } from '../results/trial';
import { Baseline, naturalSort, naturalSortBy } from './baseline';
import { GateFailure, listKeys, Location } from './failure';
import { TallyTable } from '../results/tally';

/** Why an evaluator of a variant has no baseline, when it was accepted as new. */
export type NewBecause = 'variant' | 'evaluator' | 'rows';

/** What the coverage check found. */
export interface Coverage {
  failures: GateFailure[];
  /** variant -> evaluator -> why it is new: accepted without a baseline, so it must meet a floor. */
  accepted: Map<string, Map<string, NewBecause>>;
  /** Sentences about the baseline itself, for every report. */
  notes: string[];
  /** variant -> the rows it called, by key, in the order first called. */
  called: Map<string, Map<string, RowRef>>;
  /** The run's deterministic variants (deterministicVariants), which the gate compares row by row. */
  deterministic: Set<string>;
}

/** The sentence a baseline of deterministic variants alone earns in every report. */
export const DETERMINISTIC_ONLY =
  'The baseline holds only deterministic variants (offline reference, replays): it gates no variant that calls a model.';

/** Compares what the run called with what the baseline holds. */
export function coverage(
  table: TrialTable,
  run: TallyTable,
  baseline: Baseline | undefined,
  acceptNew: boolean,
): Coverage {
  const failures: GateFailure[] = [];
  const accepted = new Map<string, Map<string, NewBecause>>();
  const accept = (variant: string, evaluator: string, because: NewBecause) => {
    const evaluators = accepted.get(variant) ?? new Map<string, NewBecause>();
    if (!evaluators.has(evaluator)) evaluators.set(evaluator, because);
    accepted.set(variant, evaluators);
  };
  const acceptRows = (variant: string, keys: readonly string[]) => {
    const rows = new Set(keys);
    for (const t of table.trials)
      if (t.variant === variant && rows.has(t.row.key)) accept(variant, t.evaluator, 'rows');
  };
  const deterministicRun = deterministicVariants(table);
  const deterministicBaseline = new Set(baseline?.deterministic ?? []);
  const baselineVariants = Object.keys(baseline?.variants ?? {});
  const offlineOnly =
    baseline !== undefined &&
    baselineVariants.length > 0 &&
    baselineVariants.every((v) => deterministicBaseline.has(v));
  const notes = offlineOnly ? [DETERMINISTIC_ONLY] : [];

  const calledRows = new Map<string, Map<string, RowRef>>();
  // A run's attempts come variant by variant, or nearly: each variant's map is looked up when the variant changes.
  let variantOf: string | undefined;
  let rowsOf = new Map<string, RowRef>();
  for (const a of table.attempts) {
    if (a.variant !== variantOf) {
      variantOf = a.variant;
      let rows = calledRows.get(variantOf);
      if (!rows) calledRows.set(variantOf, (rows = new Map()));
      rowsOf = rows;
    }
    if (!rowsOf.has(a.row.key)) rowsOf.set(a.row.key, a.row);
  }
  const where = (row: RowRef | undefined): Location | undefined =>
    row?.file && row.line !== undefined ? { file: row.file, line: row.line } : undefined;
  const variants = [...new Set([...calledRows.keys(), ...run.keys()])];

  for (const variant of variants) {
    const evaluators = run.get(variant) ?? new Map();
    const called = calledRows.get(variant) ?? new Map<string, RowRef>();
    const expected = baseline?.variants[variant];
    if (!expected) {
      if (acceptNew) {
        for (const evaluator of evaluators.keys()) accept(variant, evaluator, 'variant');
        continue;
      }
      failures.push({
        kind: 'new-variant',
        variant,
        message:
          `"${variant}" is not in the baseline, so nothing it does can be compared with it` +
          (offlineOnly && !deterministicRun.has(variant)
            ? ' (the baseline holds only the offline reference and replays, and this variant calls a model)'
            : '') +
          ': build a baseline from a run of it (promptfile baseline), or accept it as new with --accept-new (it must then meet its floors).',
      });
      continue;
    }
    if (deterministicBaseline.has(variant) && !deterministicRun.has(variant))
      failures.push({
        kind: 'kind-changed',
        variant,
        message:
          `"${variant}" was deterministic in the baseline (the offline reference or a replay) but calls a model in this run: ` +
          'its baseline cannot gate a model; build one from a run of the model.',
      });

    // A baseline's evaluators have rows only where its row verdicts do (baseline.ts checks it when reading), so
    // the evaluators' rows are read only when there are no row verdicts: they are millions of keys in a large run.
    const verdictRows = baseline?.rowVerdicts?.[variant]?.rows;
    let baselineRows: string[];
    let inBaseline: (row: string) => boolean;
    if (verdictRows) {
      baselineRows = Object.keys(verdictRows);
      inBaseline = (row) => Object.hasOwn(verdictRows, row);
    } else {
      const rows = new Set<string>();
      for (const entry of Object.values(expected)) for (const row of Object.keys(entry.rows)) rows.add(row);
      baselineRows = [...rows];
      inBaseline = (row) => rows.has(row);
    }
    let missing = naturalSort(baselineRows.filter((row) => !called.has(row)));
    // New rows in the order people read them: by file and line.
    let added = naturalSortBy(
      [...called.keys()].filter((row) => !inBaseline(row)),
      (row) => called.get(row)?.label ?? row,
    );
    // A new row where a missing one sat is that row, changed (values or evaluators): say so, not "missing" + "new".
    const missingAt = new Map(
      missing.flatMap((row) => {
        const slot = baseline?.slots?.[row];
        return slot === undefined ? [] : [[slot, row] as const];
      }),
    );
    const changed = added.filter((row) => {
      const slot = called.get(row)?.slot;
      return slot !== undefined && missingAt.has(slot);
    });
    if (changed.length > 0) {
      const was = new Set(changed.map((row) => missingAt.get(called.get(row)?.slot as string)));
      missing = missing.filter((row) => !was.has(row));
      added = added.filter((row) => !changed.includes(row));
      if (acceptNew) acceptRows(variant, changed);
      else {
        const labels = changed.map((row) => called.get(row)?.label ?? row);
        failures.push({
          kind: 'changed-rows',
          variant,
          rows: changed,
          message:
            (changed.length === 1
              ? `Row ${labels[0]} of "${variant}" changed: no baseline for it (its values or evaluators differ from the row the baseline has there). `
              : `${changed.length} rows of "${variant}" changed, no baseline for them (their values or evaluators differ from the rows the baseline has there): ${listKeys(labels)}. `) +
            'Rebuild the baseline, or accept them with --accept-new (they must then meet floors).',
          ...(where(called.get(changed[0] as string)) && {
            location: where(called.get(changed[0] as string)),
          }),
        });
      }
    }
    if (missing.length > 0)
      failures.push({
        kind: 'missing-rows',
        variant,
        rows: missing,
        message:
          `The baseline has ${rowCount(missing.length)} of "${variant}" that this run did not call: ${listKeys(missing.map((row) => placed(row, baseline?.slots?.[row])))}. ` +
          'Run them (every shard of the run), or rebuild the baseline if they were dropped on purpose.',
      });
    if (added.length > 0) {
      if (acceptNew) acceptRows(variant, added);
      else {
        const at = where(called.get(added[0] as string));
        failures.push({
          kind: 'new-rows',
          variant,
          rows: added,
          message:
            `This run has ${rowCount(added.length)} of "${variant}" that the baseline does not have: ${listKeys(added.map((row) => called.get(row)?.label ?? row))}; ` +
            'nothing shows how they did before. Rebuild the baseline, or accept them with --accept-new (they must then meet floors).',
          ...(at && { location: at }),
        });
      }
    }

    for (const [evaluator, tally] of evaluators) {
      const entry = expected[evaluator];
      if (!entry) {
        if (acceptNew) accept(variant, evaluator, 'evaluator');
        else
          failures.push({
            kind: 'new-evaluator',
            variant,
            evaluator,
            message:
              `"${evaluator}" of "${variant}" is not in the baseline, so nothing shows how it did before: ` +
              'rebuild the baseline, or accept it as new with --accept-new (it must then meet its floors).',
          });
        continue;
      }
      const lacking = naturalSort(
        Object.keys(entry.rows).filter((row) => called.has(row) && !tally.rows.has(row)),
      );
      if (lacking.length > 0)
        failures.push({
          kind: 'missing-evaluator',
          variant,
          evaluator,
          message: `The baseline has "${evaluator}" for ${variant} on ${rowCount(lacking.length)} where this run did not grade it: ${listKeys(lacking)}.`,
        });
    }
  }
  return { failures, accepted, notes, called: calledRows, deterministic: deterministicRun };
}

/** Variants every one of whose calls came from a deterministic provider (offline reference, replay). */
export function deterministicVariants(table: TrialTable): Set<string> {
  const variants = new Map<string, boolean>();
  for (const a of table.attempts)
    variants.set(a.variant, (variants.get(a.variant) ?? true) && a.deterministic === true);
  return new Set([...variants].filter(([, d]) => d).map(([v]) => v));
}

/** A row key with where the baseline saw it, for people: `prompts/x.prompt.yml#2 (greeter#3f9a0c1b2d4e)`. */
function placed(key: string, slot: string | undefined): string {
  return slot === undefined || slot === key ? key : `${slot} (${key})`;
}

function rowCount(n: number): string {
  return `${n} row${n === 1 ? '' : 's'}`;
}
