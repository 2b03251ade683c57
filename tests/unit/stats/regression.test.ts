import { worseThanBaseline } from '../../../src/stats/regression';

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

  it('falls back to Fisher on totals when the sides share no row', () => {
    const result = worseThanBaseline(rows([['a', 10, 10]]), rows([['b', 0, 10]]));
    expect(result.method).toBe('pooled');
    expect(result.p).toBeLessThan(0.001);
  });

  it('has p = 1 when the run has no graded trials', () => {
    expect(worseThanBaseline(rows([['r0', 5, 5]]), rows([['r0', 0, 0]])).p).toBe(1);
  });
});
