/**
 * Why a gate fails: one value per problem, each with a sentence that names what and where. Shared by the checks that
 * find them (gate.ts, coverage.ts, lowered.ts) and the renderers in src/report.
 */
import { Counts } from '../stats/fisher';
import { Tally } from '../results/tally';

/** The name a variant's row verdict goes by in checks, reports and baseline changes. */
export const ROW_VERDICT = '(row verdict: every evaluator passes)';

/** A place in a prompt file, for annotations. */
export interface Location {
  file: string;
  line: number;
}

/** Why the gate failed; `message` is one sentence naming what and where. */
export type GateFailure = { message: string; location?: Location } & (
  | { kind: 'no-trials' }
  | { kind: 'errors'; variant: string; errors: number; attempts: number }
  | { kind: 'missing-variant'; variant: string }
  | { kind: 'missing-evaluator'; variant: string; evaluator: string }
  | { kind: 'missing-rows'; variant: string; rows: string[] }
  | { kind: 'new-variant'; variant: string }
  | { kind: 'new-evaluator'; variant: string; evaluator: string }
  | { kind: 'new-rows'; variant: string; rows: string[] }
  | { kind: 'changed-rows'; variant: string; rows: string[] }
  | { kind: 'unfloored'; variant: string; evaluator: string }
  | { kind: 'kind-changed'; variant: string }
  | { kind: 'shards' }
  | { kind: 'sequential'; variant?: string }
  | { kind: 'lowered'; variant: string; evaluator: string; before?: Tally; after?: Tally }
  | { kind: 'regression'; variant: string; evaluator: string; before: Counts; after: Counts; p: number }
  | { kind: 'changed'; variant: string; evaluator: string; row: string }
  | { kind: 'underpowered'; variant: string; evaluator: string; detectableDrop: number | null; max: number }
  | { kind: 'floor'; variant: string; evaluator: string; floor: number; lower: number; upper: number }
  | { kind: 'unknown-floor'; evaluator: string }
);

/** How each kind is counted in the gate's one-line summary. */
export const KIND_NAMES: Record<GateFailure['kind'], string> = {
  'no-trials': 'empty run',
  errors: 'variant(s) with errors',
  'missing-variant': 'missing variant(s)',
  'missing-evaluator': 'missing evaluator(s)',
  'missing-rows': 'variant(s) with missing rows',
  'new-variant': 'variant(s) with no baseline',
  'new-evaluator': 'evaluator(s) with no baseline',
  'new-rows': 'variant(s) with rows the baseline lacks',
  'changed-rows': 'variant(s) with changed rows',
  unfloored: 'new evaluator(s) with no floor',
  'kind-changed': 'variant(s) no longer deterministic',
  shards: 'shard problem(s)',
  sequential: 'sequential run problem(s)',
  lowered: 'lowered expectation(s)',
  regression: 'regression(s)',
  changed: 'deterministic change(s)',
  underpowered: 'underpowered check(s)',
  floor: 'floor(s) not reached',
  'unknown-floor': 'floor(s) for unknown evaluators',
};

/** Up to `max` keys, then how many more: lists in messages stay one readable line. */
export function listKeys(keys: readonly string[], max = 10): string {
  const shown = keys.slice(0, max).join(', ');
  return keys.length > max ? `${shown} and ${keys.length - max} more` : shown;
}
