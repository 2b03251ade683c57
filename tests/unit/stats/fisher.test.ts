import { Alternative } from '../../../src/stats/alternative';
import { lnChoose, pValueFromDensity } from '../../../src/stats/binomial';
import { Stratum, fisherExact, stratifiedExact } from '../../../src/stats/fisher';

describe("Fisher's exact test matches published values", () => {
  it("Wikipedia's example: 1 of 12 men vs 9 of 12 women (one-sided 0.001380, two-sided 0.002759)", () => {
    const women = { passes: 9, trials: 12 };
    const men = { passes: 1, trials: 12 };
    expect(fisherExact(women, men, 'less').p).toBeCloseTo(0.001379728, 8);
    expect(fisherExact(women, men).p).toBeCloseTo(0.002759456, 8);
  });

  it('the lady tasting tea: all 4 right gives 1/70; 3 of 4 right gives 17/70', () => {
    // Milk-first cups she called milk-first vs tea-first cups she called milk-first.
    expect(fisherExact({ passes: 4, trials: 4 }, { passes: 0, trials: 4 }, 'less').p).toBeCloseTo(1 / 70, 12);
    expect(fisherExact({ passes: 3, trials: 4 }, { passes: 1, trials: 4 }, 'less').p).toBeCloseTo(
      17 / 70,
      12,
    );
  });

  it('has p = 1 when either side has no trials', () => {
    expect(fisherExact({ passes: 0, trials: 0 }, { passes: 0, trials: 5 }, 'less').p).toBe(1);
  });

  it('all pass on both sides is no evidence of anything', () => {
    expect(fisherExact({ passes: 20, trials: 20 }, { passes: 20, trials: 20 }, 'less').p).toBe(1);
  });
});

describe('exact conditional test over strata (exact Mantel-Haenszel)', () => {
  // R ?mantelhaen.test, "Rabbits": penicillin level strata, Delay None vs 1.5h, Cured vs Died.
  // mantelhaen.test(Rabbits, exact = TRUE): S = 16, p-value = 0.03994.
  const rabbits = [
    { none: [0, 6], late: [0, 5] },
    { none: [3, 3], late: [0, 6] },
    { none: [6, 0], late: [2, 4] },
    { none: [5, 1], late: [6, 0] },
    { none: [2, 0], late: [5, 0] },
  ].map(({ none, late }) => ({
    // S counts the "None, Cured" cell, so None is group B here.
    a: { passes: late[0] ?? 0, trials: (late[0] ?? 0) + (late[1] ?? 0) },
    b: { passes: none[0] ?? 0, trials: (none[0] ?? 0) + (none[1] ?? 0) },
  }));

  it('Rabbits data: two-sided p = 0.03994, as R prints', () => {
    expect(stratifiedExact(rabbits).p).toBeCloseTo(0.03994, 5);
  });

  it('Rabbits data: one-sided tails (0.01997 greater, 0.99862 less)', () => {
    expect(stratifiedExact(rabbits, 'greater').p).toBeCloseTo(0.0199725, 6);
    expect(stratifiedExact(rabbits, 'less').p).toBeCloseTo(0.9986226, 6);
  });

  it('one stratum is exactly Fisher', () => {
    const a = { passes: 9, trials: 12 };
    const b = { passes: 1, trials: 12 };
    expect(stratifiedExact([{ a, b }], 'less').p).toBe(fisherExact(a, b, 'less').p);
  });

  it('drops strata where one side has no trials', () => {
    const informative = { a: { passes: 9, trials: 12 }, b: { passes: 1, trials: 12 } };
    const empty = { a: { passes: 3, trials: 3 }, b: { passes: 0, trials: 0 } };
    expect(stratifiedExact([informative, empty], 'less').p).toBe(stratifiedExact([informative], 'less').p);
  });

  it('agrees with brute-force enumeration of all tables on a small case', () => {
    const strata = [
      { a: { passes: 2, trials: 3 }, b: { passes: 0, trials: 2 } },
      { a: { passes: 1, trials: 2 }, b: { passes: 1, trials: 3 } },
    ];
    expect(stratifiedExact(strata, 'less').p).toBeCloseTo(bruteForceLess(strata), 12);
  });
});

describe('the windowed convolution gives the p-values of the full one', () => {
  const alternatives: Alternative[] = ['less', 'greater', 'two-sided'];

  it('within 1e-12 relative on 300 random sets of up to 200 strata, for every alternative', () => {
    const random = lcg(20261126);
    let farTails = 0;
    for (let run = 0; run < 300; run++) {
      const maxTrials = [1, 2, 3, 5, 12, 30][run % 6]!;
      const shift = run % 3 === 0 ? 0 : 0.4 * random(); // B worse than A in two runs of three
      const strata = Array.from({ length: 1 + Math.floor(random() * 200) }, () => {
        const rate = random();
        return {
          a: draw(random, Math.floor(random() * (maxTrials + 1)), rate),
          b: draw(random, Math.floor(random() * (maxTrials + 1)), Math.max(0, rate - shift)),
        };
      });
      for (const alternative of alternatives) {
        const expected = referenceExact(strata, alternative);
        const actual = stratifiedExact(strata, alternative).p;
        expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * expected);
        if (alternative === 'less' && expected < 1e-6) farTails++;
      }
    }
    expect(farTails).toBeGreaterThan(50); // the far tails were exercised, not only p-values near 1
  });

  it('keeps 12 digits down to ~1e-278; a p-value below 1e-290 may come out as 0', () => {
    // k strata where A passed and B failed: P(B passes none of its k | margins) = 2^-k.
    const allLost = (k: number): Stratum[] =>
      Array.from({ length: k }, () => ({ a: { passes: 1, trials: 1 }, b: { passes: 0, trials: 1 } }));
    const deep = stratifiedExact(allLost(920), 'less').p; // 1.5e-277
    expect(Math.abs(deep - Math.pow(2, -920))).toBeLessThanOrEqual(1e-12 * Math.pow(2, -920));
    expect(referenceExact(allLost(920), 'less')).toBe(Math.pow(2, -920));
    const beyond = stratifiedExact(allLost(1000), 'less').p; // 9.3e-302
    expect(beyond).toBeGreaterThanOrEqual(0);
    expect(beyond).toBeLessThan(1e-290);
    expect(stratifiedExact(allLost(1000), 'greater').p).toBe(1);
  });
});

/** The textbook computation: convolve every stratum's whole hypergeometric into a plain array, drop nothing. */
function referenceExact(strata: readonly Stratum[], alternative: Alternative): number {
  let density = [1];
  let offset = 0;
  let observed = 0;
  for (const { a, b } of strata) {
    if (a.trials === 0 || b.trials === 0) continue;
    const m = a.passes + b.passes;
    const low = Math.max(0, m - a.trials);
    const high = Math.min(b.trials, m);
    const h: number[] = [];
    for (let x = low; x <= high; x++)
      h.push(Math.exp(lnChoose(b.trials, x) + lnChoose(a.trials, m - x) - lnChoose(a.trials + b.trials, m)));
    const next = new Array<number>(density.length + h.length - 1).fill(0);
    density.forEach((d, i) => h.forEach((q, j) => (next[i + j] = (next[i + j] ?? 0) + d * q)));
    density = next;
    offset += low;
    observed += b.passes;
  }
  return pValueFromDensity(density, observed - offset, alternative);
}

/** Passes out of `trials` at probability `rate`. */
function draw(random: () => number, trials: number, rate: number): { passes: number; trials: number } {
  let passes = 0;
  for (let i = 0; i < trials; i++) if (random() < rate) passes++;
  return { passes, trials };
}

/** A seeded uniform [0, 1) stream (Numerical Recipes' LCG), so a failure replays. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** P(sum of B passes <= observed) by enumerating every arrangement of each stratum's passes, all equally likely. */
function bruteForceLess(
  strata: { a: { passes: number; trials: number }; b: { passes: number; trials: number } }[],
): number {
  const perStratum = strata.map(({ a, b }) => {
    const n = a.trials + b.trials;
    const m = a.passes + b.passes;
    const counts = new Map<number, number>();
    let total = 0;
    for (let mask = 0; mask < 1 << n; mask++) {
      if (popcount(mask) !== m) continue;
      const inB = popcount(mask & ((1 << b.trials) - 1));
      counts.set(inB, (counts.get(inB) ?? 0) + 1);
      total++;
    }
    return [...counts].map(([x, c]) => [x, c / total] as const);
  });
  const observed = strata.reduce((s, { b }) => s + b.passes, 0);
  let p = 0;
  const walk = (i: number, sum: number, prob: number): void => {
    const here = perStratum[i];
    if (!here) {
      if (sum <= observed) p += prob;
      return;
    }
    for (const [x, q] of here) walk(i + 1, sum + x, prob * q);
  };
  walk(0, 0, 1);
  return p;
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v; v &= v - 1) c++;
  return c;
}
