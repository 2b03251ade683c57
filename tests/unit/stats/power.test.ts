import { binomialPmf } from '../../../src/stats/binomial';
import { belowBaseline } from '../../../src/stats/regression';
import {
  detectableDrop,
  minimalDetectableDrop,
  normalDetectableDrop,
  normalQuantile,
  plannedPower,
  powerAgainst,
  repeatsNeeded,
} from '../../../src/stats/power';
import { binomialDraw, seeded } from '../../../src/stats/random';

/** Exact power of the one-row gate test: sum over every run outcome of its probability, where the test rejects. */
function exactPower(
  baseline: { passes: number; trials: number },
  repeats: number,
  rate: number,
  alpha: number,
) {
  let power = 0;
  for (let x = 0; x <= repeats; x++)
    if (belowBaseline([{ a: baseline, b: { passes: x, trials: repeats } }]).p <= alpha)
      power += binomialPmf(x, repeats, rate);
  return power;
}

const SE_AT_2000 = (p: number) => Math.sqrt((p * (1 - p)) / 2000);

describe('seeded draws', () => {
  it('the same seed gives the same draws, another seed others', () => {
    const a = seeded(7);
    const b = seeded(7);
    const c = seeded(8);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it('binomial draws have the binomial mean', () => {
    const random = seeded(3);
    let total = 0;
    for (let i = 0; i < 4000; i++) total += binomialDraw(10, 0.3, random);
    expect(total / 4000).toBeCloseTo(3, 1);
  });
});

describe('power of the gate test against a baseline', () => {
  it.each([
    [{ passes: 18, trials: 20 }, 20, 0.3],
    [{ passes: 40, trials: 40 }, 10, 0.2],
    [{ passes: 30, trials: 50 }, 50, 0.25],
  ])(
    'agrees with exact enumeration on one row (baseline %o, %i repeats, drop %d)',
    (baseline, repeats, drop) => {
      const exact = exactPower(baseline, repeats, baseline.passes / baseline.trials - drop, 0.05);
      const simulated = powerAgainst([baseline], { repeats, alpha: 0.05 }, drop);
      expect(Math.abs(simulated - exact)).toBeLessThan(4 * SE_AT_2000(exact) + 1e-9);
    },
  );

  it('with no drop, rejects no more often than alpha (the test is exact)', () => {
    const baseline = [
      { passes: 45, trials: 50 },
      { passes: 30, trials: 50 },
    ];
    const size = powerAgainst(baseline, { repeats: 50, alpha: 0.05 }, 0, { simulations: 4000 });
    // Conditional on one baseline the size can exceed alpha a little (a lucky baseline); it stays near it.
    expect(size).toBeLessThan(0.12);
  });

  it('is reproducible: the same question gives the same figure', () => {
    const base = [{ passes: 9, trials: 10 }];
    expect(powerAgainst(base, { repeats: 15, alpha: 0.05 }, 0.2)).toBe(
      powerAgainst(base, { repeats: 15, alpha: 0.05 }, 0.2),
    );
  });

  it('rises with the drop', () => {
    const base = [{ passes: 27, trials: 30 }];
    const powers = [0, 0.1, 0.2, 0.3, 0.5].map((d) => powerAgainst(base, { repeats: 30, alpha: 0.05 }, d));
    for (let i = 1; i < powers.length; i++) expect(powers[i]!).toBeGreaterThanOrEqual(powers[i - 1]!);
    expect(powers[4]!).toBeGreaterThan(0.95);
  });

  it('is 0 when there is no baseline row or no repeat', () => {
    expect(powerAgainst([], { repeats: 5, alpha: 0.05 }, 0.5)).toBe(0);
    expect(powerAgainst([{ passes: 5, trials: 5 }], { repeats: 0, alpha: 0.05 }, 0.5)).toBe(0);
  });
});

describe('planning without a baseline', () => {
  it('reproduces the blind spot of the shipped size: 3 rows x 5 repeats catch a 15-point drop rarely', () => {
    const power = plannedPower({ rates: [0.8, 0.8, 0.8], repeats: 5, alpha: 0.05 }, 0.15);
    expect(power).toBeLessThan(0.25);
  });

  it('finds the repeats for 80% power, and one repeat fewer falls short or is within noise', () => {
    const powerAt = (n: number) =>
      plannedPower({ rates: [0.8, 0.8, 0.8], repeats: n, alpha: 0.05 }, 0.15, { simulations: 1000 });
    const n = repeatsNeeded(powerAt, 200);
    expect(n).toBeDefined();
    expect(powerAt(n!)).toBeGreaterThanOrEqual(0.8);
    expect(powerAt(Math.floor(n! * 0.75))).toBeLessThan(0.8);
  });

  it('says no size is enough when even the maximum falls short', () => {
    const powerAt = (n: number) =>
      powerAgainst([{ passes: 2, trials: 2 }], { repeats: n, alpha: 0.01 }, 0.15);
    expect(repeatsNeeded(powerAt, 100)).toBeUndefined();
  });
});

describe('the minimal detectable drop', () => {
  const design = (repeats: number) => (drop: number) =>
    powerAgainst(
      [
        { passes: 38, trials: 40 },
        { passes: 30, trials: 40 },
      ],
      { repeats, alpha: 0.05 },
      drop,
    );

  it('is detected with 80% power and a drop one step smaller is not', () => {
    const mdd = minimalDetectableDrop(design(30), 0.95)!;
    expect(mdd).toBeGreaterThan(0);
    expect(design(30)(mdd)).toBeGreaterThanOrEqual(0.8);
    expect(design(30)(mdd - 0.01)).toBeLessThan(0.8);
  });

  it('shrinks as the run grows', () => {
    const small = minimalDetectableDrop(design(10), 0.95)!;
    const large = minimalDetectableDrop(design(80), 0.95)!;
    expect(large).toBeLessThan(small);
  });

  it('is undefined when no drop at all can be shown', () => {
    expect(
      minimalDetectableDrop(
        (d) => powerAgainst([{ passes: 1, trials: 1 }], { repeats: 1, alpha: 0.05 }, d),
        1,
      ),
    ).toBeUndefined();
  });
});

describe('the normal approximation used past SIMULATED_ROWS rows', () => {
  it('quantiles match the standard normal', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
  });

  it('agrees with simulating the exact test within a few points at 60 rows', () => {
    const baseline = Array.from({ length: 60 }, (_, i) => ({ passes: 8 + (i % 3), trials: 10 }));
    const repeats = baseline.map(() => 10);
    const simulated = minimalDetectableDrop(
      (d) => powerAgainst(baseline, { repeats, alpha: 0.05 }, d, { simulations: 400 }),
      1,
    )!;
    const approximate = normalDetectableDrop(baseline, repeats, 0.05)!;
    expect(Math.abs(approximate - simulated)).toBeLessThanOrEqual(0.03);
    expect(detectableDrop(baseline, repeats, 0.05)).toBe(approximate);
  });

  it('is instant on 50,000 rows, where simulating would take minutes', () => {
    const baseline = Array.from({ length: 50_000 }, () => ({ passes: 1, trials: 1 }));
    const drop = detectableDrop(
      baseline,
      baseline.map(() => 1),
      0.005,
    );
    expect(drop).toBeGreaterThan(0);
    expect(drop).toBeLessThan(0.05);
  });
});
