import { buildBaseline, mergeBaselines, parseBaseline, serializeBaseline } from '../../../src/gate/baseline';
import { gate, ROW_VERDICT } from '../../../src/gate/gate';
import { planAgainstBaseline, planAssumed } from '../../../src/gate/plan';
import { times, trialTable } from './build';

const V = 'gpt-4o · T=0.2';
const rows = (outcomes: string) =>
  trialTable([0, 1, 2].map((row) => ({ variant: V, evaluator: 'E', row, outcomes })));

describe('promptfile plan', () => {
  it('with no baseline: three rows at 80% need tens of repeats for a 15-point drop, and 5 see only large drops', () => {
    const plan = planAssumed({ rows: 3, rate: 0.8, variants: 1 }, { simulations: 500 });
    const [line] = plan.lines;
    expect(line?.endpoint).toBe(ROW_VERDICT);
    expect(line?.repeatsNeeded).toBeGreaterThan(25);
    expect(line?.repeatsNeeded).toBeLessThan(70);
    expect(line?.detectsNow).toBeGreaterThan(0.3);
  });

  it('more variants in the gate need more repeats: each primary is tested at alpha over their number', () => {
    const one = planAssumed({ rows: 3, rate: 0.8, variants: 1 }, { simulations: 300 }).lines[0]!;
    const six = planAssumed({ rows: 3, rate: 0.8, variants: 6 }, { simulations: 300 }).lines[0]!;
    expect(six.repeatsNeeded!).toBeGreaterThan(one.repeatsNeeded!);
  });

  it('a plan against a baseline agrees with the gate: at the planned size, the gate is not underpowered', () => {
    const baseline = buildBaseline(rows(times('P', 40) + times('F', 10)));
    const plan = planAgainstBaseline(baseline, { simulations: 500 });
    const needed = plan.lines[0]!.repeatsNeeded!;
    expect(needed).toBeGreaterThan(5);
    const run = rows(times('P', Math.round(needed * 0.8)) + times('F', needed - Math.round(needed * 0.8)));
    const verdict = gate(run, baseline);
    expect(verdict.failures.map((f) => f.kind)).not.toContain('underpowered');
    // And a run far smaller than planned is underpowered.
    expect(gate(rows('PPPF'), baseline).failures.map((f) => f.kind)).toContain('underpowered');
  });

  it('says when no run can be large enough: the baseline itself is too small', () => {
    const plan = planAgainstBaseline(buildBaseline(rows('PP')), { simulations: 200, maxRepeat: 100 });
    expect(plan.lines[0]?.repeatsNeeded).toBeNull();
  });

  it('leaves deterministic variants out: the gate compares them row by row', () => {
    const table = rows('PPPPP');
    const marked = { ...table, attempts: table.attempts.map((a) => ({ ...a, deterministic: true })) };
    const plan = planAgainstBaseline(buildBaseline(marked));
    expect(plan.lines).toEqual([]);
    expect(plan.deterministic).toEqual([V]);
  });
});

describe('baseline --merge', () => {
  it('adds counts per variant, evaluator, row and row verdict, and round-trips through its text', () => {
    const a = buildBaseline(rows('PPF'));
    const b = buildBaseline(rows('PF'));
    const merged = mergeBaselines(a, b);
    expect(merged.variants[V]?.['E']?.total).toEqual({ passes: 9, trials: 15, errors: 0 });
    expect(merged.variants[V]?.['E']?.rows['prompts/x.prompt.yml#1']).toEqual({
      passes: 3,
      trials: 5,
      errors: 0,
    });
    expect(merged.rowVerdicts?.[V]?.total).toEqual({ passes: 9, trials: 15, errors: 0 });
    expect(parseBaseline(serializeBaseline(merged), 'merged.json')).toEqual(merged);
  });

  it('keeps variants and evaluators either side has', () => {
    const a = buildBaseline(trialTable([{ variant: 'A', evaluator: 'E', outcomes: 'P' }]));
    const b = buildBaseline(trialTable([{ variant: 'B', evaluator: 'F', outcomes: 'F' }]));
    expect(Object.keys(mergeBaselines(a, b).variants).sort()).toEqual(['A', 'B']);
  });

  it('does not change either input', () => {
    const a = buildBaseline(rows('P'));
    const before = serializeBaseline(a);
    mergeBaselines(a, buildBaseline(rows('F')));
    expect(serializeBaseline(a)).toBe(before);
  });
});
