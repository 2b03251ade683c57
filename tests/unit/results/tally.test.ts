import { RowNumbering, RowTallies, Tally, tallyAttempts, tallyTrials } from '../../../src/results/tally';
import type { Attempt, Outcome, RowRef, Trial } from '../../../src/results/trial';
import { seeded } from '../../../src/stats/random';

/** The counts as plain maps were kept before RowTallies: what every read must agree with. */
function reference(events: readonly [string, Outcome][]): Map<string, Tally> {
  const rows = new Map<string, Tally>();
  for (const [key, outcome] of events) {
    let t = rows.get(key);
    if (!t) rows.set(key, (t = { passes: 0, trials: 0, errors: 0 }));
    if (outcome === 'error') t.errors++;
    else {
      t.trials++;
      if (outcome === 'pass') t.passes++;
    }
  }
  return rows;
}

const OUTCOMES: Outcome[] = ['pass', 'fail', 'error'];

describe('RowTallies', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'reads as the map of plain tallies it replaces, in order of first count (seed %i)',
    (seed) => {
      const next = seeded(seed);
      // Three evaluators sharing one numbering, counted interleaved, each on its own subset of the rows, with
      // more rows than the first allocation and some counts past the shared small ones.
      const numbering = new RowNumbering();
      const tallies = [0, 1, 2].map(() => new RowTallies(numbering));
      const events: [string, Outcome][][] = [[], [], []];
      const rows = 5 + Math.floor(next() * 200);
      for (let i = 0; i < 3000; i++) {
        const e = Math.floor(next() * 3);
        const key = `row#${Math.floor(next() ** (1 + e) * rows)}`;
        const outcome = OUTCOMES[Math.floor(next() * 3)] as Outcome;
        tallies[e]?.count(key, outcome);
        events[e]?.push([key, outcome]);
      }
      tallies.forEach((tally, e) => {
        const expected = reference(events[e] ?? []);
        expect([...tally]).toEqual([...expected]);
        expect([...tally.entries()]).toEqual([...expected.entries()]);
        expect([...tally.keys()]).toEqual([...expected.keys()]);
        expect([...tally.values()]).toEqual([...expected.values()]);
        expect(tally.size).toBe(expected.size);
        for (let r = 0; r <= rows; r++) {
          const key = `row#${r}`;
          expect(tally.has(key)).toBe(expected.has(key));
          expect(tally.get(key)).toEqual(expected.get(key));
        }
        const seen: [string, Tally][] = [];
        tally.forEach((value, key, map) => {
          expect(map).toBe(tally);
          seen.push([key, value]);
        });
        expect(seen).toEqual([...expected]);
      });
    },
  );

  it('has nothing for a key it never counted, even one its numbering knows', () => {
    const numbering = new RowNumbering();
    const a = new RowTallies(numbering);
    const b = new RowTallies(numbering);
    // b's columns are sized for the one row it has; the numbering goes far past them.
    b.count('only-b', 'fail');
    for (let i = 0; i < 100; i++) a.count(`only-a#${i}`, 'pass');
    expect(b.has('only-a#99')).toBe(false);
    expect(b.get('only-a#0')).toBeUndefined();
    expect(b.get('only-a#99')).toBeUndefined();
    expect(a.has('only-b')).toBe(false);
    expect(a.get('never')).toBeUndefined();
    expect(a.has('__proto__')).toBe(false);
    expect(a.size).toBe(100);
    expect([...b]).toEqual([['only-b', { passes: 0, trials: 1, errors: 0 }]]);
  });

  it('hands out frozen tallies, shared for small counts and exact for large ones', () => {
    const rows = new RowTallies();
    rows.count('a', 'pass');
    rows.count('b', 'pass');
    for (let i = 0; i < 100_000; i++)
      rows.count('big', i % 3 === 0 ? 'error' : i % 3 === 1 ? 'pass' : 'fail');
    expect(rows.get('a')).toBe(rows.get('b'));
    expect(Object.isFrozen(rows.get('a'))).toBe(true);
    expect(() => {
      'use strict';
      (rows.get('a') as Tally).passes = 5;
    }).toThrow(TypeError);
    expect(rows.get('a')).toEqual({ passes: 1, trials: 1, errors: 0 });
    expect(rows.get('big')).toEqual({ passes: 33_333, trials: 66_666, errors: 33_334 });
    expect(Object.isFrozen(rows.get('big'))).toBe(true);
  });
});

describe('tallyTrials and tallyAttempts', () => {
  const row = (key: string): RowRef => ({ key, label: key });
  const trial = (variant: string, evaluator: string, key: string, outcome: Outcome): Trial => ({
    variant,
    evaluator,
    row: row(key),
    repeat: 0,
    outcome,
    reason: '',
    source: 'x.json',
  });

  it('count per variant, evaluator and row, each evaluator in the order its rows were first counted', () => {
    const table = tallyTrials([
      trial('v', 'e1', 'r1', 'pass'),
      trial('v', 'e2', 'r2', 'fail'),
      trial('v', 'e1', 'r2', 'error'),
      trial('v', 'e2', 'r1', 'pass'),
      trial('w', 'e1', 'r1', 'fail'),
    ]);
    const rows = (v: string, e: string) => [...(table.get(v)?.get(e)?.rows ?? [])];
    expect(rows('v', 'e1')).toEqual([
      ['r1', { passes: 1, trials: 1, errors: 0 }],
      ['r2', { passes: 0, trials: 0, errors: 1 }],
    ]);
    expect(rows('v', 'e2')).toEqual([
      ['r2', { passes: 0, trials: 1, errors: 0 }],
      ['r1', { passes: 1, trials: 1, errors: 0 }],
    ]);
    expect(rows('w', 'e1')).toEqual([['r1', { passes: 0, trials: 1, errors: 0 }]]);
    expect(table.get('v')?.get('e1')?.total).toEqual({ passes: 1, trials: 1, errors: 1 });
  });

  it('count row verdicts per variant', () => {
    const attempt = (variant: string, key: string, outcome: Outcome) =>
      ({ variant, row: row(key), repeat: 0, outcome, source: 'x.json' }) as Attempt;
    const table = tallyAttempts([
      attempt('v', 'r1', 'pass'),
      attempt('w', 'r2', 'fail'),
      attempt('v', 'r1', 'fail'),
    ]);
    expect([...(table.get('v')?.rows ?? [])]).toEqual([['r1', { passes: 1, trials: 2, errors: 0 }]]);
    expect([...(table.get('w')?.rows ?? [])]).toEqual([['r2', { passes: 0, trials: 1, errors: 0 }]]);
    expect(table.get('w')?.rows.has('r1')).toBe(false);
  });
});
