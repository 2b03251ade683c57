/**
 * The gate: may this run merge? A typed verdict, pure; renderers live in src/report.
 *
 * It passes only when all of these hold, and fails closed otherwise:
 * - the run has graded trials at all;
 * - no variant's calls errored above `maxErrorRate` (default 0: an error is a failure to measure, not a pass);
 * - every variant and evaluator in the baseline is present in the run with graded trials;
 * - no evaluator of any variant is significantly worse than the baseline: one-sided exact test stratified by row
 *   (see stats/regression.ts for why this test), Holm-corrected across every (variant, evaluator) tested;
 * - every floor holds on the Wilson 95% lower bound, i.e. the pass rate is at least the floor with 95% confidence,
 *   and every floor names an evaluator the run has (a typo must not silently disable a floor).
 */
import { UserError } from '../promptfile/errors';
import { Trial, TrialTable } from '../results/trial';
import { Counts } from '../stats/fisher';
import { holm } from '../stats/holm';
import { RegressionTest, worseThanBaseline } from '../stats/regression';
import { formatCount, formatInterval, formatP, formatRate } from '../report/format';
import { Baseline } from './baseline';
import { Rate, rateOf } from './compare';
import { Tally, tallyTrials } from './tally';

/** What the gate enforces. */
export interface GateOptions {
  /** Family-wise significance level for "worse than the baseline"; default 0.05. */
  alpha?: number;
  /** Floor on the Wilson lower bound for every evaluator without its own floor, in [0, 1]. */
  floor?: number;
  /** Floors per evaluator name, e.g. `{ "Refusal JSON": 0.9 }`. */
  floors?: Record<string, number>;
  /** Largest tolerated share of errored calls per variant, in [0, 1]; default 0. */
  maxErrorRate?: number;
}

/** A place in a prompt file, for annotations. */
export interface Location {
  file: string;
  line: number;
}

/** One variant x evaluator, as judged. */
export interface GateCheck {
  variant: string;
  evaluator: string;
  /** Baseline total, when the baseline has this pair. */
  before?: Tally;
  /** This run's counts and rate; undefined when the run lacks the pair. */
  after?: Rate;
  /** The regression test, when both sides have graded trials. */
  regression?: RegressionTest & { pAdjusted: number };
  /** The floor that applies, if any. */
  floor?: number;
  regressed: boolean;
  belowFloor: boolean;
  /** In the baseline, but not measured in this run. */
  missing: boolean;
  location?: Location;
}

/** Why the gate failed; `message` is one sentence naming what and where. */
export type GateFailure = { message: string; location?: Location } & (
  | { kind: 'no-trials' }
  | { kind: 'errors'; variant: string; errors: number; attempts: number }
  | { kind: 'missing-variant'; variant: string }
  | { kind: 'missing-evaluator'; variant: string; evaluator: string }
  | { kind: 'regression'; variant: string; evaluator: string; before: Counts; after: Counts; p: number }
  | { kind: 'floor'; variant: string; evaluator: string; floor: number; lower: number }
  | { kind: 'unknown-floor'; evaluator: string }
);

/** The gate's decision with everything that led to it. */
export interface GateVerdict {
  pass: boolean;
  /** One line: what was decided and why. */
  summary: string;
  alpha: number;
  maxErrorRate: number;
  hasBaseline: boolean;
  variants: string[];
  checks: GateCheck[];
  failures: GateFailure[];
}

/** Decides whether `table` passes against `baseline` (or floors alone, when there is no baseline yet). */
export function gate(
  table: TrialTable,
  baseline: Baseline | undefined,
  options: GateOptions = {},
): GateVerdict {
  const { alpha, floor, floors, maxErrorRate } = validOptions(options);
  const failures: GateFailure[] = [];
  const run = tallyTrials(table.trials);
  const locate = locator(table.trials);

  const graded = table.trials.filter((t) => t.outcome !== 'error').length;
  if (graded === 0) {
    const detail =
      table.trials.length === 0 ? 'no trials' : `no graded trials (all ${table.trials.length} errored)`;
    failures.push({
      kind: 'no-trials',
      message: `The run has ${detail}, so nothing was measured and nothing can pass.`,
    });
  }

  const variants = [...new Set([...table.attempts.map((a) => a.variant), ...run.keys()])];
  for (const variant of variants) {
    const attempts = table.attempts.filter((a) => a.variant === variant);
    const errored = attempts.filter((a) => a.outcome === 'error');
    if (attempts.length === 0 || errored.length / attempts.length <= maxErrorRate) continue;
    const first = errored[0];
    const where =
      first?.row.line !== undefined && first.row.file
        ? { file: first.row.file, line: first.row.line }
        : undefined;
    failures.push({
      kind: 'errors',
      variant,
      errors: errored.length,
      attempts: attempts.length,
      message:
        `${variant} errored on ${errored.length} of ${attempts.length} calls (${formatRate(errored.length / attempts.length)}), ` +
        `more than the ${formatRate(maxErrorRate)} allowed; first at ${first?.row.label}: ${oneLine(first?.error ?? 'error')}`,
      ...(where && { location: where }),
    });
  }

  const byPair = new Map<string, GateCheck>();
  const checkFor = (variant: string, evaluator: string): GateCheck => {
    const key = `${variant}\u0000${evaluator}`;
    let check = byPair.get(key);
    if (!check) {
      const location = locate(variant, evaluator);
      check = {
        variant,
        evaluator,
        regressed: false,
        belowFloor: false,
        missing: false,
        ...(location && { location }),
      };
      byPair.set(key, check);
    }
    return check;
  };
  for (const [variant, evaluators] of run) {
    for (const [evaluator, tally] of evaluators) checkFor(variant, evaluator).after = rateOf(tally.total);
  }

  for (const [variant, evaluators] of Object.entries(baseline?.variants ?? {})) {
    if (!run.has(variant)) {
      failures.push({
        kind: 'missing-variant',
        variant,
        message: `The baseline has variant "${variant}" but this run does not; run it, or rebuild the baseline if it was dropped on purpose.`,
      });
    }
    for (const [evaluator, entry] of Object.entries(evaluators)) {
      const check = checkFor(variant, evaluator);
      check.before = entry.total;
      if (!run.has(variant)) {
        check.missing = true;
        continue;
      }
      if ((check.after?.trials ?? 0) === 0) {
        check.missing = true;
        const why = check.after ? `only errors (${check.after.errors})` : 'no trial';
        failures.push({
          kind: 'missing-evaluator',
          variant,
          evaluator,
          message: `The baseline has "${evaluator}" for ${variant}, but this run has ${why} of it.`,
          ...(check.location && { location: check.location }),
        });
      }
    }
  }

  const checks = [...byPair.values()];
  const tested = checks.filter((c) => (c.before?.trials ?? 0) > 0 && (c.after?.trials ?? 0) > 0);
  const tests = tested.map((c) => {
    const before = baseline?.variants[c.variant]?.[c.evaluator]?.rows ?? {};
    const after = run.get(c.variant)?.get(c.evaluator)?.rows ?? new Map<string, Tally>();
    return worseThanBaseline(new Map(Object.entries(before)), after);
  });
  const adjusted = holm(tests.map((t) => t.p));
  tested.forEach((check, i) => {
    const test = tests[i] as RegressionTest;
    const pAdjusted = adjusted[i] ?? 1;
    check.regression = { ...test, pAdjusted };
    if (pAdjusted > alpha) return;
    check.regressed = true;
    failures.push({
      kind: 'regression',
      variant: check.variant,
      evaluator: check.evaluator,
      before: test.before,
      after: test.after,
      p: pAdjusted,
      message:
        `"${check.evaluator}" regressed for ${check.variant}: ${describe(test.before)} in the baseline, ${describe(test.after)} now ` +
        `(one-sided exact test${test.method === 'stratified' ? ` over ${test.rows} shared row${test.rows === 1 ? '' : 's'}` : ''}, ` +
        `Holm-adjusted ${formatP(pAdjusted)}, alpha ${alpha}).`,
      ...(check.location && { location: check.location }),
    });
  });

  const runEvaluators = new Set(checks.filter((c) => c.after).map((c) => c.evaluator));
  for (const evaluator of Object.keys(floors)) {
    if (runEvaluators.has(evaluator)) continue;
    failures.push({
      kind: 'unknown-floor',
      evaluator,
      message: `A floor is set for "${evaluator}", but no variant in this run has that evaluator; check its spelling.`,
    });
  }
  for (const check of checks) {
    const applies = floors[check.evaluator] ?? floor;
    if (applies === undefined || !check.after || check.after.trials === 0) continue;
    check.floor = applies;
    if (check.after.interval.low >= applies) continue;
    check.belowFloor = true;
    failures.push({
      kind: 'floor',
      variant: check.variant,
      evaluator: check.evaluator,
      floor: applies,
      lower: check.after.interval.low,
      message:
        `"${check.evaluator}" for ${check.variant} is not shown to reach its floor of ${formatRate(applies)}: ` +
        `${describe(check.after)}, 95% interval ${formatInterval(check.after.interval.low, check.after.interval.high)}.`,
      ...(check.location && { location: check.location }),
    });
  }

  const pass = failures.length === 0;
  return {
    pass,
    summary: summarise(pass, failures, checks, variants, alpha),
    alpha,
    maxErrorRate,
    hasBaseline: baseline !== undefined,
    variants: [...new Set([...variants, ...Object.keys(baseline?.variants ?? {})])],
    checks,
    failures,
  };
}

function validOptions(options: GateOptions): Required<Omit<GateOptions, 'floor'>> & { floor?: number } {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1))
    throw new UserError(`The gate's alpha must be between 0 and 1 (exclusive), got ${alpha}.`);
  const maxErrorRate = options.maxErrorRate ?? 0;
  if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
    throw new UserError(`The gate's maximum error rate must be between 0 and 1, got ${maxErrorRate}.`);
  }
  const floors = options.floors ?? {};
  for (const [name, value] of Object.entries({
    ...(options.floor !== undefined && { '(global)': options.floor }),
    ...floors,
  })) {
    if (!(typeof value === 'number' && value >= 0 && value <= 1)) {
      throw new UserError(
        `The floor for ${name} must be a pass rate between 0 and 1, got ${JSON.stringify(value)}.`,
      );
    }
  }
  return { alpha, maxErrorRate, floors, ...(options.floor !== undefined && { floor: options.floor }) };
}

/**
 * Where to point an annotation for (variant, evaluator): the evaluator's line in the prompt file when any trial
 * knows it, else the row of this variant where that evaluator failed or errored most (else its first row).
 */
function locator(trials: readonly Trial[]): (variant: string, evaluator: string) => Location | undefined {
  const evaluatorLines = new Map<string, Location>();
  for (const t of trials) {
    if (t.evaluatorLine !== undefined && t.row.file && !evaluatorLines.has(t.evaluator)) {
      evaluatorLines.set(t.evaluator, { file: t.row.file, line: t.evaluatorLine });
    }
  }
  return (variant, evaluator) => {
    const known = evaluatorLines.get(evaluator);
    if (known) return known;
    const misses = new Map<string, { trial: Trial; count: number }>();
    for (const t of trials) {
      if (t.variant !== variant || t.evaluator !== evaluator || t.row.line === undefined || !t.row.file)
        continue;
      const m = misses.get(t.row.key) ?? { trial: t, count: 0 };
      if (t.outcome !== 'pass') m.count++;
      misses.set(t.row.key, m);
    }
    const worst = [...misses.values()].sort((a, b) => b.count - a.count)[0]?.trial;
    return worst?.row.file && worst.row.line !== undefined
      ? { file: worst.row.file, line: worst.row.line }
      : undefined;
  };
}

function describe(c: Counts): string {
  return `${formatCount(c.passes, c.trials)} (${formatRate(c.trials > 0 ? c.passes / c.trials : null)})`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

function summarise(
  pass: boolean,
  failures: GateFailure[],
  checks: GateCheck[],
  variants: string[],
  alpha: number,
): string {
  // Checks include the baseline's variants, which an empty or partial run may lack: count those too.
  const checked = new Set([...variants, ...checks.map((c) => c.variant)]).size;
  const scope = `${checks.length} check${checks.length === 1 ? '' : 's'} across ${checked} variant${checked === 1 ? '' : 's'}`;
  if (pass)
    return `Gate passed: ${scope}; nothing worse than the baseline at alpha ${alpha}, every floor holds, no errors above the limit.`;
  const kinds = new Map<string, number>();
  for (const f of failures) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const parts = [...kinds].map(([kind, n]) => `${n} ${KIND_NAMES[kind as GateFailure['kind']]}`);
  return `Gate failed: ${parts.join(', ')} (${scope}).`;
}

const KIND_NAMES: Record<GateFailure['kind'], string> = {
  'no-trials': 'empty run',
  errors: 'variant(s) with errors',
  'missing-variant': 'missing variant(s)',
  'missing-evaluator': 'missing evaluator(s)',
  regression: 'regression(s)',
  floor: 'floor(s) not reached',
  'unknown-floor': 'floor(s) for unknown evaluators',
};
