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
  const nullDensity = new ConvolvedDensity();
  let observed = 0;
  for (const { a, b } of strata) {
    assertCount(a.passes, a.trials);
    assertCount(b.passes, b.trials);
    if (a.trials === 0 || b.trials === 0) continue;
    nullDensity.add(hypergeometric(a.trials, b.trials, a.passes + b.passes));
    observed += b.passes;
  }
  const p = pValueFromDensity(nullDensity.window(), observed - nullDensity.low, alternative);
  return { p: clampProbability(p), alternative };
}

/**
 * Entries below this are dropped from the ends of the running density after each convolution.
 *
 * Why that is safe: dropped mass would only have been convolved with later hypergeometrics, which are probability
 * vectors, so it would have reached the final density with its total unchanged, and a p-value is a sum over part of
 * that density. Each stratum widens the density by (its width - 1) <= its B trials and a dropped entry never comes
 * back, so fewer than (1 + B's total trials) entries of < 1e-300 are ever dropped: the p-value moves by less than
 * 1e-290 for any run under 10^10 trials. So a p-value above ~1e-278 keeps 12 significant digits (in the tests it
 * comes out bit for bit as without dropping), and one below 1e-290, which no test level tells from 0, may become 0.
 *
 * Why it is worth it: the density's spread grows as the square root of the number of strata, its support linearly,
 * so a 50,000-row gate convolves a window of a few thousand entries instead of one as long as the rows.
 */
const NEGLIGIBLE = 1e-300;

/**
 * The null distribution of the statistic, the convolution of one hypergeometric per stratum, kept as its window
 * of non-negligible values in two buffers that swap at each step, so a stratum costs the window's width and
 * allocates nothing (a fresh array per stratum, as long as the whole support, made the gate quadratic and GC-bound).
 */
export class ConvolvedDensity {
  /** The smallest statistic in the window: `window[i]` is P(T = low + i). */
  low = 0;
  private current = new Float64Array(16);
  private next = new Float64Array(16);
  private start = 0;
  private width = 1;

  constructor() {
    this.current[0] = 1;
  }

  add(h: { low: number; density: number[] }): void {
    const g = h.density;
    this.low += h.low;
    // A point mass (every trial in the stratum passed, or none did) only shifts the statistic.
    if (g.length === 1 && g[0] === 1) return;
    const width = this.width + g.length - 1;
    if (this.next.length < width) this.next = new Float64Array(2 * width);
    const from = this.current;
    const to = this.next.fill(0, 0, width);
    // The direct convolution's order of additions, so entries round as they always have.
    for (let i = 0; i < this.width; i++) {
      const fi = from[this.start + i]!;
      for (let j = 0; j < g.length; j++) to[i + j] = to[i + j]! + fi * g[j]!;
    }
    let first = 0;
    let last = width - 1;
    while (first < last && to[first]! < NEGLIGIBLE) first++;
    while (last > first && to[last]! < NEGLIGIBLE) last--;
    this.low += first;
    this.start = first;
    this.width = last - first + 1;
    this.next = from;
    this.current = to;
  }

  /** The window as a plain array, index 0 at `low`. */
  window(): number[] {
    return Array.from(this.current.subarray(this.start, this.start + this.width));
  }
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
