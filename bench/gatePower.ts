/**
 * The gate as shipped, simulated: false alarms, power and family-wise error, measured by running `gate()` on
 * trial tables drawn from known pass rates (seeded, so the figures reproduce). `npm test` runs it small
 * (tests/unit/gate/simulation.test.ts), `npm run bench` at full size.
 *
 * The model of a call: each evaluator of a row passes independently at its rate; with probability `broken` the
 * call is broken and fails every evaluator (a model that stopped following the prompt). The row verdict passes
 * when every evaluator passes. Sizes come from `promptfile plan` (planAssumed): the run is the repeats it asks for,
 * the baseline `baselineRuns` such runs merged, as `baseline --merge` builds it on main.
 * The prose of the bench section is in bench/text/gate.md, filled with the figures simulated here.
 */
import * as path from 'node:path';
import { buildBaseline, mergeBaselines, type Baseline } from '../src/gate/baseline';
import { gate } from '../src/gate/gate';
import { planAssumed } from '../src/gate/plan';
import type { Attempt, Trial, TrialTable } from '../src/results/trial';
import { seeded, type Random } from '../src/stats/random';
import { replayLooks } from '../src/gate/sequential';
import { SEQUENTIAL_BUDGET, sequentialDesign, type SequentialDesign } from '../src/stats/sequential';
import { fromTemplate, median, table, type SectionReport } from './report';

/** One simulated design. */
export interface GateDesign {
  rows: number;
  evaluators: number;
  variants: number;
  /** Pass rate of every evaluator on every row. */
  rate: number;
  /** Repeats per row of a run. */
  repeats: number;
  /** Runs merged into the baseline. */
  baselineRuns: number;
  alpha?: number;
}

/** A change from the baseline's rates, applied to the first variant of a run. */
export type Change =
  | { kind: 'none' }
  /** One evaluator's pass rate falls by `drop` on every row. */
  | { kind: 'evaluator'; drop: number }
  /** Every row's verdict falls by `drop` (calls break outright). */
  | { kind: 'rows'; drop: number };

/** Draws one run's trial table. */
export function drawRun(design: GateDesign, change: Change, random: Random): TrialTable {
  const trials: Trial[] = [];
  const attempts: Attempt[] = [];
  const verdictRate = design.rate ** design.evaluators;
  for (let v = 0; v < design.variants; v++) {
    const variant = `variant ${v + 1}`;
    const changed = v === 0 ? change : ({ kind: 'none' } as Change);
    const broken = changed.kind === 'rows' ? changed.drop / verdictRate : 0;
    for (let r = 0; r < design.rows; r++) {
      const row = {
        key: `sim.prompt.yml#${r}`,
        label: `sim.prompt.yml row ${r + 1}`,
        file: 'sim.prompt.yml',
        line: 10 + r,
      };
      for (let repeat = 0; repeat < design.repeats; repeat++) {
        const isBroken = random() < broken;
        let all = true;
        for (let e = 0; e < design.evaluators; e++) {
          const rate = changed.kind === 'evaluator' && e === 0 ? design.rate - changed.drop : design.rate;
          const pass = !isBroken && random() < rate;
          all &&= pass;
          trials.push({
            variant,
            evaluator: `E${e + 1}`,
            row,
            repeat,
            outcome: pass ? 'pass' : 'fail',
            reason: '',
            source: 'sim',
          });
        }
        attempts.push({
          variant,
          row,
          repeat,
          outcome: all ? 'pass' : 'fail',
          usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0, latencyMs: 0 },
          source: 'sim',
        });
      }
    }
  }
  return { trials, attempts, sources: ['sim'] };
}

/** A baseline of `design.baselineRuns` unchanged runs, merged. */
export function drawBaseline(design: GateDesign, random: Random): Baseline {
  let baseline = buildBaseline(drawRun(design, { kind: 'none' }, random));
  for (let i = 1; i < design.baselineRuns; i++)
    baseline = mergeBaselines(baseline, buildBaseline(drawRun(design, { kind: 'none' }, random)));
  return baseline;
}

/** What one batch of simulated gates showed. */
export interface GateFigures {
  /** Share of runs the gate failed on a regression (any variant). */
  regressionRate: number;
  /** Per baseline: the share of its runs failed on a regression. */
  perBaseline: number[];
  /** Model calls per run (rows x repeats x variants). */
  callsPerRun: number;
}

/** Gates `runsPerBaseline` runs with `change` against each of `baselines` baselines. */
export function simulateGate(
  design: GateDesign,
  change: Change,
  baselines: number,
  runsPerBaseline: number,
  seed = 1,
): GateFigures {
  const random = seeded(seed);
  const perBaseline: number[] = [];
  for (let b = 0; b < baselines; b++) {
    const baseline = drawBaseline(design, random);
    let failed = 0;
    for (let i = 0; i < runsPerBaseline; i++) {
      const verdict = gate(drawRun(design, change, random), baseline, {
        alpha: design.alpha ?? 0.05,
        sizeChecks: false,
        maxDetectableDrop: 1,
      });
      if (verdict.failures.some((f) => f.kind === 'regression')) failed++;
    }
    perBaseline.push(failed / runsPerBaseline);
  }
  return {
    regressionRate: perBaseline.reduce((a, b) => a + b, 0) / Math.max(1, perBaseline.length),
    perBaseline,
    callsPerRun: design.rows * design.repeats * design.variants,
  };
}

/** What a batch of simulated runs until decided showed. */
export interface SequentialFigures extends GateFigures {
  /** Mean model calls per run, and the fixed design's calls per run for comparison. */
  meanCalls: number;
  fixedCalls: number;
  /** Runs the gate found stopped before they were decided (eval and gate disagreeing); must be 0. */
  undecided: number;
}

/**
 * Runs until decided, as `eval --until-decided` takes them, each gated by `gate()` as shipped (which replays every
 * look from the calls): each look draws the undecided variants' next repeats, replays the looks (gate/sequential.ts,
 * as eval does) and stops the variants decided. The baseline is the fixed design's, as in simulateGate.
 */
export function simulateSequential(
  design: GateDesign,
  sequential: SequentialDesign,
  change: Change,
  baselines: number,
  runsPerBaseline: number,
  seed = 1,
): SequentialFigures {
  const random = seeded(seed);
  const perBaseline: number[] = [];
  let calls = 0;
  let undecided = 0;
  for (let b = 0; b < baselines; b++) {
    const baseline = drawBaseline(design, random);
    let failed = 0;
    for (let i = 0; i < runsPerBaseline; i++) {
      const trials: Trial[] = [];
      const table: TrialTable = { trials, attempts: [], sources: ['sim'] };
      let active = new Set(Array.from({ length: design.variants }, (_, v) => `variant ${v + 1}`));
      let done = 0;
      for (let k = 1; k <= sequential.looks.length && active.size > 0; k++) {
        const look = drawRun(
          { ...design, repeats: (sequential.looks[k - 1] as number) - done },
          change,
          random,
        );
        for (const a of look.attempts)
          if (active.has(a.variant)) table.attempts.push({ ...a, repeat: a.repeat + done });
        for (const t of look.trials)
          if (active.has(t.variant)) trials.push({ ...t, repeat: t.repeat + done });
        done = sequential.looks[k - 1] as number;
        active = new Set(
          [...active].filter(
            (v) =>
              replayLooks(
                v,
                table.attempts,
                baseline.rowVerdicts?.[v]?.rows ?? {},
                sequential,
                design.variants,
              ).decision === 'continue',
          ),
        );
      }
      calls += table.attempts.length;
      const keys = [...new Set(table.attempts.map((a) => a.row.key))];
      const verdict = gate(
        {
          ...table,
          shards: [
            {
              source: 'sim',
              rowKeys: keys,
              rowCount: keys.length,
              manifest: {
                schemaVersion: 1,
                runId: 'sim',
                shard: { index: 1, count: 1 },
                rows: { from: 0, to: keys.length, total: keys.length, keys },
                results: 'sim',
                sha256: '',
                sequential,
              },
            },
          ],
        },
        baseline,
        { alpha: sequential.alpha, sizeChecks: false, maxDetectableDrop: sequential.drop },
      );
      if (verdict.failures.some((f) => f.kind === 'regression')) failed++;
      if (verdict.failures.some((f) => f.kind === 'sequential')) undecided++;
    }
    perBaseline.push(failed / runsPerBaseline);
  }
  return {
    regressionRate: perBaseline.reduce((a, b) => a + b, 0) / Math.max(1, perBaseline.length),
    perBaseline,
    callsPerRun: Math.max(...sequential.looks) * design.rows * design.variants,
    meanCalls: calls / Math.max(1, baselines * runsPerBaseline),
    fixedCalls: design.rows * design.repeats * design.variants,
    undecided,
  };
}

/** The sequential design for `design`: SEQUENTIAL_BUDGET times its fixed repeats, in the default looks. */
export function sequentialFor(design: GateDesign): SequentialDesign {
  return sequentialDesign({
    maxRepeat: Math.round(SEQUENTIAL_BUDGET * design.repeats),
    alpha: design.alpha ?? 0.05,
  });
}

/** The designs and changes the bench and the test measure, at a given number of simulated gates. */
export function gateSection(size: { baselines: number; runs: number }): {
  design: GateDesign;
  sequential: SequentialDesign;
  rows: { scenario: string; figures: GateFigures; sequential: SequentialFigures }[];
} {
  // Ten evaluators at 98% each: a row verdict of 81.7%. The repeats are what plan asks for with two variants,
  // the baseline one run of that size (plan's assumption when there is no baseline yet).
  const shape = { rows: 3, evaluators: 10, variants: 2, rate: 0.98, baselineRuns: 1 };
  const plan = planAssumed(
    { rows: shape.rows, rate: shape.rate ** shape.evaluators, variants: shape.variants },
    { simulations: 1000 },
  );
  const design: GateDesign = { ...shape, repeats: plan.lines[0]?.repeatsNeeded ?? 500 };
  const scenarios: [string, Change][] = [
    ['no change (false alarms; family-wise error over 2 variants x 10 evaluators)', { kind: 'none' }],
    ['every row 15 points worse (row verdict)', { kind: 'rows', drop: 0.15 }],
    ['one evaluator 15 points worse on every row', { kind: 'evaluator', drop: 0.15 }],
  ];
  const sequential = sequentialFor(design);
  return {
    design,
    sequential,
    rows: scenarios.map(([scenario, change], i) => ({
      scenario,
      figures: simulateGate(design, change, size.baselines, size.runs, 100 + i),
      sequential: simulateSequential(design, sequential, change, size.baselines, size.runs, 200 + i),
    })),
  };
}

/** The bench section: the gate's error rates and power at full size. */
export async function gatePowerSection(): Promise<SectionReport> {
  const started = Date.now();
  const size = { baselines: 40, runs: 200 };
  const { design, sequential, rows } = gateSection(size);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const [none, everyRow] = rows.map((r) => r.figures);
  const [seqNone, seqEveryRow, seqOne] = rows.map((r) => r.sequential);
  const share = (f: SequentialFigures | undefined) => (f ? f.meanCalls / f.fixedCalls : 1);
  const worstBaseline = Math.max(...(none?.perBaseline ?? [0]));
  // A baseline "over alpha": its runs failed more than 5% plus two standard errors of the runs' own noise.
  const noise = 2 * Math.sqrt((0.05 * 0.95) / size.runs);
  const over = (none?.perBaseline ?? []).filter((r) => r > 0.05 + noise).length;
  const seqOver = (seqNone?.perBaseline ?? []).filter((r) => r > 0.05 + noise).length;
  const text = fromTemplate(path.join(__dirname, 'text/gate.md'), {
    rows: String(design.rows),
    evaluators: String(design.evaluators),
    rate: pct(design.rate),
    rowVerdict: pct(design.rate ** design.evaluators),
    variants: String(design.variants),
    repeats: String(design.repeats),
    baselines: String(size.baselines),
    runs: String(size.runs),
    maxRepeat: String(Math.max(...sequential.looks)),
    looks: sequential.looks.join(', '),
    falseAlarms: pct(none?.regressionRate ?? 0),
    over: String(over),
    noise: pct(noise),
    worstBaseline: pct(worstBaseline),
    power: pct(everyRow?.regressionRate ?? 0),
    oneEvaluator: pct(rows[2]?.figures.regressionRate ?? 0),
    seqPower: pct(seqEveryRow?.regressionRate ?? 0),
    seqPowerCalls: pct(share(seqEveryRow)),
    seqNoneCalls: pct(share(seqNone)),
    seqFalseAlarms: pct(seqNone?.regressionRate ?? 0),
    seqOneEvaluator: pct(seqOne?.regressionRate ?? 0),
    seqOneEvaluatorCalls: pct(share(seqOne)),
    budget: String(SEQUENTIAL_BUDGET),
  });
  return {
    title: 'Gate: false alarms, power and family-wise error (simulated)',
    method: text.method,
    tables: [
      table(
        [
          'change in variant 1',
          'gate fails on a regression',
          'median baseline',
          'worst baseline',
          'model calls per run',
        ],
        rows.map((r) => [
          r.scenario,
          pct(r.figures.regressionRate),
          pct(median(r.figures.perBaseline)),
          pct(Math.max(...r.figures.perBaseline)),
          String(r.figures.callsPerRun),
        ]),
      ),
      // The caption between the fixed design's table and the sequential one.
      ...text.captions,
      table(
        [
          'change in variant 1',
          'gate fails on a regression',
          'worst baseline',
          'mean model calls per run',
          'of the fixed design',
          'runs the gate found stopped undecided',
        ],
        rows.map((r) => [
          r.scenario,
          pct(r.sequential.regressionRate),
          pct(Math.max(...r.sequential.perBaseline)),
          r.sequential.meanCalls.toFixed(0),
          pct(share(r.sequential)),
          String(r.sequential.undecided),
        ]),
      ),
    ],
    findings: text.findings,
    targets: [
      {
        name: 'Gate false alarms, no change (2 variants × 10 evaluators)',
        measured: pct(none?.regressionRate ?? 0),
        target: '≤ 5%',
        met: (none?.regressionRate ?? 1) <= 0.05,
      },
      {
        name: 'Gate: baselines whose runs see more than 5% false alarms',
        measured: `${over} of ${size.baselines}`,
        target: '≤ 5% of baselines',
        met: over <= 0.05 * size.baselines,
      },
      {
        name: 'Gate power, 15-point drop on every row of 3',
        measured: pct(everyRow?.regressionRate ?? 0),
        target: '≥ 80%',
        met: (everyRow?.regressionRate ?? 0) >= 0.8,
      },
      {
        name: 'Until decided: false alarms, no change',
        measured: pct(seqNone?.regressionRate ?? 0),
        target: '≤ 5%',
        met: (seqNone?.regressionRate ?? 1) <= 0.05,
      },
      {
        name: 'Until decided: baselines whose runs see more than 5% false alarms',
        measured: `${seqOver} of ${size.baselines}`,
        target: '≤ 5% of baselines',
        met: seqOver <= 0.05 * size.baselines,
      },
      {
        name: 'Until decided: power, 15-point drop on every row of 3',
        measured: pct(seqEveryRow?.regressionRate ?? 0),
        target: '≥ 80%',
        met: (seqEveryRow?.regressionRate ?? 0) >= 0.8,
      },
      {
        name: 'Until decided: expected calls, of the fixed design (no change / 15-point drop)',
        measured: `${pct(share(seqNone))} / ${pct(share(seqEveryRow))}`,
        target: '≤ 70%',
        met: share(seqNone) <= 0.7 && share(seqEveryRow) <= 0.7,
      },
    ],
    seconds: (Date.now() - started) / 1000,
  };
}
