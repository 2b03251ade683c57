import { UserError } from '../../../src/errors/diagnostics';
import { buildBaseline } from '../../../src/gate/baseline';
import { gate, ROW_VERDICT } from '../../../src/gate/gate';
import { atLevel } from '../../../src/stats/alternative';
import { fisherExact } from '../../../src/stats/fisher';
import { belowBaseline } from '../../../src/stats/regression';
import { times, trialTable } from './build';

const V = 'gpt-4o · T=0.2';
/** The tests of other rules use small samples; power is required by default and has tests of its own below. */
const BLIND = { maxDetectableDrop: 1 };
const perfect = trialTable([
  { variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 20), evaluatorLine: 76 },
]);

describe('the gate passes', () => {
  it('when the run matches its baseline', () => {
    const verdict = gate(perfect, buildBaseline(perfect), BLIND);
    expect(verdict.pass).toBe(true);
    expect(verdict.failures).toEqual([]);
    expect(verdict.summary).toMatch(/^Gate passed/);
  });

  it('when one failure in 20 is set against a perfect baseline: not evidence of a regression', () => {
    const run = trialTable([{ variant: V, evaluator: 'Refusal JSON', outcomes: `${times('P', 19)}F` }]);
    expect(gate(run, buildBaseline(perfect), BLIND).pass).toBe(true);
  });

  it('with no baseline, on floors and errors alone, calling new evaluators new', () => {
    const verdict = gate(perfect, undefined, { floor: 0.8 });
    expect(verdict.pass).toBe(true);
    expect(verdict.hasBaseline).toBe(false);
    expect(verdict.checks[0]?.before).toBeUndefined();
  });
});

describe('the gate fails on a regression', () => {
  const run = trialTable([
    { variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 5) + times('F', 15), evaluatorLine: 76 },
  ]);
  const verdict = gate(run, buildBaseline(perfect), BLIND);

  it('naming variant, evaluator, before, after and p-value', () => {
    expect(verdict.pass).toBe(false);
    expect(verdict.failures.map((f) => f.kind === 'regression' && f.evaluator)).toEqual([
      ROW_VERDICT,
      'Refusal JSON',
    ]);
    const failure = verdict.failures[1];
    expect(failure).toMatchObject({
      kind: 'regression',
      variant: V,
      evaluator: 'Refusal JSON',
      before: { passes: 20, trials: 20 },
      after: { passes: 5, trials: 20 },
    });
    expect(failure?.kind === 'regression' && failure.p).toBeLessThan(0.001);
    expect(failure?.message).toBe(
      `"Refusal JSON" regressed for ${V}: 20/20 (100%) in the baseline, 5/20 (25%) now (one-sided exact test over 1 shared row, Holm-adjusted p < 0.001, alpha 0.05, after its row verdict regressed).`,
    );
  });

  it("pointing at the evaluator's line in the prompt file", () => {
    expect(verdict.failures[1]?.location).toEqual({ file: 'prompts/x.prompt.yml', line: 76 });
  });

  /** Evaluator E of V on these rows, called in this order, ten calls each that all pass (P) or all fail (F). */
  const evaluatorOnRows = (...rows: [number, 'P' | 'F'][]) =>
    trialTable(rows.map(([row, o]) => ({ variant: V, evaluator: 'E', row, outcomes: times(o, 10) })));

  it('falling back to the line of the row that failed most when the evaluator line is unknown', () => {
    const base = evaluatorOnRows([0, 'P'], [3, 'P']);
    const worse = evaluatorOnRows([0, 'P'], [3, 'F']);
    expect(gate(worse, buildBaseline(base), BLIND).failures[1]?.location).toEqual({
      file: 'prompts/x.prompt.yml',
      line: 13,
    });
  });

  it('and, when rows failed alike, to the row called first', () => {
    const base = evaluatorOnRows([3, 'P'], [0, 'P']);
    const worse = evaluatorOnRows([3, 'F'], [0, 'F']);
    const failures = gate(worse, buildBaseline(base), BLIND).failures;
    expect(failures.map((f) => f.kind)).toEqual(['regression', 'regression']);
    expect(failures.map((f) => f.location)).toEqual([
      { file: 'prompts/x.prompt.yml', line: 13 },
      { file: 'prompts/x.prompt.yml', line: 13 },
    ]);
  });
});

/**
 * 10/10 -> 5/10: the baseline vouches for 78.7% (its one-sided 95% Wilson lower bound), and 5 or fewer passes in
 * 10 at that rate have probability 0.042: significant at 0.05 alone, not after dividing alpha by four.
 */
const P_10_OF_10_TO_5 = belowBaseline([{ a: { passes: 10, trials: 10 }, b: { passes: 5, trials: 10 } }]).p;

describe('the row verdict is the primary endpoint; evaluators are secondary, behind it', () => {
  const series = (evaluators: string[], outcomes: string) =>
    evaluators.map((evaluator) => ({ variant: V, evaluator, outcomes }));
  const before = (evaluators: string[]) => buildBaseline(trialTable(series(evaluators, times('P', 10))));
  const after = (evaluators: string[]) => trialTable(series(evaluators, times('P', 5) + times('F', 5)));
  const legacy = (evaluators: string[]) => {
    const { rowVerdicts: _dropped, ...rest } = before(evaluators);
    return rest;
  };

  it('one such drop fails the gate', () => {
    expect(gate(after(['A']), before(['A']), BLIND).pass).toBe(false);
  });

  it('the same drop on four evaluators at once fails on the row verdict, tested at full alpha', () => {
    const names = ['A', 'B', 'C', 'D'];
    const verdict = gate(after(names), before(names), BLIND);
    expect(verdict.pass).toBe(false);
    const primary = verdict.checks.find((c) => c.role === 'primary');
    expect(primary).toMatchObject({ evaluator: ROW_VERDICT, regressed: true });
    expect(primary?.regression?.pAdjusted).toBeCloseTo(P_10_OF_10_TO_5, 6);
    // Behind it, Holm within the variant: 4 x 0.042 > 0.05, so no single evaluator is named.
    const secondaries = verdict.checks.filter((c) => c.role === 'secondary');
    expect(secondaries.map((c) => c.regression?.p)).toEqual(
      names.map(() => expect.closeTo(P_10_OF_10_TO_5, 6)),
    );
    expect(secondaries.every((c) => !c.regressed)).toBe(true);
  });

  it('a baseline without row verdicts tests every evaluator as a primary, Holm-corrected (4 x 0.042 > 0.05)', () => {
    const names = ['A', 'B', 'C', 'D'];
    const verdict = gate(after(names), legacy(names), BLIND);
    expect(verdict.checks.every((c) => c.role === 'primary' && !c.regressed)).toBe(true);
    expect(verdict.pass).toBe(true);
  });

  it('an evaluator that drops where the row already failed is not a regression of the row, and is not tested', () => {
    // B failed the first five calls in the baseline; now A fails the same five: the row verdict is unchanged.
    const base = trialTable([
      { variant: V, evaluator: 'A', outcomes: times('P', 10) },
      { variant: V, evaluator: 'B', outcomes: times('F', 5) + times('P', 5) },
    ]);
    const run = trialTable([
      { variant: V, evaluator: 'A', outcomes: times('F', 5) + times('P', 5) },
      { variant: V, evaluator: 'B', outcomes: times('F', 5) + times('P', 5) },
    ]);
    const verdict = gate(run, buildBaseline(base), BLIND);
    expect(verdict.pass).toBe(true);
    expect(verdict.checks.find((c) => c.evaluator === 'A')).toMatchObject({
      role: 'secondary',
      regressed: false,
    });
  });

  it('a stricter alpha is honoured', () => {
    expect(gate(after(['A']), before(['A']), { ...BLIND, alpha: 0.01 }).pass).toBe(true);
  });

  it('a p-value exactly at alpha is significant, whichever way floating point rounded it', () => {
    expect(fisherExact({ passes: 3, trials: 3 }, { passes: 0, trials: 3 }, 'less').p).toBeCloseTo(0.05, 12);
    expect(atLevel(0.04999999999999996, 0.05)).toBe(true);
    expect(atLevel(0.05000000000000003, 0.05)).toBe(true);
    expect(atLevel(0.0500001, 0.05)).toBe(false);
  });
});

describe('the gate must be able to see a regression', () => {
  it('fails as underpowered when 20 calls against a 20-call baseline can neither see nor rule out a 15-point drop', () => {
    const run = trialTable([{ variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 18) + 'FF' }]);
    const verdict = gate(run, buildBaseline(perfect));
    expect(verdict.pass).toBe(false);
    expect(verdict.failures.map((f) => f.kind)).toEqual(['underpowered']);
    const failure = verdict.failures[0];
    expect(failure?.kind === 'underpowered' && failure.detectableDrop).toBeGreaterThan(0.15);
    expect(failure?.message).toMatch(/promptfile plan/);
    expect(failure?.message).toMatch(/the data do not rule one out \(it could be up to 2\d(\.\d)?%/);
  });

  it('passes when the data rule the drop out although the test could not see it: 20/20 again is at most 12 points worse', () => {
    const verdict = gate(perfect, buildBaseline(perfect));
    expect(verdict.failures).toEqual([]);
    const primary = verdict.checks.find((c) => c.role === 'primary');
    expect(primary?.detectableDrop).toBeGreaterThan(0.15);
    expect(primary?.dropBound).toBeCloseTo(1 - 20 / (20 + 1.6448536269514722 ** 2), 9);
  });

  it('passes once the run and the baseline are large enough, and reports what it can see', () => {
    const big = trialTable([
      { variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 95) + times('F', 5) },
    ]);
    const verdict = gate(big, buildBaseline(big));
    expect(verdict.failures).toEqual([]);
    const primary = verdict.checks.find((c) => c.role === 'primary');
    expect(primary?.detectableDrop).toBeLessThanOrEqual(0.15);
  });

  it('a looser maximum is honoured', () => {
    const run = trialTable([{ variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 18) + 'FF' }]);
    expect(gate(run, buildBaseline(perfect)).pass).toBe(false);
    expect(gate(run, buildBaseline(perfect), { maxDetectableDrop: 0.5 }).pass).toBe(true);
  });

  it('deterministic variants need no power: they are compared row by row, and any change fails', () => {
    const mark = (table: ReturnType<typeof trialTable>) => ({
      ...table,
      attempts: table.attempts.map((a) => ({ ...a, deterministic: true })),
    });
    const base = mark(trialTable([{ variant: V, evaluator: 'A', outcomes: 'PPPPP' }]));
    expect(gate(base, buildBaseline(base)).pass).toBe(true);
    const changed = mark(trialTable([{ variant: V, evaluator: 'A', outcomes: 'PPPPF' }]));
    const verdict = gate(changed, buildBaseline(base));
    expect(verdict.failures).toEqual([
      expect.objectContaining({ kind: 'changed', evaluator: 'A', row: 'prompts/x.prompt.yml#0' }),
    ]);
  });
});

describe('floors fail when the evidence says the rate is below them (Wilson upper bound)', () => {
  const run = trialTable([
    { variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 17) + times('F', 3) },
  ]);

  it('17/20 (85%) passes a floor of 0.9: its interval [0.640, 0.948] reaches it, nothing says it is lower', () => {
    expect(gate(run, undefined, { floors: { 'Refusal JSON': 0.9 } }).pass).toBe(true);
  });

  it('17/20 (85%) fails a floor of 0.95: the whole interval lies below it', () => {
    const verdict = gate(run, undefined, { floors: { 'Refusal JSON': 0.95 } });
    expect(verdict.pass).toBe(false);
    expect(verdict.failures[0]).toMatchObject({
      kind: 'floor',
      floor: 0.95,
      upper: expect.closeTo(0.9476, 4),
    });
    expect(verdict.failures[0]?.message).toBe(
      `"Refusal JSON" for ${V} is below its floor of 95%: 17/20 (85%), 95% interval [64%, 94.8%], all of it below the floor.`,
    );
  });

  it('a perfect 15/15 passes a floor of 0.8 (which it could never prove)', () => {
    const perfect15 = trialTable([{ variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 15) }]);
    expect(gate(perfect15, undefined, { floor: 0.8 }).pass).toBe(true);
    expect(gate(perfect15, undefined, { floor: 0.8, proveFloors: true }).pass).toBe(false);
  });

  it('a per-evaluator floor overrides the global floor', () => {
    expect(gate(run, undefined, { floor: 0.96, floors: { 'Refusal JSON': 0.5 } }).pass).toBe(true);
    expect(gate(run, undefined, { floor: 0.96 }).pass).toBe(false);
  });

  it('a floor for an evaluator the run does not have fails, so a typo cannot switch a floor off', () => {
    const verdict = gate(run, undefined, { floor: 0, floors: { 'Refusal Json': 0.5 } });
    expect(verdict.failures.map((f) => f.kind)).toEqual(['unknown-floor']);
  });
});

describe('"prove at least" floors (proveFloors): the Wilson lower bound must reach them', () => {
  const run = trialTable([
    { variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 17) + times('F', 3) },
  ]);

  it('17/20 (85%) passes a floor of 0.6: its interval [0.640, 0.948] starts above it', () => {
    expect(gate(run, undefined, { floors: { 'Refusal JSON': 0.6 }, proveFloors: true }).pass).toBe(true);
  });

  it('17/20 (85%) fails a floor of 0.7 although 85% > 70%: not shown with 95% confidence', () => {
    const verdict = gate(run, undefined, { floors: { 'Refusal JSON': 0.7 }, proveFloors: true });
    expect(verdict.pass).toBe(false);
    expect(verdict.floorMode).toBe('prove');
    expect(verdict.failures[0]).toMatchObject({
      kind: 'floor',
      floor: 0.7,
      lower: expect.closeTo(0.6396, 4),
    });
    expect(verdict.failures[0]?.message).toContain('is not shown to reach its floor of 70%');
  });
});

describe('the gate fails closed', () => {
  it('on a run with no trials at all', () => {
    const verdict = gate({ trials: [], attempts: [], sources: [] }, undefined);
    expect(verdict.pass).toBe(false);
    expect(verdict.failures.map((f) => f.kind)).toEqual(['no-trials']);
  });

  it('on a run where every call errored, even when errors are tolerated', () => {
    const run = trialTable([{ variant: V, evaluator: 'E', outcomes: 'EEE' }]);
    const verdict = gate(run, undefined, { maxErrorRate: 1, floor: 0 });
    expect(verdict.failures.map((f) => f.kind)).toEqual(['no-trials']);
  });

  it('on any errored call by default', () => {
    const run = trialTable([{ variant: V, evaluator: 'E', outcomes: `${times('P', 9)}E` }]);
    const verdict = gate(run, undefined, { floor: 0 });
    expect(verdict.failures[0]).toMatchObject({ kind: 'errors', variant: V, errors: 1, attempts: 10 });
    expect(verdict.failures[0]?.message).toContain(
      'errored on 1 of 10 calls (10%), more than the 0% allowed',
    );
    expect(verdict.failures[0]?.location).toEqual({ file: 'prompts/x.prompt.yml', line: 10 });
  });

  it('on errors above a configured rate, and not at or below it', () => {
    const run = trialTable([{ variant: V, evaluator: 'E', outcomes: `${times('P', 9)}E` }]);
    expect(gate(run, undefined, { maxErrorRate: 0.1, floor: 0 }).pass).toBe(true);
    expect(gate(run, undefined, { maxErrorRate: 0.05, floor: 0 }).pass).toBe(false);
  });

  it('when a baseline variant is missing from the run', () => {
    const baseline = buildBaseline(
      trialTable([{ variant: 'gpt-4o · T=1', evaluator: 'Refusal JSON', outcomes: 'PP' }]),
    );
    const verdict = gate(perfect, baseline, BLIND);
    expect(verdict.failures).toEqual([
      expect.objectContaining({ kind: 'missing-variant', variant: 'gpt-4o · T=1' }),
      // and the run's variant has no baseline: a renamed variant is both.
      expect.objectContaining({ kind: 'new-variant', variant: V }),
    ]);
    expect(verdict.checks.find((c) => c.variant === 'gpt-4o · T=1')?.missing).toBe(true);
  });

  it('when a baseline evaluator is missing from the run, or has only errors in it', () => {
    const baseline = buildBaseline(
      trialTable([
        { variant: V, evaluator: 'Refusal JSON', outcomes: 'PP' },
        { variant: V, evaluator: 'Mentions Merkle', outcomes: 'PP' },
      ]),
    );
    const missing = gate(
      trialTable([{ variant: V, evaluator: 'Refusal JSON', outcomes: 'PP' }]),
      baseline,
      BLIND,
    );
    expect(missing.failures).toEqual([
      expect.objectContaining({ kind: 'missing-evaluator', variant: V, evaluator: 'Mentions Merkle' }),
    ]);
    const erroredOnly = gate(
      trialTable([
        { variant: V, evaluator: 'Refusal JSON', outcomes: 'PP' },
        { variant: V, evaluator: 'Mentions Merkle', outcomes: 'EE' },
      ]),
      baseline,
      { ...BLIND, maxErrorRate: 1 },
    );
    expect(erroredOnly.failures.map((f) => f.kind)).toEqual(['missing-evaluator']);
    expect(erroredOnly.failures[0]?.message).toContain('only errors (2)');
  });
});

describe('gate options are checked', () => {
  it.each([
    [{ alpha: 0 }, /alpha/],
    [{ alpha: 1.5 }, /alpha/],
    [{ maxErrorRate: -0.1 }, /error rate/],
    [{ floor: 2 }, /floor for \(global\)/],
    [{ floors: { X: Number.NaN } }, /floor for X/],
  ])('%j is refused with a UserError', (options, message) => {
    expect(() => gate(perfect, undefined, options)).toThrow(UserError);
    expect(() => gate(perfect, undefined, options)).toThrow(message);
  });
});
