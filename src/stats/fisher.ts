/**
 * Exact conditional tests for two independent binomial samples, optionally split into strata.
 *
 * One 2x2 table is Fisher's exact test. Several tables (one per stratum) give the exact conditional test of a common
 * odds ratio of 1 (R: `mantelhaen.test(x, exact = TRUE)`): condition on every stratum's margins, so each stratum's
 * count in group B is hypergeometric under the null, and the statistic is the sum over strata, whose distribution is
 * the convolution of those hypergeometrics. Strata absorb differences in difficulty between them (here: prompt rows).
 *
 * Reference values:
 * - Wikipedia, "Fisher's exact test": 1 of 12 men vs 9 of 12 women studying: one-sided p = 0.001380, two-sided 0.002759.
 * - Fisher's lady tasting tea: all 4 of 4 cups right, one-sided p = 1/70 = 0.0143; 3 of 4 right, p = 17/70 = 0.2429.
 * - R `?mantelhaen.test`, Rabbits (penicillin) data, exact = TRUE: S = 16, two-sided p = 0.03994.
 */
import { Alternative, TestResult, clampProbability } from './alternative';
import { assertCount, lnChoose, pValueFromDensity } from './binomial';

/** Passes out of graded trials. */
export interface Counts {
  passes: number;
  trials: number;
}

/** One stratum: the same kind of trial observed in group A and in group B. */
export interface Stratum {
  a: Counts;
  b: Counts;
}

/**
 * Fisher's exact test on two samples. `less` asks whether B's pass rate is below A's.
 */
export function fisherExact(a: Counts, b: Counts, alternative: Alternative = 'two-sided'): TestResult {
  return stratifiedExact([{ a, b }], alternative);
}

/**
 * Exact conditional test over strata; the statistic is B's total passes. `less` asks whether B does worse than A
 * within strata. Strata where either group has no trials carry no information and drop out, as in R.
 */
export function stratifiedExact(
  strata: readonly Stratum[],
  alternative: Alternative = 'two-sided',
): TestResult {
  let density = [1];
  let offset = 0; // the smallest attainable statistic, so density[i] = P(T = offset + i)
  let observed = 0;
  for (const { a, b } of strata) {
    assertCount(a.passes, a.trials);
    assertCount(b.passes, b.trials);
    if (a.trials === 0 || b.trials === 0) continue;
    const h = hypergeometric(a.trials, b.trials, a.passes + b.passes);
    density = convolve(density, h.density);
    offset += h.low;
    observed += b.passes;
  }
  const p = pValueFromDensity(density, observed - offset, alternative);
  return { p: clampProbability(p), alternative };
}

/** P(B passes = x | total passes m) for x in low..low+density.length-1: B's share of m when draws are exchangeable. */
function hypergeometric(trialsA: number, trialsB: number, m: number): { low: number; density: number[] } {
  const low = Math.max(0, m - trialsA);
  const high = Math.min(trialsB, m);
  const lnTotal = lnChoose(trialsA + trialsB, m);
  const density: number[] = [];
  for (let x = low; x <= high; x++)
    density.push(Math.exp(lnChoose(trialsB, x) + lnChoose(trialsA, m - x) - lnTotal));
  return { low, density };
}

function convolve(f: readonly number[], g: readonly number[]): number[] {
  const out = new Array<number>(f.length + g.length - 1).fill(0);
  f.forEach((fi, i) => g.forEach((gj, j) => (out[i + j] = (out[i + j] ?? 0) + fi * gj)));
  return out;
}
