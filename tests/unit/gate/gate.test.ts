import { UserError } from '../../../src/promptfile/errors';
import { buildBaseline } from '../../../src/gate/baseline';
import { gate } from '../../../src/gate/gate';
import { times, trialTable } from './build';

const V = 'gpt-4o · T=0.2';
const perfect = trialTable([
  { variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 20), evaluatorLine: 76 },
]);

describe('the gate passes', () => {
  it('when the run matches its baseline', () => {
    const verdict = gate(perfect, buildBaseline(perfect));
    expect(verdict.pass).toBe(true);
    expect(verdict.failures).toEqual([]);
    expect(verdict.summary).toMatch(/^Gate passed/);
  });

  it('when one failure in 20 is set against a perfect baseline: not evidence of a regression', () => {
    const run = trialTable([{ variant: V, evaluator: 'Refusal JSON', outcomes: `${times('P', 19)}F` }]);
    expect(gate(run, buildBaseline(perfect)).pass).toBe(true);
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
  const verdict = gate(run, buildBaseline(perfect));

  it('naming variant, evaluator, before, after and p-value', () => {
    expect(verdict.pass).toBe(false);
    const failure = verdict.failures[0];
    expect(failure).toMatchObject({
      kind: 'regression',
      variant: V,
      evaluator: 'Refusal JSON',
      before: { passes: 20, trials: 20 },
      after: { passes: 5, trials: 20 },
    });
    expect(failure?.kind === 'regression' && failure.p).toBeLessThan(0.001);
    expect(failure?.message).toBe(
      `"Refusal JSON" regressed for ${V}: 20/20 (100%) in the baseline, 5/20 (25%) now (one-sided exact test over 1 shared row, Holm-adjusted p < 0.001, alpha 0.05).`,
    );
  });

  it("pointing at the evaluator's line in the prompt file", () => {
    expect(verdict.failures[0]?.location).toEqual({ file: 'prompts/x.prompt.yml', line: 76 });
  });

  it('falling back to the line of the row that failed most when the evaluator line is unknown', () => {
    const base = trialTable([
      { variant: V, evaluator: 'E', row: 0, outcomes: times('P', 10) },
      { variant: V, evaluator: 'E', row: 3, outcomes: times('P', 10) },
    ]);
    const worse = trialTable([
      { variant: V, evaluator: 'E', row: 0, outcomes: times('P', 10) },
      { variant: V, evaluator: 'E', row: 3, outcomes: times('F', 10) },
    ]);
    expect(gate(worse, buildBaseline(base)).failures[0]?.location).toEqual({
      file: 'prompts/x.prompt.yml',
      line: 13,
    });
  });
});

describe('regressions are Holm-corrected across every variant and evaluator', () => {
  // 10/10 -> 5/10 alone: one-sided Fisher p = 0.0163, significant at 0.05.
  const series = (evaluators: string[], outcomes: string) =>
    evaluators.map((evaluator) => ({ variant: V, evaluator, outcomes }));
  const before = (evaluators: string[]) => buildBaseline(trialTable(series(evaluators, times('P', 10))));
  const after = (evaluators: string[]) => trialTable(series(evaluators, times('P', 5) + times('F', 5)));

  it('one such drop fails the gate', () => {
    expect(gate(after(['A']), before(['A'])).pass).toBe(false);
  });

  it('the same drop on four evaluators at once does not survive the correction (4 x 0.0163 > 0.05)', () => {
    const names = ['A', 'B', 'C', 'D'];
    const verdict = gate(after(names), before(names));
    expect(verdict.checks.map((c) => c.regression?.p)).toEqual(names.map(() => expect.closeTo(0.01625, 4)));
    expect(verdict.checks.every((c) => !c.regressed)).toBe(true);
  });

  it('a stricter alpha is honoured', () => {
    expect(gate(after(['A']), before(['A']), { alpha: 0.01 }).pass).toBe(true);
  });
});

describe('floors hold on the Wilson lower bound, not the observed rate', () => {
  const run = trialTable([
    { variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 17) + times('F', 3) },
  ]);

  it('17/20 (85%) passes a floor of 0.6: its interval [0.640, 0.948] starts above it', () => {
    expect(gate(run, undefined, { floors: { 'Refusal JSON': 0.6 } }).pass).toBe(true);
  });

  it('17/20 (85%) fails a floor of 0.7 although 85% > 70%: not shown with 95% confidence', () => {
    const verdict = gate(run, undefined, { floors: { 'Refusal JSON': 0.7 } });
    expect(verdict.pass).toBe(false);
    expect(verdict.failures[0]).toMatchObject({
      kind: 'floor',
      floor: 0.7,
      lower: expect.closeTo(0.6396, 4),
    });
  });

  it('a per-evaluator floor overrides the global floor', () => {
    expect(gate(run, undefined, { floor: 0.9, floors: { 'Refusal JSON': 0.5 } }).pass).toBe(true);
    expect(gate(run, undefined, { floor: 0.9 }).pass).toBe(false);
  });

  it('a floor for an evaluator the run does not have fails, so a typo cannot switch a floor off', () => {
    const verdict = gate(run, undefined, { floors: { 'Refusal Json': 0.5 } });
    expect(verdict.failures.map((f) => f.kind)).toEqual(['unknown-floor']);
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
    const verdict = gate(run, undefined, { maxErrorRate: 1 });
    expect(verdict.failures.map((f) => f.kind)).toEqual(['no-trials']);
  });

  it('on any errored call by default', () => {
    const run = trialTable([{ variant: V, evaluator: 'E', outcomes: `${times('P', 9)}E` }]);
    const verdict = gate(run, undefined);
    expect(verdict.failures[0]).toMatchObject({ kind: 'errors', variant: V, errors: 1, attempts: 10 });
    expect(verdict.failures[0]?.message).toContain(
      'errored on 1 of 10 calls (10%), more than the 0% allowed',
    );
    expect(verdict.failures[0]?.location).toEqual({ file: 'prompts/x.prompt.yml', line: 10 });
  });

  it('on errors above a configured rate, and not at or below it', () => {
    const run = trialTable([{ variant: V, evaluator: 'E', outcomes: `${times('P', 9)}E` }]);
    expect(gate(run, undefined, { maxErrorRate: 0.1 }).pass).toBe(true);
    expect(gate(run, undefined, { maxErrorRate: 0.05 }).pass).toBe(false);
  });

  it('when a baseline variant is missing from the run', () => {
    const baseline = buildBaseline(
      trialTable([{ variant: 'gpt-4o · T=1', evaluator: 'Refusal JSON', outcomes: 'PP' }]),
    );
    const verdict = gate(perfect, baseline);
    expect(verdict.failures).toEqual([
      expect.objectContaining({ kind: 'missing-variant', variant: 'gpt-4o · T=1' }),
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
    const missing = gate(trialTable([{ variant: V, evaluator: 'Refusal JSON', outcomes: 'PP' }]), baseline);
    expect(missing.failures).toEqual([
      expect.objectContaining({ kind: 'missing-evaluator', variant: V, evaluator: 'Mentions Merkle' }),
    ]);
    const erroredOnly = gate(
      trialTable([
        { variant: V, evaluator: 'Refusal JSON', outcomes: 'PP', row: 1 },
        { variant: V, evaluator: 'Mentions Merkle', outcomes: 'EE' },
      ]),
      baseline,
      { maxErrorRate: 1 },
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
