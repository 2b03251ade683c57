import { fisherExact } from '../../../src/stats/fisher';
import { compare } from '../../../src/compare/compare';
import { times, trialTable } from '../gate/build';

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

describe('compare tests variants against each other on the rows they share', () => {
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
    // Fisher's exact test on the one shared row, two-sided; Holm over 2 comparisons doubles it.
    const p = fisherExact({ passes: 20, trials: 20 }, { passes: 8, trials: 20 }).p;
    expect(refusal).toMatchObject({
      rows: 1,
      countsA: { passes: 20, trials: 20 },
      countsB: { passes: 8, trials: 20 },
      winner: A,
    });
    expect(refusal?.p).toBeCloseTo(p, 15);
    expect(refusal?.pAdjusted).toBeCloseTo(2 * p, 15);
    // A - B = 60 points; Wald interval from B's variance alone (A passed every trial): 0.6 +- 1.96 sqrt(0.24/20).
    expect(refusal?.difference).toBeCloseTo(0.6, 12);
    expect(refusal?.interval?.low).toBeCloseTo(0.6 - 1.959964 * Math.sqrt(0.24 / 20), 5);
    expect(result.verdicts).toEqual([
      { a: A, b: B, text: `${A} beats ${B} on Refusal JSON, p < 0.001; no significant difference elsewhere` },
    ]);
  });

  it('reports p with three decimals near alpha', () => {
    // 5/10 against 10/10: Fisher two-sided p = 0.0325.
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'E', outcomes: times('F', 5) + times('P', 5) },
        { variant: B, evaluator: 'E', outcomes: times('P', 10) },
      ]),
    );
    expect(result.verdicts[0]?.text).toBe(`${B} beats ${A} on E, p = 0.033`);
  });

  it('does not depend on which repeat of A is set against which repeat of B', () => {
    const ordered = compare(
      trialTable([
        { variant: A, evaluator: 'E', outcomes: 'PPPPPFFFFF' },
        { variant: B, evaluator: 'E', outcomes: 'PPPPPPPPFF' },
      ]),
    ).comparisons[0];
    const shuffled = compare(
      trialTable([
        { variant: A, evaluator: 'E', outcomes: 'FPFPFPFPFP' },
        { variant: B, evaluator: 'E', outcomes: 'PFPPPFPPPP' },
      ]),
    ).comparisons[0];
    expect(shuffled?.p).toBe(ordered?.p);
    expect(shuffled?.difference).toBe(ordered?.difference);
  });

  it('compares rows with rows: a variant that ran the harder row more often is not worse for it', () => {
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'E', row: 0, outcomes: times('P', 10) },
        { variant: A, evaluator: 'E', row: 1, outcomes: times('F', 2) },
        { variant: B, evaluator: 'E', row: 0, outcomes: times('P', 2) },
        { variant: B, evaluator: 'E', row: 1, outcomes: times('F', 10) },
      ]),
    );
    expect(result.comparisons[0]?.difference).toBeCloseTo(0, 12);
    expect(result.comparisons[0]?.p).toBeCloseTo(1, 12);
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

  it('counts only graded trials on rows both variants ran: errors and unshared rows drop out', () => {
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'E', row: 0, outcomes: 'PPE' },
        { variant: B, evaluator: 'E', row: 0, outcomes: 'FEF' },
        { variant: A, evaluator: 'E', row: 1, outcomes: 'PP' },
      ]),
    );
    expect(result.comparisons[0]).toMatchObject({
      rows: 1,
      countsA: { passes: 2, trials: 2 },
      countsB: { passes: 0, trials: 2 },
    });
  });

  it('does not compare variants that share no rows, and says why', () => {
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'E', row: 0, outcomes: 'PP' },
        { variant: B, evaluator: 'E', row: 1, outcomes: 'FF' },
      ]),
    );
    expect(result.comparisons[0]).toMatchObject({ rows: 0, p: 1, pAdjusted: 1, difference: null });
    expect(result.comparisons[0]?.winner).toBeUndefined();
    expect(result.verdicts[0]?.text).toBe(`${A} and ${B} share no graded rows, so they were not compared`);
  });

  it('corrects across every pair of variants and evaluator', () => {
    const C = 'gpt-4o-mini · T=0.2';
    const result = compare(
      trialTable([
        { variant: A, evaluator: 'E', outcomes: times('P', 4) },
        { variant: B, evaluator: 'E', outcomes: times('F', 4) },
        { variant: C, evaluator: 'E', outcomes: times('F', 4) },
      ]),
    );
    // Fisher two-sided, 4/4 against 0/4: p = 2/70 = 0.0286 for A vs B and A vs C; B vs C: p = 1. Holm: 3 x 0.0286 > 0.05.
    expect(result.comparisons.map((c) => c.p)).toEqual([
      expect.closeTo(2 / 70, 12),
      expect.closeTo(2 / 70, 12),
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
