/**
 * Replaying a run's looks from its calls (gate/sequential.ts) and the gate's verdict on a run until decided: calls
 * that fit no look, a variant stopped before it was decided, a regression at the look that showed it, a variant
 * stopped as fine. The gate decides from the calls with its own alpha and drop, never from what eval printed.
 */
import { buildBaseline } from '../../../src/gate/baseline';
import { gate } from '../../../src/gate/gate';
import { replayLooks } from '../../../src/gate/sequential';
import type { TrialTable } from '../../../src/results/trial';
import { sequentialDesign, type SequentialDesign } from '../../../src/stats/sequential';
import { trialTable } from './build';

const V = 'gpt-4o';
const design = sequentialDesign({ maxRepeat: 20, looks: 5 });
const rows = (outcomes: string[]) =>
  trialTable(outcomes.map((o, row) => ({ variant: V, evaluator: 'E', row, outcomes: o })));
const baseline = buildBaseline(rows(['P'.repeat(20), 'P'.repeat(20), 'P'.repeat(20)]));
const verdicts = baseline.rowVerdicts![V]!.rows;

/** The table as `eval --until-decided` leaves it: one results file whose manifest records `sequential`. */
function sequentialRun(table: TrialTable, recorded: SequentialDesign = design): TrialTable {
  const keys = [...new Set(table.attempts.map((a) => a.row.key))];
  return {
    ...table,
    shards: [
      {
        source: 'results/latest.json',
        rowKeys: keys,
        rowCount: keys.length,
        manifest: {
          schemaVersion: 1,
          runId: 'until-decided-1',
          shard: { index: 1, count: 1 },
          rows: { from: 0, to: keys.length, total: keys.length, keys },
          results: 'latest.json',
          sha256: '',
          sequential: recorded,
        },
      },
    ],
  };
}

describe('replaying the looks', () => {
  it('refuses calls that fit no look: rows with different numbers of calls, or a number that is not a look', () => {
    const uneven = replayLooks(V, rows(['PPPP', 'PPPP', 'PPPPP']).attempts, verdicts, design, 1);
    expect(uneven.problem).toMatch(/different numbers of calls on its rows \(4, 5\)/);
    const between = replayLooks(V, rows(['PPPPP', 'PPPPP', 'PPPPP']).attempts, verdicts, design, 1);
    expect(between.problem).toMatch(
      /5 calls per row, which is not a look of the design \(4, 8, 12, 16, 20\)/,
    );
  });

  it('stops at the first look that shows a regression, whatever came after', () => {
    const looks = replayLooks(
      V,
      rows(['P'.repeat(8), 'P'.repeat(8), 'F'.repeat(8)]).attempts,
      verdicts,
      design,
      1,
    );
    // A whole row failing 4 of 4 already shows at look 1; the calls went on to look 2, which changes nothing.
    expect(looks).toMatchObject({ look: 2, repeats: 8, decision: 'regressed', decidedAt: 1 });
    expect(looks.tests.map((t) => t.decision)).toEqual(['regressed']);
  });
});

describe('the gate on a run until decided', () => {
  it('passes a variant stopped as fine, and does not call it underpowered', () => {
    const verdict = gate(sequentialRun(rows(['P'.repeat(12), 'P'.repeat(12), 'P'.repeat(12)])), baseline);
    expect(verdict.failures).toEqual([]);
    expect(verdict.sequential?.looks).toEqual([4, 8, 12, 16, 20]);
    expect(verdict.checks.find((c) => c.looks)?.looks).toMatchObject({ look: 3, decision: 'fine' });
  });

  it('fails a variant stopped before it was decided', () => {
    const verdict = gate(sequentialRun(rows(['PPPP', 'PPPP', 'PPPP'])), baseline);
    expect(verdict.pass).toBe(false);
    expect(verdict.failures.map((f) => f.message).join('\n')).toMatch(
      /stopped at look 1 of 5 \(4 repeats per row\) before its verdict was decided/,
    );
  });

  it("fails a regression at the look that showed it, at that look's level", () => {
    const verdict = gate(sequentialRun(rows(['P'.repeat(8), 'P'.repeat(8), 'F'.repeat(8)])), baseline);
    const regression = verdict.failures.find((f) => f.kind === 'regression');
    expect(regression?.message).toMatch(/regressed for gpt-4o at look 1 of 5 \(4 repeats per row\)/);
  });

  it('judges with its own drop: a run that stopped on a wider one is undecided to the gate', () => {
    const wide = { ...design, drop: 0.9 };
    // Fine at look 1 by a 90-point drop; the gate (15 points) has not ruled its drop out there.
    const verdict = gate(sequentialRun(rows(['PPPP', 'PPPP', 'PPPP']), wide), baseline);
    expect(verdict.failures.some((f) => f.kind === 'sequential')).toBe(true);
  });

  it('refuses a design of another version', () => {
    const verdict = gate(sequentialRun(rows(['PPPP', 'PPPP', 'PPPP']), { ...design, rho: 1 }), baseline);
    expect(verdict.failures.map((f) => f.message).join('\n')).toMatch(
      /sequential design cannot be used: it spends alpha with rho 1/,
    );
  });
});
