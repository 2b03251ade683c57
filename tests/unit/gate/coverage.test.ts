/**
 * Every way to pass is earned: the run must cover its baseline and the baseline the run, a baseline of the offline
 * reference gates no model, and a baseline a pull request lowers does not judge it until a reviewer accepts it.
 */
import { buildBaseline, mergeBaselines } from '../../../src/gate/baseline';
import { DETERMINISTIC_ONLY } from '../../../src/gate/coverage';
import { gate, ROW_VERDICT } from '../../../src/gate/gate';
import { baselineChanges } from '../../../src/gate/lowered';
import { TrialTable } from '../../../src/results/trial';
import { times, trialTable } from './build';

const V = 'gpt-4o · T=0.2';
const OFFLINE = 'offline reference (baseline, not a model)';
const BLIND = { maxDetectableDrop: 1 };

const good = trialTable([
  { variant: V, evaluator: 'A', row: 0, outcomes: times('P', 5) },
  { variant: V, evaluator: 'A', row: 1, outcomes: times('P', 5) },
  { variant: V, evaluator: 'B', row: 1, outcomes: times('P', 5) },
]);
const baseline = buildBaseline(good);

/** A table whose attempts of `variant` are all marked deterministic (what the offline and replay providers do). */
function deterministic(table: TrialTable, variant: string): TrialTable {
  return {
    ...table,
    attempts: table.attempts.map((a) => (a.variant === variant ? { ...a, deterministic: true } : a)),
  };
}

const kinds = (table: TrialTable, options = {}, base = baseline) =>
  gate(table, base, { ...BLIND, ...options }).failures.map((f) => f.kind);

describe('the run must cover its baseline', () => {
  it('a baseline row the run did not call fails, naming the row (a missing shard, a deleted row)', () => {
    const run = trialTable([{ variant: V, evaluator: 'A', row: 0, outcomes: times('P', 5) }]);
    const verdict = gate(run, baseline, BLIND);
    const missing = verdict.failures.find((f) => f.kind === 'missing-rows');
    expect(missing).toMatchObject({ variant: V, rows: ['prompts/x.prompt.yml#1'] });
    expect(missing?.message).toMatch(
      /^The baseline has 1 row of "gpt-4o · T=0\.2" that this run did not call: prompts\/x\.prompt\.yml#1\./,
    );
  });

  it('an evaluator not graded on a row it had in the baseline fails (a re-scoped row)', () => {
    const run = trialTable([
      { variant: V, evaluator: 'A', row: 0, outcomes: times('P', 5) },
      { variant: V, evaluator: 'A', row: 1, outcomes: times('P', 5) },
      { variant: V, evaluator: 'B', row: 0, outcomes: times('P', 5) },
    ]);
    const verdict = gate(run, baseline, BLIND);
    expect(verdict.failures.map((f) => f.kind)).toContain('missing-evaluator');
    expect(verdict.failures.find((f) => f.kind === 'missing-evaluator')?.message).toBe(
      `The baseline has "B" for ${V} on 1 row where this run did not grade it: prompts/x.prompt.yml#1.`,
    );
  });

  it('a run equal to its baseline passes', () => {
    expect(kinds(good)).toEqual([]);
  });
});

describe('the baseline must cover the run, unless new things are accepted and meet floors', () => {
  const extra = trialTable([
    { variant: V, evaluator: 'A', row: 0, outcomes: times('P', 5) },
    { variant: V, evaluator: 'A', row: 1, outcomes: times('P', 5) },
    { variant: V, evaluator: 'B', row: 1, outcomes: times('P', 5) },
    { variant: V, evaluator: 'C', row: 1, outcomes: times('P', 5) },
    { variant: V, evaluator: 'A', row: 2, outcomes: times('P', 5) },
    { variant: 'gpt-4o · T=1', evaluator: 'A', row: 0, outcomes: times('F', 5) },
  ]);

  it('a variant, an evaluator or rows without a baseline fail', () => {
    expect(kinds(extra)).toEqual(expect.arrayContaining(['new-rows', 'new-evaluator', 'new-variant']));
    const verdict = gate(extra, baseline, BLIND);
    expect(verdict.checks.find((c) => c.variant === 'gpt-4o · T=1')?.withoutBaseline).toBe('refused');
  });

  it('accepted, each evaluator involved needs a floor', () => {
    expect(kinds(extra, { acceptNew: true })).toEqual(['unfloored', 'unfloored', 'unfloored']);
    const messages = gate(extra, baseline, { ...BLIND, acceptNew: true }).failures.map((f) => f.message);
    expect(messages).toContain(
      '"gpt-4o · T=1" is accepted as new, but no floor applies to "A": with no baseline, a floor is all it can be held to; give --floor or --floors.',
    );
  });

  it('accepted with floors, what meets them passes and what does not fails', () => {
    expect(kinds(extra, { acceptNew: true, floor: 0 })).toEqual([]);
    expect(kinds(extra, { acceptNew: true, floor: 0.5 })).toEqual(['floor']);
    const accepted = gate(extra, baseline, { ...BLIND, acceptNew: true, floor: 0 });
    expect(accepted.checks.find((c) => c.variant === 'gpt-4o · T=1')?.withoutBaseline).toBe('accepted');
  });

  it('without a baseline every variant is new: floors are all it is held to', () => {
    expect(gate(good, undefined).failures.map((f) => f.kind)).toEqual(['unfloored', 'unfloored']);
    expect(gate(good, undefined, { floor: 0.5 }).pass).toBe(true);
  });
});

describe('a baseline of deterministic variants alone gates no model', () => {
  const offlineRun = deterministic(
    trialTable([{ variant: OFFLINE, evaluator: 'A', row: 0, outcomes: times('P', 5) }]),
    OFFLINE,
  );
  const offlineBaseline = buildBaseline(offlineRun);

  it('it gates an offline run, and says what it is', () => {
    const verdict = gate(offlineRun, offlineBaseline, BLIND);
    expect(verdict.pass).toBe(true);
    expect(verdict.notes).toEqual([DETERMINISTIC_ONLY]);
  });

  it('a model beside the offline reference fails as having no baseline, saying why', () => {
    const both: TrialTable = {
      ...offlineRun,
      trials: [
        ...offlineRun.trials,
        ...trialTable([{ variant: V, evaluator: 'A', row: 0, outcomes: 'FFFFF' }]).trials,
      ],
      attempts: [
        ...offlineRun.attempts,
        ...trialTable([{ variant: V, evaluator: 'A', row: 0, outcomes: 'FFFFF' }]).attempts,
      ],
    };
    const verdict = gate(both, offlineBaseline, BLIND);
    expect(verdict.pass).toBe(false);
    expect(verdict.failures[0]?.message).toContain(
      'is not in the baseline, so nothing it does can be compared with it (the baseline holds only the offline reference and replays, and this variant calls a model)',
    );
  });

  it('a variant deterministic in the baseline that calls a model now fails (a relabelled provider)', () => {
    const live = trialTable([{ variant: OFFLINE, evaluator: 'A', row: 0, outcomes: times('P', 5) }]);
    expect(gate(live, offlineBaseline, BLIND).failures.map((f) => f.kind)).toEqual(['kind-changed']);
  });
});

describe('a proposed baseline is compared with the previous one', () => {
  const worse = trialTable([
    { variant: V, evaluator: 'A', row: 0, outcomes: times('P', 5) },
    { variant: V, evaluator: 'A', row: 1, outcomes: times('F', 5) },
    { variant: V, evaluator: 'B', row: 1, outcomes: times('P', 5) },
  ]);
  const lowered = buildBaseline(worse);

  it('lists every expectation lowered: a lower rate in total, on a row, fewer trials, or dropped', () => {
    expect(baselineChanges(baseline, lowered).map((c) => [c.evaluator, c.kind, c.rows])).toEqual([
      [ROW_VERDICT, 'lowered', ['prompts/x.prompt.yml#1']],
      ['A', 'lowered', ['prompts/x.prompt.yml#1']],
    ]);
    const fewer = buildBaseline(
      trialTable([
        { variant: V, evaluator: 'A', row: 0, outcomes: 'P' },
        { variant: V, evaluator: 'A', row: 1, outcomes: times('P', 5) },
      ]),
    );
    expect(baselineChanges(baseline, fewer).map((c) => `${c.evaluator}:${c.kind}`)).toEqual([
      `${ROW_VERDICT}:lowered`,
      'A:lowered',
      'B:removed',
    ]);
  });

  it('a merged baseline lowers nothing: counts only grow', () => {
    expect(baselineChanges(baseline, mergeBaselines(baseline, buildBaseline(good)))).toEqual([]);
  });

  it('lowered and not accepted: each lowering fails, and the previous baseline judges the run', () => {
    const verdict = gate(worse, lowered, { ...BLIND, previousBaseline: baseline });
    expect(verdict.failures.map((f) => f.kind)).toEqual(
      expect.arrayContaining(['lowered', 'lowered', 'regression']),
    );
    expect(verdict.failures.find((f) => f.kind === 'lowered' && f.evaluator === 'A')?.message).toBe(
      `The baseline lowers "A" for ${V} from 10/10 (100%) to 5/10 (50%) (lower on 1 row: prompts/x.prompt.yml#1); ` +
        'a pull request may lower what it is judged by only when a reviewer accepts it (--accept-lowered); until then the previous baseline judges it.',
    );
    expect(verdict.baselineChangesAccepted).toBe(false);
  });

  it('accepted: the proposed baseline judges the run, and the changes are still reported', () => {
    const verdict = gate(worse, lowered, { ...BLIND, previousBaseline: baseline, acceptLowered: true });
    expect(verdict.pass).toBe(true);
    expect(verdict.baselineChanges).toHaveLength(2);
    expect(verdict.baselineChangesAccepted).toBe(true);
  });

  it('an added variant is listed, but not trusted until accepted: the run still needs a baseline for it', () => {
    const withNew = trialTable([
      ...[0, 1].map((row) => ({ variant: V, evaluator: 'A', row, outcomes: times('P', 5) })),
      { variant: V, evaluator: 'B', row: 1, outcomes: times('P', 5) },
      { variant: 'new', evaluator: 'A', row: 0, outcomes: times('F', 5) },
    ]);
    const proposed = buildBaseline(withNew);
    const verdict = gate(withNew, proposed, { ...BLIND, previousBaseline: baseline });
    expect(verdict.baselineChanges.map((c) => c.kind)).toEqual(['added', 'added']);
    expect(verdict.failures.map((f) => f.kind)).toEqual(['new-variant']);
  });
});
