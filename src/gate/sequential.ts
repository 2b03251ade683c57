/**
 * A variant's looks, recomputed from its calls: what `eval --until-decided` decided after each look, and what the
 * gate decides again from the same calls (it never takes eval's word for it). See stats/sequential.ts for the
 * design and why it keeps the false-alarm rate at alpha.
 */
import type { Attempt } from '../results/trial';
import type { Tally } from '../results/tally';
import type { Counts } from '../stats/fisher';
import { decideLook, type LookTest, type SequentialDesign } from '../stats/sequential';

/** The looks a variant went through. */
export interface VariantLooks {
  variant: string;
  /** The last look its calls reach (1-based); 0 when they reach none. */
  look: number;
  /** Repeats per row at that look. */
  repeats: number;
  /** The decision of every look up to `look`, in order; the first `regressed` ends them. */
  tests: LookTest[];
  /** The look that decided (`tests.length`): earlier than `look` when a regression showed before the calls ended. */
  decidedAt: number;
  /** The variant's verdict: regressed at some look, fine (ruled out a drop, or the last look passed), or open. */
  decision: LookTest['decision'];
  /** Why its calls do not fit the design (rows with different numbers of repeats, or not a look's number). */
  problem?: string;
}

/**
 * Replays the design on `attempts` (one variant's calls) against the baseline's row verdicts for it, tested
 * alongside `variants` variants in all. Only rows the baseline has enter the tests, as in the fixed gate.
 */
export function replayLooks(
  variant: string,
  attempts: readonly Attempt[],
  baselineRows: Readonly<Record<string, Tally>>,
  design: SequentialDesign,
  variants: number,
): VariantLooks {
  const byRow = new Map<string, Attempt[]>();
  for (const a of attempts) {
    if (a.variant !== variant) continue;
    byRow.set(a.row.key, [...(byRow.get(a.row.key) ?? []), a]);
  }
  const sizes = new Set([...byRow.values()].map((calls) => calls.length));
  const repeats = sizes.size === 1 ? ([...sizes][0] as number) : -1;
  const look = design.looks.indexOf(repeats) + 1;
  const open = (problem: string): VariantLooks => ({
    variant,
    look: 0,
    repeats: Math.max(0, repeats),
    tests: [],
    decidedAt: 0,
    decision: 'continue',
    problem,
  });
  if (repeats < 0)
    return open(
      `${variant} has different numbers of calls on its rows (${[...sizes].sort((a, b) => a - b).join(', ')}), which no look of the design gives`,
    );
  if (look === 0)
    return open(
      `${variant} has ${repeats} call${repeats === 1 ? '' : 's'} per row, which is not a look of the design (${design.looks.join(', ')})`,
    );

  const shared = [...byRow.keys()].filter((row) => (baselineRows[row]?.trials ?? 0) > 0);
  const tests: LookTest[] = [];
  for (let k = 1; k <= look; k++) {
    const n = design.looks[k - 1] as number;
    const strata = shared.map((row) => ({
      a: counts(baselineRows[row] as Tally),
      b: graded((byRow.get(row) ?? []).filter((a) => a.repeat < n)),
    }));
    const test = decideLook(design, k, variants, strata);
    tests.push(test);
    if (test.decision === 'regressed') break;
  }
  const last = tests[tests.length - 1];
  return { variant, look, repeats, tests, decidedAt: tests.length, decision: last?.decision ?? 'continue' };
}

function counts(t: Tally): Counts {
  return { passes: t.passes, trials: t.trials };
}

/** Passes among the graded calls (errors measured nothing; the gate fails on them separately). */
function graded(calls: readonly Attempt[]): Counts {
  let passes = 0;
  let trials = 0;
  for (const c of calls) {
    if (c.outcome === 'error') continue;
    trials++;
    if (c.outcome === 'pass') passes++;
  }
  return { passes, trials };
}
