/**
 * Counting trials: per variant, per evaluator, per row. The one place where outcomes become numbers,
 * shared by compare, baselines and the gate so they cannot disagree about what a "trial" is.
 */
import { Attempt, eachVerdict, Trial, Trials } from './trial';

/** `trials` counts graded trials (pass or fail); errors are counted apart, since nothing was measured. */
export interface Tally {
  passes: number;
  trials: number;
  errors: number;
}

/** One evaluator of one variant: its total and its rows (keyed by RowRef.key, in order of first count). */
export interface EvaluatorTally {
  total: Tally;
  rows: RowTallies;
}

/** variant -> evaluator -> counts, each map in order of first appearance. */
export type TallyTable = Map<string, Map<string, EvaluatorTally>>;

/** An empty tally. */
export function emptyTally(): Tally {
  return { passes: 0, trials: 0, errors: 0 };
}

/** Adds one outcome to a tally. */
export function count(tally: Tally, outcome: Trial['outcome']): void {
  if (outcome === 'error') tally.errors++;
  else {
    tally.trials++;
    if (outcome === 'pass') tally.passes++;
  }
}

/** Counts trials per variant, evaluator and row. */
export function tallyTrials(trials: Trials): TallyTable {
  const table: TallyTable = new Map();
  eachVerdict(trials, (variant, evaluator, row, outcome) =>
    countVerdict(table, variant, evaluator, row.key, outcome),
  );
  return table;
}

/** Adds one verdict to `table` (as tallyTrials counts each), for callers that count in a pass of their own. */
export function countVerdict(
  table: TallyTable,
  variant: string,
  evaluator: string,
  row: string,
  outcome: Trial['outcome'],
): void {
  let evaluators = table.get(variant);
  if (!evaluators) table.set(variant, (evaluators = new Map()));
  countRow(evaluators, evaluator, row, outcome);
}

/** Counts calls per variant and row by their row verdict (pass: every evaluator of the row passed). */
export function tallyAttempts(attempts: readonly Attempt[]): Map<string, EvaluatorTally> {
  const table = new Map<string, EvaluatorTally>();
  for (const a of attempts) countRow(table, a.variant, a.row.key, a.outcome, false);
  return table;
}

/**
 * Adds one outcome to `tallies[name]`, its total and its row, creating what is missing. With `shareRows`, the
 * tallies of one map number their rows together (the evaluators of a variant have the same rows).
 */
function countRow(
  tallies: Map<string, EvaluatorTally>,
  name: string,
  row: string,
  outcome: Trial['outcome'],
  shareRows = true,
): void {
  let tally = tallies.get(name);
  if (!tally) {
    const sibling = shareRows ? tallies.values().next().value : undefined;
    tallies.set(name, (tally = { total: emptyTally(), rows: new RowTallies(sibling?.rows.numbering) }));
  }
  count(tally.total, outcome);
  tally.rows.count(row, outcome);
}

/**
 * Row keys numbered in the order first seen, shared by the RowTallies of one variant's evaluators: each key is
 * looked up once per call, not once per evaluator, and held once.
 */
export class RowNumbering {
  private readonly ids = new Map<string, number>();
  readonly keys: string[] = [];
  private last: string | undefined;
  private lastId = -1;

  /** The key's number, given it if it has none. */
  number(key: string): number {
    // A call's evaluators are counted one after another, all with its row.
    if (key === this.last) return this.lastId;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.ids.set(key, id);
    }
    this.last = key;
    this.lastId = id;
    return id;
  }

  /** The key's number, or -1 when it has none. */
  find(key: string): number {
    return this.ids.get(key) ?? -1;
  }
}

/**
 * One evaluator's counts per row, read as a map from row key to Tally (in the order rows were first counted).
 * Stored as columns of numbers, not an object and a map entry per row: a run of a million calls has hundreds of
 * thousands of rows for each of a dozen evaluators, and as objects they were most of the memory compare and the
 * gate used. The Tally a read returns is frozen, and shared by every read of the same small counts: the gate holds
 * one for each of its checks' rows at once.
 */
export class RowTallies implements ReadonlyMap<string, Tally> {
  /** By row number: 1 + where the row is in this tally's order; 0 when it has no count here. */
  private place = new Int32Array(16);
  /** By place: the row's number, and its passes, trials and errors. */
  private numbers = new Int32Array(16);
  private counts = new Int32Array(48);
  private rows = 0;
  readonly [Symbol.toStringTag] = 'RowTallies';

  constructor(readonly numbering: RowNumbering = new RowNumbering()) {}

  /** Adds one outcome to the row's counts. */
  count(key: string, outcome: Trial['outcome']): void {
    const id = this.numbering.number(key);
    if (id >= this.place.length) this.place = grown(this.place, id + 1);
    let at = (this.place[id] as number) - 1;
    if (at < 0) {
      at = this.rows++;
      if (at >= this.numbers.length) {
        this.numbers = grown(this.numbers, at + 1);
        this.counts = grown(this.counts, 3 * (at + 1));
      }
      this.numbers[at] = id;
      this.place[id] = at + 1;
    }
    const c = this.counts;
    if (outcome === 'error') c[3 * at + 2] = (c[3 * at + 2] as number) + 1;
    else {
      c[3 * at + 1] = (c[3 * at + 1] as number) + 1;
      if (outcome === 'pass') c[3 * at] = (c[3 * at] as number) + 1;
    }
  }

  get size(): number {
    return this.rows;
  }

  has(key: string): boolean {
    return this.at(key) >= 0;
  }

  get(key: string): Tally | undefined {
    const at = this.at(key);
    return at < 0 ? undefined : this.tallyAt(at);
  }

  *entries(): MapIterator<[string, Tally]> {
    for (let at = 0; at < this.rows; at++) yield [this.keyAt(at), this.tallyAt(at)];
  }

  *keys(): MapIterator<string> {
    for (let at = 0; at < this.rows; at++) yield this.keyAt(at);
  }

  *values(): MapIterator<Tally> {
    for (let at = 0; at < this.rows; at++) yield this.tallyAt(at);
  }

  [Symbol.iterator](): MapIterator<[string, Tally]> {
    return this.entries();
  }

  forEach(f: (value: Tally, key: string, map: ReadonlyMap<string, Tally>) => void, thisArg?: unknown): void {
    for (let at = 0; at < this.rows; at++) f.call(thisArg, this.tallyAt(at), this.keyAt(at), this);
  }

  private at(key: string): number {
    const id = this.numbering.find(key);
    return id < 0 || id >= this.place.length ? -1 : (this.place[id] as number) - 1;
  }

  private keyAt(at: number): string {
    return this.numbering.keys[this.numbers[at] as number] as string;
  }

  private tallyAt(at: number): Tally {
    const c = this.counts;
    return frozenTally(c[3 * at] as number, c[3 * at + 1] as number, c[3 * at + 2] as number);
  }
}

/** Counts all below this are one shared frozen Tally each (4,096 of them at most). */
const SHARED_BELOW = 16;
const sharedTallies: (Tally | undefined)[] = [];

function frozenTally(passes: number, trials: number, errors: number): Tally {
  if (passes >= SHARED_BELOW || trials >= SHARED_BELOW || errors >= SHARED_BELOW)
    return Object.freeze({ passes, trials, errors });
  const key = (passes * SHARED_BELOW + trials) * SHARED_BELOW + errors;
  return (sharedTallies[key] ??= Object.freeze({ passes, trials, errors }));
}

/** `array` copied into one at least `length` long (doubling, so n additions copy O(n) in all). */
function grown(array: Int32Array, length: number) {
  const bigger = new Int32Array(Math.max(length, 2 * array.length));
  bigger.set(array);
  return bigger;
}
