/**
 * The gate as shipped, simulated at a small size (bench/gatePower.ts; `npm run bench` runs it at full size and
 * writes the figures to BENCHMARKS.md): false alarms at most alpha, per baseline too, and the power plan promised.
 */
import { gateSection } from '../../../bench/gatePower';
import { planAssumed } from '../../../src/gate/plan';

describe('the gate as shipped, on simulated runs', () => {
  const { design, rows } = gateSection({ baselines: 6, runs: 50 });
  const [none, everyRow, oneEvaluator] = rows.map((r) => r.figures);
  const [seqNone, seqEveryRow] = rows.map((r) => r.sequential);

  it('uses the repeats promptfile plan asks for at this design', () => {
    const plan = planAssumed(
      { rows: design.rows, rate: design.rate ** design.evaluators, variants: design.variants },
      { simulations: 500 },
    );
    expect(Math.abs(plan.lines[0]!.repeatsNeeded! - design.repeats)).toBeLessThanOrEqual(8);
  });

  it('raises false alarms at most 5% of the time with no change, across 2 variants x 10 evaluators', () => {
    expect(none!.regressionRate).toBeLessThanOrEqual(0.05);
    // Per baseline, 50 runs each: a rate of 5% would show as at most ~12% here by chance.
    for (const rate of none!.perBaseline) expect(rate).toBeLessThanOrEqual(0.12);
  });

  it('catches a 15-point drop on every row about 80% of the time', () => {
    expect(everyRow!.regressionRate).toBeGreaterThanOrEqual(0.7);
  });

  it('catches one evaluator falling 15 points less often: the row verdict falls by 15 x 0.98^9 = 12.5 points', () => {
    expect(oneEvaluator!.regressionRate).toBeGreaterThan(0.2);
    expect(oneEvaluator!.regressionRate).toBeLessThan(everyRow!.regressionRate);
  });

  describe('until decided (eval --until-decided, 1.4 times the budget, 5 looks)', () => {
    it('raises false alarms at most 5% of the time, and eval and the gate never disagree about a stop', () => {
      expect(seqNone!.regressionRate).toBeLessThanOrEqual(0.05);
      for (const r of rows) expect(r.sequential.undecided).toBe(0);
    });

    it('catches a 15-point drop on every row at least as often as the fixed design, for fewer calls', () => {
      expect(seqEveryRow!.regressionRate).toBeGreaterThanOrEqual(0.75);
      expect(seqEveryRow!.meanCalls).toBeLessThanOrEqual(0.75 * seqEveryRow!.fixedCalls);
    });

    it("spends at most 70% of the fixed design's calls when nothing changed", () => {
      expect(seqNone!.meanCalls).toBeLessThanOrEqual(0.7 * seqNone!.fixedCalls);
    });
  });
});
