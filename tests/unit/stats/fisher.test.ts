import { fisherExact, stratifiedExact } from '../../../src/stats/fisher';

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
