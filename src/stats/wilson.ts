/**
 * The Wilson score interval for a binomial proportion (E. B. Wilson, 1927, JASA 22:209-212; formula as given in
 * Wikipedia, "Binomial proportion confidence interval", and NIST/SEMATECH e-Handbook 7.2.4.1).
 * Unlike the textbook normal ("Wald") interval it stays inside [0, 1] and does not collapse to a point at 0/n or n/n,
 * which matters here: small prompt evaluations often pass every trial.
 * Reference values, 95%: 17/20 -> [0.6396, 0.9476]; 0/10 -> [0, 0.2775]; 10/10 -> [0.7225, 1] (SciPy `binomtest(...).proportion_ci(method="wilson")`).
 */

/** The two-sided 95% normal quantile, z such that P(|Z| < z) = 0.95. */
export const Z_95 = 1.959963984540054;

/** A closed interval [low, high] inside [0, 1]. */
export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for `successes` out of `trials` (default 95%).
 * With no trials nothing is known, so the interval is [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95): Interval {
  if (trials === 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0/n and n/n the bound is exactly 0 or 1; rounding would otherwise leave 1e-17 on the wrong side.
  return {
    low: successes === 0 ? 0 : Math.max(0, center - half),
    high: successes === trials ? 1 : Math.min(1, center + half),
  };
}
