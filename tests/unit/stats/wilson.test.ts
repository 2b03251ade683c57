import { wilsonInterval } from '../../../src/stats/wilson';

function rounded(successes: number, trials: number): [number, number] {
  const { low, high } = wilsonInterval(successes, trials);
  return [Number(low.toFixed(4)), Number(high.toFixed(4))];
}

describe('Wilson 95% score interval matches published values', () => {
  // Values: Wilson (1927) formula, checked against SciPy 1.17 binomtest(k, n).proportion_ci(method="wilson").
  it.each([
    [17, 20, 0.6396, 0.9476],
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
    [1, 2, 0.0945, 0.9055],
    [682, 925, 0.708, 0.7646],
  ])('%i/%i -> [%f, %f]', (k, n, low, high) => {
    expect(rounded(k, n)).toEqual([low, high]);
  });
});

describe('Wilson interval edge cases', () => {
  it('is [0, 1] with no trials: nothing is known', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('is exactly 0 at the bottom when every trial failed, and exactly 1 at the top when all passed', () => {
    expect(wilsonInterval(0, 7).low).toBe(0);
    expect(wilsonInterval(7, 7).high).toBe(1);
  });

  it('does not collapse to a point with one trial', () => {
    const pass = wilsonInterval(1, 1);
    expect(pass.high).toBe(1);
    expect(pass.low).toBeCloseTo(0.2065, 4);
    expect(wilsonInterval(0, 1).high).toBeCloseTo(0.7935, 4);
  });

  it('contains the observed rate and narrows as trials grow', () => {
    const small = wilsonInterval(8, 10);
    const large = wilsonInterval(800, 1000);
    expect(small.low).toBeLessThan(0.8);
    expect(small.high).toBeGreaterThan(0.8);
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
  });
});
