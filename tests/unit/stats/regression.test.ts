import { binomialDensity, binomialPmf, binomialWindow } from '../../../src/stats/binomial';
import { seeded } from '../../../src/stats/random';
import { fisherExact } from '../../../src/stats/fisher';
import { BASELINE_BOUND_Z, belowBaseline, worseThanBaseline } from '../../../src/stats/regression';
import { wilsonInterval } from '../../../src/stats/wilson';

const rows = (entries: [string, number, number][]) =>
  new Map(entries.map(([row, passes, trials]) => [row, { passes, trials }]));

describe('regression test against a baseline', () => {
  it('flags a clear drop on the same rows', () => {
    const result = worseThanBaseline(
      rows([
        ['r0', 10, 10],
        ['r1', 10, 10],
      ]),
      rows([
        ['r0', 2, 10],
        ['r1', 3, 10],
      ]),
    );
    expect(result.method).toBe('stratified');
    expect(result.before).toEqual({ passes: 20, trials: 20 });
    expect(result.after).toEqual({ passes: 5, trials: 20 });
    expect(result.p).toBeLessThan(0.001);
  });

  it('does not call one failure against a perfect baseline a regression', () => {
    expect(worseThanBaseline(rows([['r0', 20, 20]]), rows([['r0', 19, 20]])).p).toBeGreaterThan(0.4);
  });

  it('gives p = 1 for an improvement and for identical counts', () => {
    expect(worseThanBaseline(rows([['r0', 5, 10]]), rows([['r0', 10, 10]])).p).toBeCloseTo(1, 12);
    expect(worseThanBaseline(rows([['r0', 7, 10]]), rows([['r0', 7, 10]])).p).toBeGreaterThan(0.5);
  });

  it('compares rows with rows: sampling a harder row is not a regression', () => {
    // Baseline: easy row always passes, hard row never. Run sampled mostly the hard row, at the same per-row rates.
    const result = worseThanBaseline(
      rows([
        ['easy', 10, 10],
        ['hard', 0, 10],
      ]),
      rows([
        ['easy', 2, 2],
        ['hard', 0, 18],
      ]),
    );
    expect(result.p).toBe(1);
  });

  it('leaves out rows only one side has', () => {
    const result = worseThanBaseline(
      rows([
        ['r0', 5, 5],
        ['gone', 5, 5],
      ]),
      rows([
        ['r0', 5, 5],
        ['new', 0, 5],
      ]),
    );
    expect(result.rows).toBe(1);
    expect(result.after).toEqual({ passes: 5, trials: 5 });
  });

  it('tests the totals when the sides share no row', () => {
    const result = worseThanBaseline(rows([['a', 10, 10]]), rows([['b', 0, 10]]));
    expect(result.method).toBe('pooled');
    expect(result.p).toBeLessThan(0.001);
  });

  it('has p = 1 when the run has no graded trials', () => {
    expect(worseThanBaseline(rows([['r0', 5, 5]]), rows([['r0', 0, 0]])).p).toBe(1);
  });
});

describe('a lucky baseline does not raise false alarms', () => {
  /** P(the test rejects at alpha) for a run of n trials at `rate` against one baseline row, by enumeration. */
  function falseAlarms(
    baseline: { passes: number; trials: number },
    n: number,
    rate: number,
    test: (x: number) => number,
  ) {
    let p = 0;
    for (let x = 0; x <= n; x++) if (test(x) <= 0.05) p += binomialPmf(x, n, rate);
    return p;
  }

  it('agrees with brute-force enumeration of every run outcome', () => {
    const strata = [
      { a: { passes: 7, trials: 9 }, b: { passes: 3, trials: 4 } },
      { a: { passes: 4, trials: 6 }, b: { passes: 1, trials: 3 } },
    ];
    const { p, allowance } = belowBaseline(strata);
    const before = wilsonInterval(11, 15, 1.6448536269514722);
    expect(allowance).toBeCloseTo(11 / 15 - before.low, 12);
    const r = strata.map((s) => s.a.passes / s.a.trials - allowance);
    let brute = 0;
    for (let x = 0; x <= 4; x++)
      for (let y = 0; y <= 3; y++)
        if (x + y <= 4) brute += binomialPmf(x, 4, r[0]!) * binomialPmf(y, 3, r[1]!);
    expect(p).toBeCloseTo(brute, 12);
  });

  it.each([
    [80, 'a baseline at its true rate'],
    [85, 'a baseline that overstates by 5 points, inside its bound'],
  ])('runs of the same model fail at most 5%% of the time against %i/100 (%s)', (passes) => {
    const baseline = { passes, trials: 100 };
    const rate = 0.8;
    const ours = falseAlarms(
      baseline,
      60,
      rate,
      (x) => belowBaseline([{ a: baseline, b: { passes: x, trials: 60 } }]).p,
    );
    expect(ours).toBeLessThanOrEqual(0.05);
  });

  it('where a plain two-sample test fails them far more often', () => {
    const baseline = { passes: 85, trials: 100 };
    const fisher = falseAlarms(
      baseline,
      60,
      0.8,
      (x) => fisherExact(baseline, { passes: x, trials: 60 }, 'less').p,
    );
    expect(fisher).toBeGreaterThan(0.07);
  });
});

describe('rows with the same counts are one binomial (a large run convolves a few densities, not one per row)', () => {
  /** The test as it was: one binomial per row, convolved in order. */
  function perRow(
    strata: { a: { passes: number; trials: number }; b: { passes: number; trials: number } }[],
  ) {
    let pooled = { passes: 0, trials: 0 };
    for (const { a } of strata)
      pooled = { passes: pooled.passes + a.passes, trials: pooled.trials + a.trials };
    const allowance = Math.max(
      0,
      pooled.passes / pooled.trials - wilsonInterval(pooled.passes, pooled.trials, BASELINE_BOUND_Z).low,
    );
    let density = [1];
    for (const { a, b } of strata) {
      const r = Math.max(0, a.passes / a.trials - allowance);
      const g = binomialDensity(b.trials, r);
      const next = new Array<number>(density.length + g.length - 1).fill(0);
      density.forEach((x, i) => g.forEach((y, j) => (next[i + j]! += x * y)));
      density = next;
    }
    const observed = strata.reduce((n, s) => n + s.b.passes, 0);
    return density.slice(0, observed + 1).reduce((x, y) => x + y, 0);
  }

  it('gives the p-value of the row-by-row convolution', () => {
    const random = seeded(3);
    for (let k = 0; k < 30; k++) {
      const strata = Array.from({ length: 5 + Math.floor(random() * 60) }, () => {
        const trials = 1 + Math.floor(random() * 4);
        const passes = Math.floor(random() * (trials + 1));
        const runTrials = 1 + Math.floor(random() * 4);
        return {
          a: { passes, trials },
          b: { passes: Math.floor(random() * (runTrials + 1)), trials: runTrials },
        };
      });
      expect(belowBaseline(strata).p).toBeCloseTo(Math.min(1, perRow(strata)), 10);
    }
  });

  it('decides at 250,000 rows: the same rates pass, a drop of one point fails', () => {
    const strata = (runFailsEvery: number) =>
      Array.from({ length: 250_000 }, (_, i) => ({
        a: { passes: i % 17 === 0 ? 0 : 1, trials: 1 },
        b: { passes: i % runFailsEvery === 0 ? 0 : 1, trials: 1 },
      }));
    expect(belowBaseline(strata(17)).p).toBeGreaterThan(0.05);
    expect(belowBaseline(strata(12)).p).toBeLessThan(1e-6);
  });
});

describe('binomialWindow', () => {
  it('is the binomial density where it is not negligible, at its offset', () => {
    for (const [n, p] of [
      [10, 0.3],
      [200, 0.5],
      [5000, 0.97],
      [100000, 0.001],
      [80, 1],
      [80, 0],
    ] as const) {
      const { low, density } = binomialWindow(n, p);
      const full = binomialDensity(n, p);
      density.forEach((x, i) => expect(x).toBe(full[low + i]));
      const outside = full.filter((_, k) => k < low || k >= low + density.length);
      expect(Math.max(0, ...outside)).toBeLessThan(1e-300);
    }
  });
});
