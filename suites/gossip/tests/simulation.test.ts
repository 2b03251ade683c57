import { clearSpreadCache, simulateSpread, simulateSpreadTrials, type SpreadMode } from '../src/simulation';
import { expectedPushRounds, lowerBoundRounds, meanFieldRoundsToFull, roundsFloor } from '../src/rounds';

describe('the spread simulation against the reference’s table (N = 10^6)', () => {
  // Three seeds each: about a second per mode on the project's machines.
  it('push with fanout 1 takes about 35 rounds (reference: 35.2, range 33–39)', () => {
    const summary = simulateSpreadTrials({ mode: 'push', nodes: 1_000_000, fanout: 1 }, 3);
    expect(summary.meanRoundsToFull).toBeGreaterThanOrEqual(33);
    expect(summary.meanRoundsToFull).toBeLessThanOrEqual(37);
    expect(summary.minRoundsToFull).toBeGreaterThanOrEqual(lowerBoundRounds(1_000_000, 1));
  });

  it('push-pull with fanout 1 takes about 16.4 rounds', () => {
    const summary = simulateSpreadTrials({ mode: 'push-pull', nodes: 1_000_000, fanout: 1 }, 3);
    expect(summary.meanRoundsToFull).toBeGreaterThanOrEqual(15);
    expect(summary.meanRoundsToFull).toBeLessThanOrEqual(18);
  });
});

describe('the spread simulation at smaller N', () => {
  const N = 50_000;

  it('push stays within +0 to +2 rounds of log_(1+f) N + ln N / f for f = 1..4', () => {
    for (const fanout of [1, 2, 3, 4]) {
      const mean = simulateSpreadTrials({ mode: 'push', nodes: N, fanout }, 8).meanRoundsToFull;
      const formula = expectedPushRounds(N, fanout);
      expect(mean).toBeGreaterThan(formula - 0.5);
      expect(mean).toBeLessThan(formula + 2.5);
    }
  });

  it('pull finishes faster than push at f = 1 (its tail squares the uninformed fraction)', () => {
    const pull = simulateSpreadTrials({ mode: 'pull', nodes: N, fanout: 1 }, 8).meanRoundsToFull;
    const push = simulateSpreadTrials({ mode: 'push', nodes: N, fanout: 1 }, 8).meanRoundsToFull;
    const pushPull = simulateSpreadTrials({ mode: 'push-pull', nodes: N, fanout: 1 }, 8).meanRoundsToFull;
    expect(pull).toBeLessThan(push);
    expect(pushPull).toBeLessThan(pull);
  });

  it('no push run ever beats the hard lower bound, and no mode beats its floor on average', () => {
    for (const fanout of [1, 3]) {
      const push = simulateSpreadTrials({ mode: 'push', nodes: 2_000, fanout }, 20);
      expect(push.minRoundsToFull).toBeGreaterThanOrEqual(lowerBoundRounds(2_000, fanout));
      for (const mode of ['pull', 'push-pull'] as const) {
        const summary = simulateSpreadTrials({ mode, nodes: 2_000, fanout }, 20);
        expect(summary.meanRoundsToFull).toBeGreaterThanOrEqual(roundsFloor(2_000, fanout, mode));
      }
    }
  });

  it('push-pull beats the push bound (16.4 < 20 at 10^6), so the push bound is not its floor', () => {
    const pushPull = simulateSpreadTrials({ mode: 'push-pull', nodes: 50_000, fanout: 1 }, 5);
    expect(pushPull.meanRoundsToFull).toBeLessThan(lowerBoundRounds(50_000, 1));
  });

  it('reaches 99% before 100%, and coverage never decreases without churn', () => {
    const run = simulateSpread({ mode: 'push', nodes: N, fanout: 2, seed: 7 });
    expect(run.roundsTo99).not.toBeNull();
    expect(run.roundsTo99!).toBeLessThanOrEqual(run.roundsToFull!);
    for (let i = 1; i < run.coverage.length; i++)
      expect(run.coverage[i]!).toBeGreaterThanOrEqual(run.coverage[i - 1]!);
    expect(run.coverage[run.coverage.length - 1]).toBe(1);
    expect(run.survivors).toBe(N);
  });
});

describe('churn', () => {
  it('fails the given fraction of live nodes per round and costs rounds', () => {
    const calm = simulateSpreadTrials({ mode: 'push', nodes: 20_000, fanout: 1 }, 6).meanRoundsToFull;
    const churned = simulateSpreadTrials({ mode: 'push', nodes: 20_000, fanout: 1, churn: 0.02 }, 6);
    expect(churned.incomplete).toBe(0);
    expect(churned.meanRoundsToFull).toBeGreaterThan(calm);
    const run = simulateSpread({ mode: 'push', nodes: 20_000, fanout: 1, churn: 0.02, seed: 1 });
    const rounds = run.roundsToFull!;
    const expectedSurvivors = 1 + 19_999 * Math.pow(0.98, rounds);
    expect(run.survivors).toBeGreaterThan(expectedSurvivors * 0.97);
    expect(run.survivors).toBeLessThan(expectedSurvivors * 1.03);
  });

  it('counts only live nodes in coverage', () => {
    const run = simulateSpread({ mode: 'push-pull', nodes: 5_000, fanout: 2, churn: 0.05, seed: 3 });
    expect(run.roundsToFull).not.toBeNull();
    expect(run.survivors).toBeLessThan(5_000);
    expect(run.coverage[run.coverage.length - 1]).toBe(1);
  });
});

describe('determinism and the cache', () => {
  it('the same (mode, N, f, churn, seed) gives the same run, and a repeat is served from the cache', () => {
    clearSpreadCache();
    const params = { mode: 'pull', nodes: 1_000_000, fanout: 2, churn: 0.001, seed: 42 } as const;
    const first = simulateSpread(params);
    // The very same object: served from the cache, not run again (speed is measured in bench/, not here).
    expect(simulateSpread({ ...params })).toBe(first);
    clearSpreadCache();
    expect(simulateSpread(params)).toEqual(first);
  });

  it('different seeds give different runs', () => {
    const a = simulateSpread({ mode: 'push', nodes: 10_000, fanout: 1, seed: 1 });
    const b = simulateSpread({ mode: 'push', nodes: 10_000, fanout: 1, seed: 2 });
    expect(a.messages).not.toBe(b.messages);
  });

  it('handles 10^6 nodes (its speed is a benchmark: npm run bench, BENCHMARKS.md)', () => {
    const run = simulateSpread({ mode: 'push', nodes: 1_000_000, fanout: 3, seed: 99 });
    expect(run.roundsToFull).toBeGreaterThanOrEqual(lowerBoundRounds(1_000_000, 3));
  });

  it('rejects parameters that have no meaning', () => {
    expect(() => simulateSpread({ mode: 'push', nodes: 1, fanout: 1 })).toThrow(RangeError);
    expect(() => simulateSpread({ mode: 'push', nodes: 10, fanout: 0 })).toThrow(RangeError);
    expect(() => simulateSpread({ mode: 'push', nodes: 10, fanout: 1, churn: 1 })).toThrow(RangeError);
  });
});

describe('a seed always replays the same run (results pinned before the one-byte state)', () => {
  // Computed with the simulation of a3ed570 (a 32-bit round stamp and a dead flag per node):
  // rounds, messages and survivors pin the whole pseudo-random call sequence, not just the outcome.
  const pinned: [SpreadMode, number, number, number, number, number, number, number, number][] = [
    // mode, N, fanout, churn, seed -> rounds to full, rounds to 99%, messages, survivors
    ['push', 10_000, 1, 0, 1, 23, 19, 96_029, 10_000],
    ['push', 10_000, 3, 0, 7, 10, 9, 95_202, 10_000],
    ['push', 20_000, 1, 0.02, 5, 41, 24, 273_381, 8_738],
    ['pull', 10_000, 1, 0, 2, 18, 17, 134_603, 10_000],
    ['pull', 10_000, 2, 0.01, 11, 12, 10, 150_524, 8_864],
    ['push-pull', 10_000, 1, 0, 3, 12, 11, 120_000, 10_000],
    ['push-pull', 5_000, 2, 0.05, 3, 9, 8, 70_254, 3_151],
    ['push-pull', 30_000, 1, 0.001, 42, 14, 12, 416_858, 29_582],
    ['push', 1_000_000, 1, 0, 1, 35, 25, 14_958_496, 1_000_000],
    ['push-pull', 1_000_000, 1, 0, 1, 16, 15, 16_000_000, 1_000_000],
    ['pull', 1_000_000, 2, 0.001, 42, 15, 14, 23_313_008, 985_105],
  ];

  it.each(pinned)(
    '%s, N = %d, f = %d, churn %s, seed %d: %d rounds to full, %d to 99%%, %d messages, %d survivors',
    (mode, nodes, fanout, churn, seed, roundsToFull, roundsTo99, messages, survivors) => {
      const run = simulateSpread({ mode, nodes, fanout, churn, seed });
      expect({
        roundsToFull: run.roundsToFull,
        roundsTo99: run.roundsTo99,
        messages: run.messages,
        survivors: run.survivors,
      }).toEqual({ roundsToFull, roundsTo99, messages, survivors });
    },
  );
});

describe('the mean-field expectation the numbers check uses instead of simulating', () => {
  it('matches the reference’s simulated means at N = 10^6 within a round', () => {
    const reference: [SpreadMode, number, number][] = [
      ['push', 1, 35.2],
      ['push', 2, 20.4],
      ['push', 3, 15.4],
      ['push', 4, 13.1],
      ['pull', 1, 24.9],
      ['push-pull', 1, 16.4],
    ];
    for (const [mode, fanout, simulated] of reference) {
      expect(Math.abs(meanFieldRoundsToFull(mode, 1_000_000, fanout) - simulated)).toBeLessThan(1);
    }
  });

  it('tracks the seeded simulation within 0.8 rounds from 16 to 50,000 nodes, every mode, fanout 1 to 8', () => {
    for (const nodes of [16, 100, 500, 2_000, 50_000]) {
      for (const mode of ['push', 'pull', 'push-pull'] as SpreadMode[]) {
        for (const fanout of [1, 3, 8]) {
          const trials = nodes >= 50_000 ? 6 : 30;
          const simulated = simulateSpreadTrials({ mode, nodes, fanout }, trials).meanRoundsToFull;
          const estimate = meanFieldRoundsToFull(mode, nodes, fanout);
          expect([mode, nodes, fanout, Math.abs(estimate - simulated) < 0.8]).toEqual([
            mode,
            nodes,
            fanout,
            true,
          ]);
        }
      }
    }
  });

  it('grows like log_(f+1) N + ln N / f: 10^9 nodes need about 7 more push rounds than 10^6 at fanout 3', () => {
    // log_4(1000) + ln(1000)/3 ≈ 7.3; the recursion never touches individual nodes, so 10^9 costs nothing more.
    const extra = meanFieldRoundsToFull('push', 1e9, 3) - meanFieldRoundsToFull('push', 1e6, 3);
    expect(extra).toBeGreaterThan(6);
    expect(extra).toBeLessThan(8.5);
  });
});
