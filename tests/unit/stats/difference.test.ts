import { dropUpperBound } from '../../../src/stats/difference';

describe("Newcombe's bound on how much worse the run is", () => {
  it("reproduces Newcombe's example 3 (56/70 vs 48/80, two-sided 95% upper limit 0.3339)", () => {
    expect(
      dropUpperBound({ passes: 56, trials: 70 }, { passes: 48, trials: 80 }, 1.959963984540054),
    ).toBeCloseTo(0.3339, 4);
  });

  it('for identical perfect samples is the run side alone: 1 - its Wilson lower bound', () => {
    const z = 1.6448536269514722;
    expect(dropUpperBound({ passes: 20, trials: 20 }, { passes: 20, trials: 20 })).toBeCloseTo(
      1 - 20 / (20 + z * z),
      12,
    );
  });

  it('shrinks as both samples grow', () => {
    const small = dropUpperBound({ passes: 9, trials: 10 }, { passes: 9, trials: 10 })!;
    const large = dropUpperBound({ passes: 900, trials: 1000 }, { passes: 900, trials: 1000 })!;
    expect(large).toBeLessThan(small / 5);
  });

  it('is undefined with no trials on a side', () => {
    expect(dropUpperBound({ passes: 0, trials: 0 }, { passes: 1, trials: 1 })).toBeUndefined();
  });
});
