/**
 * The gate: may this run merge? A typed verdict, pure; renderers live in src/report.
 *
 * It passes only when all of these hold, and fails closed otherwise:
 * - the results are one whole run: every shard present once, all of one run (results/manifest.ts);
 * - the baseline it judges by is the base branch's: a proposed baseline (`baseline` with `previousBaseline`) that
 *   lowers an expectation fails unless accepted (`acceptLowered`), and is not used until it is (lowered.ts);
 * - the run has graded trials at all; no call ended without output or grading (promptfoo/parseResults.ts makes those errors);
 * - the run covers the baseline and the baseline covers the run: no baseline row, evaluator or variant missing, no
 *   variant, evaluator or row without a baseline unless accepted as new (`acceptNew`, implied without a baseline),
 *   and then under a floor (coverage.ts);
 * - no variant's calls errored above `maxErrorRate` (default 0: an error is a failure to measure, not a pass);
 * - every variant and evaluator in the baseline is present in the run with graded trials;
 * - no variant is significantly worse than the baseline. The primary endpoint is the row verdict (a call passes when
 *   every evaluator of its row passes), one per variant, tested at full alpha with Holm across variants: one-sided
 *   exact test stratified by row (see stats/regression.ts for why this test). Each evaluator is a secondary endpoint,
 *   tested (Holm within its variant, at alpha) only once its variant's primary is rejected: serial gatekeeping, so
 *   ten evaluators do not divide alpha by ten, and the family-wise error rate stays at most alpha (the gate can fail
 *   on a regression only when a primary is rejected, and Holm holds the primaries to alpha). A baseline without row
 *   verdicts (written before they existed) makes each of that variant's evaluators a primary instead;
 * - the gate can see: every primary's minimal detectable drop (80% power at its Holm first-step level, simulated
 *   with the test itself, stats/power.ts) is at most `maxDetectableDrop`, or the data rule such a drop out (the
 *   one-sided 95% upper bound of the drop, stats/difference.ts, is below it); an underpowered gate that can do
 *   neither would pass anything;
 * - deterministic variants (the offline reference, cassette replays; their repeats add no information) are compared
 *   row by row instead: an evaluator that passed every call of a row in the baseline must pass it now;
 * - every floor holds: the Wilson 95% upper bound is not below it (the evidence does not say the rate is lower), or
 *   with `proveFloors` the lower bound is not below it (the rate is shown to reach it); and every floor names an
 *   evaluator the run has (a typo must not silently disable a floor).
 */
import { UserError } from '../errors/diagnostics';
import { shardProblems } from '../results/manifest';
import { eachVerdict, RowRef, Trials, TrialTable } from '../results/trial';
import { controlCharacter } from '../format/visible';
import { atLevel } from '../stats/alternative';
import { Counts } from '../stats/fisher';
import { holm } from '../stats/holm';
import { dropUpperBound } from '../stats/difference';
import { detectableDrop, TARGET_POWER } from '../stats/power';
import { RegressionTest, regressionOn, type Stratum } from '../stats/regression';
import { formatCount, formatInterval, formatLevel, formatP, formatRate } from '../format/numbers';
import { Baseline } from './baseline';
import { Rate, rateOf } from '../compare/compare';
import { coverage } from './coverage';
import { GateFailure, KIND_NAMES, listKeys, Location, ROW_VERDICT } from './failure';
import { BaselineChange, baselineChanges } from './lowered';
import { EvaluatorTally, Tally, TallyTable, tallyAttempts, tallyTrials } from '../results/tally';
import { alphaAt, designProblem, type SequentialDesign } from '../stats/sequential';
import { replayLooks, type VariantLooks } from './sequential';

export { ROW_VERDICT } from './failure';
export type { GateFailure, Location } from './failure';
export type { BaselineChange } from './lowered';

/** What the gate enforces. */
export interface GateOptions {
  /** Family-wise significance level for "worse than the baseline"; default 0.05. */
  alpha?: number;
  /** Floor for every evaluator without its own floor, in [0, 1] (see `proveFloors` for how it is checked). */
  floor?: number;
  /** Floors per evaluator name, e.g. `{ "Refusal JSON": 0.9 }`. */
  floors?: Record<string, number>;
  /**
   * How floors are checked. Default (false): a floor fails when the evidence says the rate is below it, i.e. the
   * Wilson 95% upper bound is below the floor; a true rate at the floor passes about 97.5% of the time. true ("prove
   * at least"): the Wilson 95% lower bound must reach the floor, so the rate is shown to be at least the floor; that
   * needs many trials (0.95 needs 73 perfect ones).
   */
  proveFloors?: boolean;
  /** Largest tolerated share of errored calls per variant, in [0, 1]; default 0. */
  maxErrorRate?: number;
  /**
   * Accept variants, evaluators and rows the baseline does not have (default false: they fail the gate). Accepted,
   * each evaluator involved must meet a floor (`floor` or `floors`). Gating without a baseline implies it.
   */
  acceptNew?: boolean;
  /**
   * The baseline as the base branch has it, when `baseline` is a pull request's proposal. Expectations the proposal
   * lowers or drops fail the gate, and the run is judged by this one, unless `acceptLowered`.
   */
  previousBaseline?: Baseline;
  /** A reviewer accepted the proposed baseline's lowered expectations: judge the run by the proposal. */
  acceptLowered?: boolean;
  /** The number of shards the run must have (`gate --shards N`); the shards' manifests say it otherwise. */
  shards?: number;
  /**
   * The largest minimal detectable drop (absolute pass rate, 80% power) a primary endpoint may have, in (0, 1];
   * default 0.15, the drop `promptfile plan` sizes runs for. 1 turns the requirement off.
   */
  maxDetectableDrop?: number;
  /**
   * Compute each check's minimal detectable drop (default true). Simulations of the gate itself turn it off: the
   * figure is a function of the sizes alone, which they fix.
   */
  sizeChecks?: boolean;
}

/** The drop a gate must be able to see by default: 15 points of pass rate (see GateOptions.maxDetectableDrop). */
export const DEFAULT_MAX_DETECTABLE_DROP = 0.15;

/** One variant x evaluator, as judged. */
export interface GateCheck {
  variant: string;
  /** The evaluator's name; ROW_VERDICT for a primary row-verdict check. */
  evaluator: string;
  /** primary: in the family held to alpha; secondary: tested only once its variant's primary is rejected. */
  role: 'primary' | 'secondary';
  /** The variant's calls are deterministic: compared row by row, not tested. */
  deterministic?: boolean;
  /**
   * The smallest drop in pass rate this check detects with 80% power at the level it is tested at (primaries), or
   * at its variant's primary level (secondaries); null when no drop at all can be shown. Absent when not tested.
   */
  detectableDrop?: number | null;
  /**
   * One-sided 95% upper bound of how far the run falls below the baseline (Newcombe's method, shared rows pooled):
   * what the data rule out. Set alongside detectableDrop.
   */
  dropBound?: number;
  /** A primary that can neither see a drop of the gate's maximum nor rule one out. */
  underpowered?: boolean;
  /** A primary of a sequential run (`eval --until-decided`): its looks, as the gate recomputed them. */
  looks?: VariantLooks;
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
  /** Measured in this run, not in the baseline: accepted as new (then held to floors), or refused. */
  withoutBaseline?: 'accepted' | 'refused';
  location?: Location;
}

/** The gate's decision with everything that led to it. */
export interface GateVerdict {
  pass: boolean;
  /** One line: what was decided and why. */
  summary: string;
  alpha: number;
  maxErrorRate: number;
  hasBaseline: boolean;
  /** The sequential design the run followed (`eval --until-decided`), as its manifest records it. */
  sequential?: SequentialDesign;
  /** How floors were checked: `evidence` (upper bound below the floor fails) or `prove` (lower bound must reach it). */
  floorMode: 'evidence' | 'prove';
  /** Sentences about the baseline every report shows (e.g. that it gates no model). */
  notes: string[];
  /** What the proposed baseline changes against `previousBaseline`, and whether that was accepted. */
  baselineChanges: BaselineChange[];
  baselineChangesAccepted: boolean;
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
  const { alpha, floor, floors, maxErrorRate, maxDetectableDrop, sizeChecks, proveFloors, acceptLowered } =
    validOptions(options);
  const failures: GateFailure[] = [];
  for (const message of shardProblems(table.shards ?? [], options.shards))
    failures.push({ kind: 'shards', message });

  // A proposed baseline judges the run only once a reviewer accepts what it lowers; until then the previous one does.
  const changes =
    options.previousBaseline && baseline ? baselineChanges(options.previousBaseline, baseline) : [];
  if (options.previousBaseline && baseline && !acceptLowered) {
    for (const change of changes) {
      const failure = loweredFailure(change);
      if (failure) failures.push(failure);
    }
    baseline = options.previousBaseline;
  }

  const run = tallyTrials(table.trials);
  const covered = coverage(table, run, baseline, options.acceptNew === true || baseline === undefined);
  const locate = locator(table.trials, run, covered.called);

  // Graded trials, from the counts just made rather than another pass over a million calls' verdicts.
  let graded = 0;
  for (const evaluators of run.values())
    for (const tally of evaluators.values()) graded += tally.total.trials;
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
        role: 'secondary',
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

  failures.push(...covered.failures);
  for (const check of byPair.values())
    if (!check.before && check.after)
      check.withoutBaseline = covered.accepted.get(check.variant)?.has(check.evaluator)
        ? 'accepted'
        : 'refused';

  const deterministic = covered.deterministic;
  const verdicts = tallyAttempts(table.attempts);
  const primaries: GateCheck[] = [];
  for (const [variant, entry] of Object.entries(baseline?.rowVerdicts ?? {})) {
    const after = verdicts.get(variant);
    if (deterministic.has(variant) || !after || after.total.trials === 0) continue;
    const location = worstRow(after, covered.called.get(variant));
    primaries.push({
      variant,
      evaluator: ROW_VERDICT,
      role: 'primary',
      before: entry.total,
      after: rateOf(after.total),
      regressed: false,
      belowFloor: false,
      missing: false,
      ...(location && { location }),
    });
  }
  const gatekept = new Set(primaries.map((c) => c.variant));
  const checks = [...primaries, ...byPair.values()];
  for (const check of checks) if (deterministic.has(check.variant)) check.deterministic = true;
  const testable = (c: GateCheck) =>
    !c.deterministic && (c.before?.trials ?? 0) > 0 && (c.after?.trials ?? 0) > 0;
  // Variants whose baseline has no row verdicts: each evaluator stands as a primary.
  for (const c of checks)
    if (c.role === 'secondary' && !gatekept.has(c.variant) && testable(c)) c.role = 'primary';

  // Each check's rows, made once and paired in one pass: a large run has hundreds of thousands of rows, and
  // several steps below read them.
  const rowsMade = new Map<GateCheck, CheckRows>();
  const rowsOf = (c: GateCheck): CheckRows => {
    let made = rowsMade.get(c);
    if (!made) {
      const primary = c.evaluator === ROW_VERDICT && c.role === 'primary';
      made = pairRows(
        new RecordMap(
          (primary ? baseline?.rowVerdicts?.[c.variant] : baseline?.variants[c.variant]?.[c.evaluator])
            ?.rows ?? {},
        ),
        (primary ? verdicts.get(c.variant) : run.get(c.variant)?.get(c.evaluator))?.rows ??
          new Map<string, Tally>(),
      );
      rowsMade.set(c, made);
    }
    return made;
  };
  const regressionFailure = (
    check: GateCheck,
    test: RegressionTest,
    pAdjusted: number,
    level: number = alpha,
  ): GateFailure => ({
    kind: 'regression',
    variant: check.variant,
    evaluator: check.evaluator,
    before: test.before,
    after: test.after,
    p: pAdjusted,
    message:
      `${check.evaluator === ROW_VERDICT ? 'The row verdict' : `"${check.evaluator}"`} regressed for ${check.variant}: ` +
      `${describe(test.before)} in the baseline, ${describe(test.after)} now ` +
      `(one-sided exact test${test.method === 'stratified' ? ` over ${test.rows} shared row${test.rows === 1 ? '' : 's'}` : ''}, ` +
      `Holm-adjusted ${formatP(pAdjusted)}, ${level === alpha ? `alpha ${alpha}` : `level ${formatLevel(level)}`}${check.role === 'secondary' ? ', after its row verdict regressed' : ''}).`,
    ...(check.location && { location: check.location }),
  });

  // The primary family: Holm at alpha; or, for a sequential run, each look at the alpha it spends (Bonferroni over
  // the variants), recomputed from the calls.
  const family = checks.filter((c) => c.role === 'primary' && testable(c));
  const design = sequentialDesignOf(table, failures);
  const sequential = design && {
    ...design,
    alpha,
    drop: Math.min(design.drop, maxDetectableDrop),
  };
  /** The level a variant's secondaries are tested at once its primary is rejected. */
  const secondaryLevel = new Map<string, number>();
  if (sequential) {
    for (const check of family) {
      const test = regressionOf(rowsOf(check));
      check.regression = { ...test, pAdjusted: test.p };
      const rows = check.evaluator === ROW_VERDICT ? baseline?.rowVerdicts?.[check.variant]?.rows : undefined;
      if (!rows) {
        failures.push({
          kind: 'sequential',
          variant: check.variant,
          message: `${check.variant} ran until decided, but the baseline has no row verdicts for it to decide by; rebuild the baseline with this version.`,
        });
        continue;
      }
      const looks = replayLooks(check.variant, table.attempts, rows, sequential, family.length);
      check.looks = looks;
      const at = looks.tests[looks.tests.length - 1];
      if (looks.problem) {
        failures.push({
          kind: 'sequential',
          variant: check.variant,
          message: `${looks.problem}; the gate cannot tell which looks were taken. Run eval --until-decided again.`,
        });
      } else if (looks.decision === 'regressed' && at) {
        check.regressed = true;
        secondaryLevel.set(check.variant, at.level);
        failures.push({
          ...regressionFailure(check, test, at.p),
          message:
            `The row verdict regressed for ${check.variant} at look ${looks.decidedAt} of ${sequential.looks.length} ` +
            `(${sequential.looks[looks.decidedAt - 1]} repeats per row): ${describe(test.before)} in the baseline, ${describe(test.after)} now ` +
            `(one-sided exact test over ${test.rows} shared row${test.rows === 1 ? '' : 's'}, ${formatP(at.p)}, at or below ` +
            `this look's level ${formatLevel(at.level)}, alpha ${alpha} spent over ${sequential.looks.length} looks).`,
        });
      } else if (looks.decision === 'continue' && at) {
        failures.push({
          kind: 'sequential',
          variant: check.variant,
          message:
            `${check.variant} stopped at look ${looks.look} of ${sequential.looks.length} (${looks.repeats} repeats per row) ` +
            `before its verdict was decided: regression ${formatP(at.p)}, above ${formatLevel(at.level)}, and a drop of ` +
            `${formatRate(sequential.drop)} not ruled out (${formatP(at.pFine)}, above ${formatLevel(at.levelFine)}). Run eval --until-decided to its end.`,
        });
      }
    }
  } else {
    const familyTests = family.map((c) => regressionOf(rowsOf(c)));
    const familyAdjusted = holm(familyTests.map((t) => t.p));
    family.forEach((check, i) => {
      const test = familyTests[i] as RegressionTest;
      const pAdjusted = familyAdjusted[i] ?? 1;
      check.regression = { ...test, pAdjusted };
      if (!atLevel(pAdjusted, alpha)) return;
      check.regressed = true;
      secondaryLevel.set(check.variant, alpha);
      failures.push(regressionFailure(check, test, pAdjusted));
    });
  }

  // Secondaries: Holm within the variant; they fail the gate only behind a rejected primary (serial gatekeeping).
  for (const variant of gatekept) {
    const secondaries = checks.filter((c) => c.variant === variant && c.role === 'secondary' && testable(c));
    const tests = secondaries.map((c) => regressionOf(rowsOf(c)));
    const adjusted = holm(tests.map((t) => t.p));
    const open = secondaryLevel.get(variant);
    secondaries.forEach((check, i) => {
      const test = tests[i] as RegressionTest;
      const pAdjusted = adjusted[i] ?? 1;
      check.regression = { ...test, pAdjusted };
      if (open === undefined || !atLevel(pAdjusted, open)) return;
      check.regressed = true;
      failures.push(regressionFailure(check, test, pAdjusted, open));
    });
  }

  // Deterministic variants: row by row.
  for (const check of checks) {
    if (!check.deterministic || check.role === 'primary') continue;
    const { before, after } = rowsOf(check);
    for (const [row, was] of before) {
      const now = after.get(row);
      if (!(was.trials > 0 && was.passes === was.trials) || !now || now.passes === now.trials) continue;
      check.regressed = true;
      failures.push({
        kind: 'changed',
        variant: check.variant,
        evaluator: check.evaluator,
        row,
        message:
          `"${check.evaluator}" passed ${row} on every call of ${check.variant} in the baseline and fails it now ` +
          `(${formatCount(now.passes, now.trials)}); the variant is deterministic, so any change is real.`,
        ...(check.location && { location: check.location }),
      });
    }
  }

  // Power: what drop each check can see; a primary that cannot see maxDetectableDrop fails the gate.
  const level =
    (sequential ? alphaAt(sequential, sequential.looks.length) : alpha) / Math.max(1, family.length);
  for (const check of sizeChecks ? checks : []) {
    if (!testable(check) || (check.role === 'secondary' && !gatekept.has(check.variant))) continue;
    const rows = rowsOf(check);
    const { before, after } = rows;
    check.detectableDrop =
      rows.sized.length > 0
        ? (detectableDrop(rows.sized, rows.repeats, level, TARGET_POWER, { simulations: 400 }) ?? null)
        : null;
    const bound = dropUpperBound(rows.shared.before, rows.shared.after);
    if (bound !== undefined) check.dropBound = bound;
    // Enough either way: the test could see the drop, or the data already rule it out (the run is shown to be at
    // most that much worse), so a regression of that size would not have passed unseen.
    const sees = check.detectableDrop !== null && check.detectableDrop <= maxDetectableDrop;
    // A sequential variant stopped early as fine has ruled the drop out by its own exact test.
    // One stopped as regressed saw its drop.
    const decided =
      (check.looks?.decision === 'fine' && check.looks.look < (sequential?.looks.length ?? 0)) ||
      check.looks?.decision === 'regressed';
    const rulesOut = decided || (bound !== undefined && bound < maxDetectableDrop);
    if (check.role !== 'primary' || maxDetectableDrop >= 1 || sees || rulesOut) continue;
    check.underpowered = true;
    failures.push({
      kind: 'underpowered',
      variant: check.variant,
      evaluator: check.evaluator,
      detectableDrop: check.detectableDrop,
      max: maxDetectableDrop,
      message:
        `The gate cannot see a drop of ${formatRate(maxDetectableDrop)} in ${check.evaluator === ROW_VERDICT ? 'the row verdict' : `"${check.evaluator}"`} ` +
        `for ${check.variant}: ${check.detectableDrop === null ? 'no drop at all is detectable' : `the smallest drop it detects with 80% power is ${formatRate(check.detectableDrop)}`} ` +
        `and the data do not rule one out (it could be ${bound === undefined ? 'anything' : `up to ${formatRate(Math.min(1, bound))}`}; ` +
        `${describe(sumCounts([...before.values()]))} in the baseline, ${describe(sumCounts([...after.values()]))} now). ` +
        'Run more repeats (promptfile plan says how many) or merge more runs into the baseline (promptfile baseline --merge).',
      ...(check.location && { location: check.location }),
    });
  }

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
    const because = covered.accepted.get(check.variant)?.get(check.evaluator);
    if (applies === undefined) {
      if (because !== undefined && (check.after?.trials ?? 0) > 0)
        failures.push({
          kind: 'unfloored',
          variant: check.variant,
          evaluator: check.evaluator,
          message:
            (because === 'variant'
              ? `"${check.variant}" is accepted as new, but no floor applies to "${check.evaluator}"`
              : `"${check.evaluator}" of "${check.variant}" is accepted without a baseline (${because === 'rows' ? 'on new rows' : 'a new evaluator'}), but no floor applies to it`) +
            ': with no baseline, a floor is all it can be held to; give --floor or --floors.',
          ...(check.location && { location: check.location }),
        });
      continue;
    }
    if (!check.after || check.after.trials === 0) continue;
    check.floor = applies;
    const { low, high } = check.after.interval;
    if (proveFloors ? !(low < applies) : !(high < applies)) continue;
    check.belowFloor = true;
    failures.push({
      kind: 'floor',
      variant: check.variant,
      evaluator: check.evaluator,
      floor: applies,
      lower: low,
      upper: high,
      message: proveFloors
        ? `"${check.evaluator}" for ${check.variant} is not shown to reach its floor of ${formatRate(applies)}: ` +
          `${describe(check.after)}, 95% interval ${formatInterval(low, high)} (--prove-floors).`
        : `"${check.evaluator}" for ${check.variant} is below its floor of ${formatRate(applies)}: ` +
          `${describe(check.after)}, 95% interval ${formatInterval(low, high)}, all of it below the floor.`,
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
    ...(sequential && { sequential }),
    floorMode: proveFloors ? 'prove' : 'evidence',
    notes: covered.notes,
    baselineChanges: changes,
    baselineChangesAccepted: acceptLowered,
    variants: [...new Set([...variants, ...Object.keys(baseline?.variants ?? {})])],
    checks,
    failures,
  };
}

/**
 * The sequential design the run's manifest records, if it ran until decided. Results that disagree about it (some
 * sequential, some not, or two designs) are a failure: the looks could not be recomputed.
 */
function sequentialDesignOf(table: TrialTable, failures: GateFailure[]): SequentialDesign | undefined {
  const files = table.shards ?? [];
  const designs = files.map((f) => f.manifest?.sequential);
  const found = designs.filter((d): d is SequentialDesign => d !== undefined);
  if (found.length === 0) return undefined;
  if (files.length > 1) {
    failures.push({
      kind: 'sequential',
      message: `A run until decided is one results file; got ${files.length} (${files.map((f) => f.source).join(', ')}).`,
    });
    return undefined;
  }
  const design = found[0] as SequentialDesign;
  const problem = designProblem(design);
  if (problem) {
    failures.push({ kind: 'sequential', message: `The run's sequential design cannot be used: ${problem}.` });
    return undefined;
  }
  return design;
}

/**
 * The row whose calls failed most (ties: the first called), among the rows that know their place in a prompt file,
 * for an annotation: from a variant's counts (its row verdicts, or one evaluator's) and the rows it called.
 */
function worstRow(
  verdicts: EvaluatorTally | undefined,
  called: ReadonlyMap<string, RowRef> | undefined,
): Location | undefined {
  let worst: RowRef | undefined;
  let most = -1;
  for (const [key, t] of verdicts?.rows ?? []) {
    const row = called?.get(key);
    if (row?.line === undefined || !row.file) continue;
    const misses = t.trials + t.errors - t.passes;
    if (misses > most) {
      worst = row;
      most = misses;
    }
  }
  return worst?.file && worst.line !== undefined ? { file: worst.file, line: worst.line } : undefined;
}

/** A check's rows on both sides, paired. */
interface CheckRows {
  before: ReadonlyMap<string, Tally>;
  after: ReadonlyMap<string, Tally>;
  /** Rows with graded trials on both sides, in the run's order: the regression test's strata. */
  strata: Stratum[];
  /**
   * Rows with graded trials in the baseline that the run called, in the run's order: their baseline counts and the
   * run's calls, which the minimal detectable drop is sized over (stats/power.ts).
   */
  sized: Tally[];
  repeats: number[];
  /** The counts of the rows both sides have, summed per side: what the drop's upper bound is read from. */
  shared: { before: Counts; after: Counts };
}

/** Pairs a check's baseline rows with the run's, in one pass over the run's rows. */
function pairRows(before: ReadonlyMap<string, Tally>, after: ReadonlyMap<string, Tally>): CheckRows {
  const rows: CheckRows = {
    before,
    after,
    strata: [],
    sized: [],
    repeats: [],
    shared: { before: { passes: 0, trials: 0 }, after: { passes: 0, trials: 0 } },
  };
  for (const [row, b] of after) {
    const a = before.get(row);
    if (!a) continue;
    rows.shared.before.passes += a.passes;
    rows.shared.before.trials += a.trials;
    rows.shared.after.passes += b.passes;
    rows.shared.after.trials += b.trials;
    if (a.trials === 0) continue;
    rows.sized.push(a);
    rows.repeats.push(b.trials + b.errors);
    if (b.trials > 0) rows.strata.push({ a, b });
  }
  return rows;
}

/** The regression test of a check's paired rows (stats/regression.ts). */
function regressionOf(rows: CheckRows): RegressionTest {
  return regressionOn(rows.strata, rows.before, rows.after);
}

function sumCounts(tallies: readonly Tally[]): Counts {
  return tallies.reduce((t, c) => ({ passes: t.passes + c.passes, trials: t.trials + c.trials }), {
    passes: 0,
    trials: 0,
  });
}

interface ValidOptions {
  alpha: number;
  maxErrorRate: number;
  maxDetectableDrop: number;
  sizeChecks: boolean;
  floors: Record<string, number>;
  floor?: number;
  proveFloors: boolean;
  acceptLowered: boolean;
}

function validOptions(options: GateOptions): ValidOptions {
  const alpha = options.alpha ?? 0.05;
  const maxDetectableDrop = options.maxDetectableDrop ?? DEFAULT_MAX_DETECTABLE_DROP;
  if (!(maxDetectableDrop > 0 && maxDetectableDrop <= 1))
    throw new UserError(`The gate's maximum detectable drop must be in (0, 1], got ${maxDetectableDrop}.`);
  if (!(alpha > 0 && alpha < 1))
    throw new UserError(`The gate's alpha must be between 0 and 1 (exclusive), got ${alpha}.`);
  const maxErrorRate = options.maxErrorRate ?? 0;
  if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
    throw new UserError(`The gate's maximum error rate must be between 0 and 1, got ${maxErrorRate}.`);
  }
  const floors = options.floors ?? {};
  for (const name of Object.keys(floors)) {
    const control = controlCharacter(name);
    if (control)
      throw new UserError(`A floor names an evaluator with a control character (${control}) in it.`);
  }
  if (options.shards !== undefined && !(Number.isInteger(options.shards) && options.shards >= 1))
    throw new UserError(`The number of shards must be a whole number of at least 1, got ${options.shards}.`);
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
  return {
    alpha,
    maxErrorRate,
    maxDetectableDrop,
    sizeChecks: options.sizeChecks ?? true,
    floors,
    ...(options.floor !== undefined && { floor: options.floor }),
    proveFloors: options.proveFloors === true,
    acceptLowered: options.acceptLowered === true,
  };
}

/** The failure a change of the baseline is, when not accepted: lowered or dropped expectations; additions are none. */
function loweredFailure(change: BaselineChange): GateFailure | undefined {
  const what = change.evaluator === ROW_VERDICT ? 'the row verdict' : `"${change.evaluator}"`;
  const accept =
    'a pull request may lower what it is judged by only when a reviewer accepts it (--accept-lowered); until then the previous baseline judges it.';
  const common = { kind: 'lowered' as const, variant: change.variant, evaluator: change.evaluator };
  if (change.kind === 'added') return undefined;
  if (change.kind === 'removed')
    return {
      ...common,
      ...(change.before && { before: change.before }),
      message: `The baseline drops ${what} for ${change.variant} (${describe(change.before as Tally)} before); ${accept}`,
    };
  const before = change.before as Tally;
  const after = change.after as Tally;
  const rows =
    change.rows.length > 0
      ? ` (lower on ${change.rows.length} row${change.rows.length === 1 ? '' : 's'}: ${listKeys(change.rows)})`
      : '';
  return {
    ...common,
    before,
    after,
    message: `The baseline lowers ${what} for ${change.variant} from ${describe(before)} to ${describe(after)}${rows}; ${accept}`,
  };
}

/**
 * Where to point an annotation for (variant, evaluator): the evaluator's line in the prompt file when any trial
 * knows it, else the row of this variant where that evaluator failed or errored most (else its first row), read
 * from the run's counts as the row verdict's worst row is.
 */
function locator(
  trials: Trials,
  run: TallyTable,
  called: ReadonlyMap<string, ReadonlyMap<string, RowRef>>,
): (variant: string, evaluator: string) => Location | undefined {
  // Read verdict by verdict (eachVerdict), not as Trial objects: a million calls are millions of verdicts.
  const evaluatorLines = new Map<string, Location>();
  eachVerdict(trials, (_variant, evaluator, row, _outcome, verdict) => {
    if (verdict.evaluatorLine !== undefined && row.file && !evaluatorLines.has(evaluator))
      evaluatorLines.set(evaluator, { file: row.file, line: verdict.evaluatorLine });
  });
  return (variant, evaluator) =>
    evaluatorLines.get(evaluator) ?? worstRow(run.get(variant)?.get(evaluator), called.get(variant));
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

/**
 * A baseline's rows (a record, as parsed) read as a map, without copying: a large baseline has hundreds of
 * thousands of rows per evaluator, and a copy per check was hundreds of megabytes.
 */
class RecordMap implements ReadonlyMap<string, Tally> {
  constructor(private readonly record: Readonly<Record<string, Tally>>) {}

  get size(): number {
    return Object.keys(this.record).length;
  }

  get(key: string): Tally | undefined {
    return Object.hasOwn(this.record, key) ? this.record[key] : undefined;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.record, key);
  }

  keys(): MapIterator<string> {
    return Object.keys(this.record)[Symbol.iterator]();
  }

  // Keys and a lookup each, never Object.values or Object.entries: on a record of a million keys those cost
  // several times as much.
  *values(): MapIterator<Tally> {
    for (const key of Object.keys(this.record)) yield this.record[key] as Tally;
  }

  *entries(): MapIterator<[string, Tally]> {
    for (const key of Object.keys(this.record)) yield [key, this.record[key] as Tally];
  }

  [Symbol.iterator](): MapIterator<[string, Tally]> {
    return this.entries();
  }

  forEach(f: (value: Tally, key: string, map: ReadonlyMap<string, Tally>) => void): void {
    for (const [key, value] of this.entries()) f(value, key, this);
  }
}
