import { holm } from '../../../src/stats/holm';

describe('Holm-Bonferroni adjustment', () => {
  it("Wikipedia's example: of 0.01, 0.04, 0.03, 0.005 only 0.01 and 0.005 survive alpha 0.05", () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted.map((p) => p <= 0.05)).toEqual([true, false, false, true]);
    // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
    expect(adjusted[0]).toBeCloseTo(0.03, 12);
    expect(adjusted[1]).toBeCloseTo(0.06, 12);
    expect(adjusted[2]).toBeCloseTo(0.06, 12);
    expect(adjusted[3]).toBeCloseTo(0.02, 12);
  });

  it('keeps adjusted p-values monotone in the raw ones and caps them at 1', () => {
    // R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm") = 0.05 0.08 0.09 0.09 0.09
    expect(holm([0.01, 0.02, 0.03, 0.04, 0.05]).map((p) => Number(p.toFixed(10)))).toEqual([
      0.05, 0.08, 0.09, 0.09, 0.09,
    ]);
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
  });

  it('leaves a single test unchanged and an empty family empty', () => {
    expect(holm([0.03])).toEqual([0.03]);
    expect(holm([])).toEqual([]);
  });
});
