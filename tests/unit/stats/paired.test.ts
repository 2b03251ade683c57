import { mcnemarExact, signTest } from '../../../src/stats/paired';

describe('McNemar exact test is a two-sided binomial on discordant pairs with p = 1/2', () => {
  it('b = 1, c = 9 gives p = 22/1024 = 0.02148', () => {
    expect(mcnemarExact(1, 9).p).toBeCloseTo(22 / 1024, 12);
  });

  it('is symmetric in b and c when two-sided', () => {
    expect(mcnemarExact(9, 1).p).toBe(mcnemarExact(1, 9).p);
  });

  it('Wikipedia example (b = 121, c = 59): far below 0.001 (SciPy binomtest: 4.434e-6)', () => {
    expect(mcnemarExact(121, 59).p).toBeCloseTo(4.4344e-6, 9);
  });

  it('has p = 1 with no discordant pairs, however many concordant ones', () => {
    expect(mcnemarExact(0, 0).p).toBe(1);
  });

  it('0 against 6 is the smallest count that reaches 0.05 two-sided (p = 2/64 = 0.03125)', () => {
    expect(mcnemarExact(0, 6).p).toBeCloseTo(0.03125, 12);
    expect(mcnemarExact(0, 5).p).toBeCloseTo(0.0625, 12);
  });
});

describe('sign test', () => {
  it('one-sided "greater" asks whether the first member wins more often', () => {
    expect(signTest(8, 2, 'greater').p).toBeCloseTo(56 / 1024, 12);
    expect(signTest(8, 2, 'less').p).toBeCloseTo(1013 / 1024, 12);
  });
});
