import { compare } from '../../../src/gate/compare';
import { times, trialTable } from './build';

const A = 'gpt-4o · T=0.2';
const B = 'gpt-4o · T=1';

describe('compare summarises each variant', () => {
  const result = compare(
    trialTable([
      { variant: A, evaluator: 'Refusal JSON', outcomes: times('P', 17) + times('F', 3) },
      { variant: B, evaluator: 'Refusal JSON', outcomes: `${times('P', 9)}E` },
    ]),
  );

  it('with passes over graded trials and the Wilson interval', () => {
    const rate = result.variants[0]?.evaluators['Refusal JSON'];
    expect(rate).toMatchObject({ passes: 17, trials: 20, errors: 0, rate: 0.85 });
    expect(rate?.interval.low).toBeCloseTo(0.6396, 4);
    expect(rate?.interval.high).toBeCloseTo(0.9476, 4);
  });

  it('counting errors apart from graded trials', () => {
    expect(result.variants[1]?.evaluators['Refusal JSON']).toMatchObject({ passes: 9, trials: 9, errors: 1 });
  });

  it('with usage summed over calls', () => {
    expect(result.variants[0]?.usage).toEqual({
      attempts: 20,
      erroredAttempts: 0,
      promptTokens: 200,
      completionTokens: 100,
      totalTokens: 300,
      cost: expect.closeTo(0.02, 10),
      meanLatencyMs: 100,
    });
    expect(result.variants[1]?.usage.erroredAttempts).toBe(1);
  });

  it('keeps variants and evaluators in order of appearance', () => {
    expect(result.variants.map((v) => v.variant)).toEqual([A, B]);
    expect(result.evaluators).toEqual(['Refusal JSON']);
  });
});

describe('compare tests variants against each other on shared rows and repeats', () => {
  it('finds a clear winner and says so in plain language', () => {
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'Refusal JSON', outcomes: times('P', 20) },
        { variant: B, evaluator: 'Refusal JSON', outcomes: times('P', 8) + times('F', 12) },
        { variant: A, evaluator: 'Mentions Merkle', outcomes: times('P', 20) },
        { variant: B, evaluator: 'Mentions Merkle', outcomes: times('P', 20) },
      ]),
    );
    const refusal = result.comparisons.find((c) => c.evaluator === 'Refusal JSON');
    // McNemar exact: 12 discordant pairs, all for A: p = 2 / 2^12; Holm over 2 comparisons doubles it.
    expect(refusal).toMatchObject({ pairs: 20, aOnly: 12, bOnly: 0, winner: A });
    expect(refusal?.p).toBeCloseTo(2 / 4096, 12);
    expect(refusal?.pAdjusted).toBeCloseTo(4 / 4096, 12);
    expect(result.verdicts).toEqual([
      { a: A, b: B, text: `${A} beats ${B} on Refusal JSON, p < 0.001; no significant difference elsewhere` },
    ]);
  });

  it('reports p with three decimals near alpha', () => {
    // 7 discordant, all for B: p = 2/128 = 0.0156 two-sided.
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'E', outcomes: times('F', 7) + times('P', 3) },
        { variant: B, evaluator: 'E', outcomes: times('P', 10) },
      ]),
    );
    expect(result.verdicts[0]?.text).toBe(`${B} beats ${A} on E, p = 0.016`);
  });

  it('says when nothing differs significantly', () => {
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'E', outcomes: 'PPPF' },
        { variant: B, evaluator: 'E', outcomes: 'PPFP' },
      ]),
    );
    expect(result.verdicts[0]?.text).toBe(
      `No significant difference between ${A} and ${B} (smallest Holm-adjusted p = 1)`,
    );
  });

  it('pairs only trials both variants graded: errors and unshared rows drop out', () => {
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'E', row: 0, outcomes: 'PPE' },
        { variant: B, evaluator: 'E', row: 0, outcomes: 'FEF' },
        { variant: A, evaluator: 'E', row: 1, outcomes: 'PP' },
      ]),
    );
    expect(result.comparisons[0]).toMatchObject({ pairs: 1, aOnly: 1, bOnly: 0 });
  });

  it('does not compare variants that share no rows, and says why', () => {
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'E', row: 0, outcomes: 'PP' },
        { variant: B, evaluator: 'E', row: 1, outcomes: 'FF' },
      ]),
    );
    expect(result.comparisons[0]).toMatchObject({ pairs: 0, p: 1, pAdjusted: 1 });
    expect(result.comparisons[0]?.winner).toBeUndefined();
    expect(result.verdicts[0]?.text).toBe(
      `${A} and ${B} share no graded rows and repeats, so they were not compared`,
    );
  });

  it('corrects across every pair of variants and evaluator', () => {
    const C = 'gpt-4o-mini · T=0.2';
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'E', outcomes: times('P', 6) },
        { variant: B, evaluator: 'E', outcomes: times('F', 6) },
        { variant: C, evaluator: 'E', outcomes: times('F', 6) },
      ]),
    );
    // Raw p = 2/64 = 0.03125 for A vs B and A vs C; B vs C has no discordant pair (p = 1). Holm: 3 x 0.03125 > 0.05.
    expect(result.comparisons.map((c) => c.p)).toEqual([
      expect.closeTo(0.03125, 12),
      expect.closeTo(0.03125, 12),
      1,
    ]);
    expect(result.comparisons.every((c) => c.winner === undefined)).toBe(true);
    expect(result.verdicts).toHaveLength(3);
  });

  it('has nothing to compare with one variant and no trials', () => {
    const result = compare({ trials: [], attempts: [], sources: [] });
    expect(result).toMatchObject({ variants: [], evaluators: [], comparisons: [], verdicts: [] });
  });
});
