/**
 * How much worse the run could be than the baseline: a one-sided 95% upper bound on (baseline rate - run rate),
 * Newcombe's hybrid score method (R. G. Newcombe, 1998, Statistics in Medicine 17:873-890, method 10) from one
 * Wilson bound per side: d + sqrt((u_a - p_a)^2 + (p_b - l_b)^2), with u_a the baseline's upper and l_b the run's
 * lower bound. Reference: 56/70 against 48/80, two-sided 95% interval [0.0524, 0.3339] (Newcombe's example 3; the
 * one-sided 95% bound uses z = 1.645).
 */
import { Counts } from './fisher';
import { wilsonInterval } from './wilson';

/** The one-sided 95% normal quantile. */
const Z_ONE_SIDED_95 = 1.6448536269514722;

/** Upper bound of how far `run` falls below `baseline`, or undefined without trials on either side. */
export function dropUpperBound(
  baseline: Counts,
  run: Counts,
  z: number = Z_ONE_SIDED_95,
): number | undefined {
  if (baseline.trials === 0 || run.trials === 0) return undefined;
  const pa = baseline.passes / baseline.trials;
  const pb = run.passes / run.trials;
  const ua = wilsonInterval(baseline.passes, baseline.trials, z).high;
  const lb = wilsonInterval(run.passes, run.trials, z).low;
  return pa - pb + Math.sqrt((ua - pa) ** 2 + (pb - lb) ** 2);
}
