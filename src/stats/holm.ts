/**
 * Holm-Bonferroni step-down adjustment (S. Holm, 1979, Scand J Statist 6:65-70).
 * Controls the chance of any false "significant" across a family of tests, without assuming independence,
 * and never rejects less than plain Bonferroni. Adjusted p-values as R's `p.adjust(p, "holm")`:
 * sort ascending, multiply the i-th smallest (1-based) by (m - i + 1), carry the running maximum, cap at 1.
 * Wikipedia's worked example: p = (0.01, 0.04, 0.03, 0.005), alpha 0.05 rejects the hypotheses with 0.005 and 0.01 only.
 */

/** Holm-adjusted p-values, in the order given. Compare each to alpha directly. */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p || a.index - b.index);
  const adjusted = new Array<number>(m).fill(1);
  let runningMax = 0;
  order.forEach(({ p, index }, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * p));
    adjusted[index] = runningMax;
  });
  return adjusted;
}
