/**
 * `promptfile plan`: how many repeats a run needs for the gate to see a drop, and what the current size sees.
 *
 * It asks the same question of the same test the gate asks (stats/power.ts simulates the gate's exact test): for
 * each variant's primary endpoint (the row verdict; each evaluator, for a baseline written before row verdicts),
 * at the level a primary is tested at (alpha over the number of primaries, Holm's first step, which is what a
 * single regression among unchanged variants must clear).
 */
import { Counts } from '../stats/fisher';
import {
  detectableDrop,
  minimalDetectableDrop,
  normalDetectableDrop,
  plannedPower,
  powerAgainst,
  repeatsNeeded,
  SIMULATED_ROWS,
  TARGET_POWER,
} from '../stats/power';
import { Baseline } from './baseline';
import { ROW_VERDICT } from './gate';

/** What to plan for. */
export interface PlanOptions {
  /** The drop to detect, absolute pass rate; default 0.15. */
  drop?: number;
  /** Family-wise alpha of the gate; default 0.05. */
  alpha?: number;
  /** Power to aim for; default 0.8. */
  power?: number;
  /** The repeats per row the run has today (for "what it sees now"); default 5. */
  repeat?: number;
  /** The most repeats per row worth considering; default 500. */
  maxRepeat?: number;
  /** Simulated runs per power figure; default 1,000. */
  simulations?: number;
}

/** One primary endpoint's plan. */
export interface PlanLine {
  variant: string;
  /** ROW_VERDICT, or an evaluator's name. */
  endpoint: string;
  /** The baseline's counts (or the assumed rows' size). */
  baseline: Counts;
  rows: number;
  /** The smallest drop `repeat` repeats detect with the target power; null: none. */
  detectsNow: number | null;
  /** Repeats per row needed for the drop; null: not within maxRepeat (the baseline itself is too small). */
  repeatsNeeded: number | null;
}

/** The whole plan. */
export interface Plan {
  drop: number;
  alpha: number;
  /** The level each primary is tested at. */
  level: number;
  power: number;
  repeat: number;
  maxRepeat: number;
  lines: PlanLine[];
  /** Variants left out: deterministic, so one repeat is all they need (the gate compares them row by row). */
  deterministic: string[];
}

/** Plans against a baseline that exists: its counts are the data the gate will compare with. */
export function planAgainstBaseline(baseline: Baseline, options: PlanOptions = {}): Plan {
  const endpoints: { variant: string; endpoint: string; rows: Counts[] }[] = [];
  for (const [variant, evaluators] of Object.entries(baseline.variants)) {
    if (baseline.deterministic?.includes(variant)) continue;
    const verdicts = baseline.rowVerdicts?.[variant];
    const sources = verdicts ? [[ROW_VERDICT, verdicts] as const] : Object.entries(evaluators);
    for (const [endpoint, entry] of sources) {
      const rows = Object.values(entry.rows).filter((t) => t.trials > 0);
      if (rows.length > 0) endpoints.push({ variant, endpoint, rows });
    }
  }
  const settings = settle(options, endpoints.length);
  const lines = endpoints.map(({ variant, endpoint, rows }) => {
    const each = (n: number) => rows.map(() => n);
    const simulations = { simulations: settings.simulations };
    // Past SIMULATED_ROWS rows, the normal approximation (as the gate does): "power" is then whether the drop is
    // at least the approximate detectable drop, which is what the search for the size needs.
    const reaches = (n: number) =>
      rows.length > SIMULATED_ROWS
        ? (normalDetectableDrop(rows, each(n), settings.level, settings.power) ?? Infinity) <= settings.drop
          ? 1
          : 0
        : powerAgainst(rows, { repeats: n, alpha: settings.level }, settings.drop, simulations);
    return {
      variant,
      endpoint,
      baseline: total(rows),
      rows: rows.length,
      detectsNow:
        detectableDrop(rows, each(settings.repeat), settings.level, settings.power, simulations) ?? null,
      repeatsNeeded: repeatsNeeded(reaches, settings.maxRepeat, settings.power) ?? null,
    };
  });
  return { ...settings, lines, deterministic: [...(baseline.deterministic ?? [])] };
}

/** Plans with no baseline yet: `rows` rows at an assumed pass `rate`, the baseline sampled as large as the run. */
export function planAssumed(
  assumed: { rows: number; rate: number; variants: number },
  options: PlanOptions = {},
): Plan {
  const settings = settle(options, assumed.variants);
  const rates = Array.from({ length: assumed.rows }, () => assumed.rate);
  const power = (repeats: number, drop: number) =>
    plannedPower({ rates, repeats, alpha: settings.level }, drop, { simulations: settings.simulations });
  const line: PlanLine = {
    variant: `each of ${assumed.variants} variant${assumed.variants === 1 ? '' : 's'}`,
    endpoint: ROW_VERDICT,
    baseline: {
      passes: Math.round(assumed.rate * assumed.rows * settings.repeat),
      trials: assumed.rows * settings.repeat,
    },
    rows: assumed.rows,
    detectsNow: minimalDetectableDrop((d) => power(settings.repeat, d), assumed.rate, settings.power) ?? null,
    repeatsNeeded: repeatsNeeded((n) => power(n, settings.drop), settings.maxRepeat, settings.power) ?? null,
  };
  return { ...settings, lines: [line], deterministic: [] };
}

function settle(options: PlanOptions, primaries: number) {
  const alpha = options.alpha ?? 0.05;
  return {
    drop: options.drop ?? 0.15,
    alpha,
    level: alpha / Math.max(1, primaries),
    power: options.power ?? TARGET_POWER,
    repeat: options.repeat ?? 5,
    maxRepeat: options.maxRepeat ?? 500,
    simulations: options.simulations ?? 1000,
  };
}

function total(rows: readonly Counts[]): Counts {
  return rows.reduce((t, r) => ({ passes: t.passes + r.passes, trials: t.trials + r.trials }), {
    passes: 0,
    trials: 0,
  });
}
