import { binomialPmf, binomialTest } from '../../../src/stats/binomial';

describe('exact binomial test matches published values', () => {
  it("R's ?binom.test example: 682 of 925 against p = 3/4 gives two-sided p = 0.3825", () => {
    expect(binomialTest(682, 925, 0.75).p).toBeCloseTo(0.3825, 4);
  });

  it('one-sided tails of the same data (SciPy binomtest: less 0.19601, greater 0.82409)', () => {
    expect(binomialTest(682, 925, 0.75, 'less').p).toBeCloseTo(0.19601, 5);
    expect(binomialTest(682, 925, 0.75, 'greater').p).toBeCloseTo(0.82409, 5);
  });

  it('7 of 20 against 1/2: two-sided 0.2632 = twice the lower tail 0.1316 (symmetric null)', () => {
    // Exactly sum_{k<=7} C(20,k) / 2^20 = 137980 / 1048576.
    expect(binomialTest(7, 20, 0.5, 'less').p).toBeCloseTo(137980 / 1048576, 12);
    expect(binomialTest(7, 20, 0.5).p).toBeCloseTo((2 * 137980) / 1048576, 12);
  });

  it('two-sided with an asymmetric null sums outcomes no likelier than the observed one (3 of 10, p = 0.2: 0.42957)', () => {
    expect(binomialTest(3, 10, 0.2).p).toBeCloseTo(0.4295746, 6);
  });
});

describe('exact binomial test edge cases', () => {
  it('has p = 1 with no trials', () => {
    expect(binomialTest(0, 0, 0.5).p).toBe(1);
    expect(binomialTest(0, 0, 0.5, 'less').p).toBe(1);
  });

  it('all pass and all fail give the extreme tails', () => {
    expect(binomialTest(10, 10, 0.5, 'greater').p).toBeCloseTo(1 / 1024, 12);
    expect(binomialTest(0, 10, 0.5, 'less').p).toBeCloseTo(1 / 1024, 12);
    expect(binomialTest(0, 10, 0.5).p).toBeCloseTo(2 / 1024, 12);
  });

  it('one trial cannot be significant at 0.05', () => {
    expect(binomialTest(0, 1, 0.5).p).toBe(1);
    expect(binomialTest(0, 1, 0.5, 'less').p).toBeCloseTo(0.5, 12);
  });

  it('handles a null probability of 0 or 1 without NaN', () => {
    expect(binomialTest(0, 5, 0, 'less').p).toBe(1);
    expect(binomialTest(4, 5, 1, 'less').p).toBe(0);
    expect(binomialPmf(5, 5, 1)).toBe(1);
  });

  it('never returns more than 1', () => {
    expect(binomialTest(5, 10, 0.5).p).toBe(1);
  });

  it('rejects impossible counts', () => {
    expect(() => binomialTest(3, 2, 0.5)).toThrow(RangeError);
    expect(() => binomialTest(-1, 2, 0.5)).toThrow(RangeError);
    expect(() => binomialTest(1, 2, 1.5)).toThrow(RangeError);
  });

  it('stays accurate for large n (pmf sums to 1)', () => {
    let total = 0;
    for (let k = 0; k <= 5000; k++) total += binomialPmf(k, 5000, 0.3);
    expect(total).toBeCloseTo(1, 10);
  });
});
