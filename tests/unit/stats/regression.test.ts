import { binomialPmf } from '../../../src/stats/binomial';
import { fisherExact } from '../../../src/stats/fisher';
import { belowBaseline, worseThanBaseline } from '../../../src/stats/regression';
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
