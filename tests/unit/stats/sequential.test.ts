/**
 * The sequential design of `eval --until-decided` (stats/sequential.ts): the alpha it spends adds up to alpha, the
 * futility test is the exact tail it claims to be, and the false-alarm rate over every look stays at most alpha
 * (simulated here with many looks, where the union bound is tested hardest).
 */
import { binomialPmf } from '../../../src/stats/binomial';
import { BASELINE_BOUND_Z } from '../../../src/stats/regression';
import { wilsonInterval } from '../../../src/stats/wilson';
import { binomialDraw, seeded } from '../../../src/stats/random';
import {
  aboveDrop,
  alphaAt,
  betaAt,
  decideLook,
  designProblem,
  FUTILITY_BETA,
  lookSchedule,
  sequentialDesign,
} from '../../../src/stats/sequential';

describe('the look schedule', () => {
  it('spaces K looks evenly up to the budget, in whole repeats', () => {
    expect(lookSchedule(20, 5)).toEqual([4, 8, 12, 16, 20]);
    expect(lookSchedule(92, 5)).toEqual([19, 37, 56, 74, 92]);
    expect(lookSchedule(3, 5)).toEqual([1, 2, 3]);
    expect(lookSchedule(7, 1)).toEqual([7]);
  });
});

describe('alpha and beta spending', () => {
  it('spends alpha * t^2: little early, the whole alpha by the last look', () => {
    const design = sequentialDesign({ maxRepeat: 100, looks: 4, alpha: 0.05 });
    const spent = design.looks.map((_, i) => alphaAt(design, i + 1));
    expect(spent.reduce((a, b) => a + b, 0)).toBeCloseTo(0.05, 12);
    expect(spent[0]).toBeCloseTo(0.05 * 0.25 ** 2, 12);
    for (let i = 1; i < spent.length; i++) expect(spent[i]!).toBeGreaterThan(spent[i - 1]!);
  });

  it('spends beta over the interim looks only: the last look is decided by the regression test alone', () => {
    const design = sequentialDesign({ maxRepeat: 100, looks: 5 });
    const spent = design.looks.map((_, i) => betaAt(design, i + 1));
    expect(spent[4]).toBe(0);
    expect(spent.reduce((a, b) => a + b, 0)).toBeCloseTo(FUTILITY_BETA, 12);
  });
});

describe('the futility test', () => {
  it('is the exact upper tail of the run total when every row fell by the drop', () => {
    const strata = [
      { a: { passes: 18, trials: 20 }, b: { passes: 5, trials: 6 } },
      { a: { passes: 10, trials: 20 }, b: { passes: 3, trials: 4 } },
    ];
    const r = [18 / 20 - 0.15, 10 / 20 - 0.15];
    let tail = 0;
    for (let x = 0; x <= 6; x++)
      for (let y = 0; y <= 4; y++)
        if (x + y >= 8) tail += binomialPmf(x, 6, r[0]!) * binomialPmf(y, 4, r[1]!);
    expect(aboveDrop(strata, 0.15)).toBeCloseTo(tail, 12);
  });

  it('is 1 without shared trials', () => {
    expect(aboveDrop([{ a: { passes: 0, trials: 0 }, b: { passes: 3, trials: 3 } }], 0.15)).toBe(1);
  });
});

describe('a look', () => {
  const design = sequentialDesign({ maxRepeat: 20, looks: 5 });
  const base = { passes: 20, trials: 20 };

  it('regresses when the drop is shown at the alpha that look spends', () => {
    const strata = [0, 1, 2].map((i) => ({ a: base, b: { passes: i === 2 ? 0 : 8, trials: 8 } }));
    expect(decideLook(design, 2, 1, strata).decision).toBe('regressed');
  });

  it('is fine once the drop is ruled out, and continues while neither is shown', () => {
    const all = (n: number) => [0, 1, 2].map(() => ({ a: base, b: { passes: n, trials: n } }));
    expect(decideLook(design, 1, 1, all(4)).decision).toBe('continue');
    expect(decideLook(design, 3, 1, all(12)).decision).toBe('fine');
  });

  it('is fine at the last look unless regressed', () => {
    const strata = [0, 1, 2].map(() => ({ a: base, b: { passes: 19, trials: 20 } }));
    expect(decideLook(design, 5, 1, strata).decision).toBe('fine');
  });
});

describe('the design a manifest records', () => {
  it("must have increasing whole looks and this version's spending", () => {
    const design = sequentialDesign({ maxRepeat: 20 });
    expect(designProblem(design)).toBeUndefined();
    expect(designProblem({ ...design, looks: [] })).toMatch(/no looks/);
    expect(designProblem({ ...design, looks: [4, 4, 8] })).toMatch(/do not increase/);
    expect(designProblem({ ...design, looks: [1.5, 3] })).toMatch(/not a whole number/);
    expect(designProblem({ ...design, rho: 1 })).toMatch(/rho 1/);
  });
});

describe('the false-alarm rate over every look', () => {
  it('stays at most alpha with 20 looks, runs drawn at exactly the rates the baseline vouches for', () => {
    // The hardest case for the proof: the run passes at the baseline's own lowered rates (the null's boundary),
    // and it is looked at 20 times. Futility is switched off (drop 1 is never ruled out early) so every look runs.
    const design = { ...sequentialDesign({ maxRepeat: 60, looks: 20 }), drop: 0.999 };
    const random = seeded(11);
    const baseline = [
      { passes: 150, trials: 200 },
      { passes: 180, trials: 200 },
    ];
    // The allowance of stats/regression.ts for these counts: pooled rate minus its one-sided 95% Wilson bound.
    const allowance = 330 / 400 - wilsonInterval(330, 400, BASELINE_BOUND_Z).low;
    const rates = [0.75 - allowance, 0.9 - allowance];
    let rejected = 0;
    const runs = 2000;
    for (let i = 0; i < runs; i++) {
      const b = baseline.map(() => ({ passes: 0, trials: 0 }));
      let done = 0;
      for (let k = 1; k <= design.looks.length; k++) {
        const n = design.looks[k - 1]! - done;
        done = design.looks[k - 1]!;
        b.forEach((s, j) => {
          s.passes += binomialDraw(n, rates[j]!, random);
          s.trials += n;
        });
        const strata = baseline.map((a, j) => ({ a, b: { ...b[j]! } }));
        if (decideLook(design, k, 1, strata).decision === 'regressed') {
          rejected++;
          break;
        }
      }
    }
    // 5% of 2,000 is 100; allow two standard errors of the simulation above it (measured: 0.8%; the union bound and the exact test are both conservative).
    expect(rejected / runs).toBeLessThanOrEqual(0.05 + 2 * Math.sqrt((0.05 * 0.95) / runs));
  });
});
