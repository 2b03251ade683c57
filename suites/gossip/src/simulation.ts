/**
 * A seeded Monte Carlo simulation of rumor spread on a complete graph, in synchronous rounds.
 *
 * This is the arbiter where the closed forms are soft (the reference's [M] figures come from the same model):
 * - push: every informed node sends to `fanout` uniformly random other nodes;
 * - pull: every uninformed node asks `fanout` random nodes and learns the rumor if one of them had it;
 * - push-pull: every node contacts `fanout` random nodes and the pair ends up informed if either was.
 * A node informed in round r starts spreading in round r + 1.
 *
 * Churn: at the start of each round a fraction `churn` of the live nodes fails for good. Membership is stale,
 * so partners are still drawn from all N ids and a message to a failed node is lost. Coverage counts live
 * nodes only. The origin is exempt (it keeps retrying until it has handed the update off), otherwise a
 * run could lose the rumor in its first round and say nothing about spread.
 *
 * State lives in typed arrays (no per-node objects), so 10^6 nodes take well under a second per run. Every message
 * reads its target's state at a random index, so the hot path keeps one byte per node: 10 MB at 10^7 nodes stays
 * in a last-level cache where a 32-bit round stamp plus a dead flag per node (50 MB) did not.
 */
import { SeededRandom } from './random';

export type SpreadMode = 'push' | 'pull' | 'push-pull';

export interface SpreadParameters {
  mode: SpreadMode;
  /** Number of nodes N, at least 2. */
  nodes: number;
  /** Partners contacted per node and round, at least 1. */
  fanout: number;
  /** Fraction of live nodes failing per round, in [0, 1). Default 0. */
  churn?: number;
  /** Seed of the pseudo-random stream. Default 1. */
  seed?: number;
}

/** One simulated spread. Rounds are 1-based; `null` means the cap was hit first. */
export interface SpreadRun {
  parameters: Required<SpreadParameters>;
  /** First round after which every live node is informed. */
  roundsToFull: number | null;
  /** First round after which at least 99% of live nodes are informed. */
  roundsTo99: number | null;
  /** Informed fraction of live nodes after each round. */
  coverage: readonly number[];
  /** Messages sent (pushes, pull requests or exchanges), including those lost to failed nodes. */
  messages: number;
  /** Live nodes at the end. */
  survivors: number;
}

/** Summary of several seeded runs of the same parameters. */
export interface SpreadSummary {
  parameters: Required<Omit<SpreadParameters, 'seed'>>;
  trials: number;
  /** Mean rounds to full coverage over the runs that completed. */
  meanRoundsToFull: number;
  minRoundsToFull: number;
  maxRoundsToFull: number;
  /** 95th percentile (nearest rank) of rounds to full coverage. */
  p95RoundsToFull: number;
  meanRoundsTo99: number;
  /** Runs that hit the round cap before full coverage. */
  incomplete: number;
}

/** What a node is, one byte each. FRESH: informed in the current round, so it spreads only from the next one. */
const UNINFORMED = 0;
const INFORMED = 1;
const FRESH = 2;
const DEAD = 3;
// Bound once: see random.ts (jest 30 makes every `Math.x` lookup slow).
const floor = Math.floor;
const CACHE_LIMIT = 512;
const cache = new Map<string, SpreadRun>();

/**
 * Simulates one spread. Results are cached by (mode, N, fanout, churn, seed): the same arguments always give
 * the same run, so repeated checks and the reference architect pay once.
 */
export function simulateSpread(parameters: SpreadParameters): SpreadRun {
  const p = normalise(parameters);
  const key = `${p.mode}|${p.nodes}|${p.fanout}|${p.churn}|${p.seed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const run = spread(p);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, run);
  return run;
}

/** Runs `trials` seeds (seed, seed + 1, ...) and summarises rounds to full and to 99% coverage. */
export function simulateSpreadTrials(parameters: SpreadParameters, trials: number): SpreadSummary {
  const p = normalise(parameters);
  const full: number[] = [];
  const near: number[] = [];
  let incomplete = 0;
  for (let i = 0; i < trials; i++) {
    const run = simulateSpread({ ...p, seed: p.seed + i });
    if (run.roundsToFull === null) incomplete++;
    else full.push(run.roundsToFull);
    if (run.roundsTo99 !== null) near.push(run.roundsTo99);
  }
  full.sort((a, b) => a - b);
  return {
    parameters: { mode: p.mode, nodes: p.nodes, fanout: p.fanout, churn: p.churn },
    trials,
    meanRoundsToFull: mean(full),
    minRoundsToFull: full[0] ?? NaN,
    maxRoundsToFull: full[full.length - 1] ?? NaN,
    p95RoundsToFull: full[Math.max(0, Math.ceil(0.95 * full.length) - 1)] ?? NaN,
    meanRoundsTo99: mean(near),
    incomplete,
  };
}

/** Empties the run cache (tests use it to measure an uncached run). */
export function clearSpreadCache(): void {
  cache.clear();
}

function normalise(parameters: SpreadParameters): Required<SpreadParameters> {
  const { mode, nodes, fanout } = parameters;
  const churn = parameters.churn ?? 0;
  const seed = parameters.seed ?? 1;
  if (!Number.isInteger(nodes) || nodes < 2)
    throw new RangeError(`nodes must be an integer >= 2, got ${nodes}`);
  if (!Number.isInteger(fanout) || fanout < 1)
    throw new RangeError(`fanout must be an integer >= 1, got ${fanout}`);
  if (!(churn >= 0 && churn < 1)) throw new RangeError(`churn must be in [0, 1), got ${churn}`);
  return { mode, nodes, fanout, churn, seed };
}

function spread(p: Required<SpreadParameters>): SpreadRun {
  const n = p.nodes;
  const f = p.fanout;
  const rng = new SeededRandom(p.seed);
  const state = new Uint8Array(n); // all UNINFORMED
  const origin = 0;
  state[origin] = INFORMED;
  let alive = n;
  let informedAlive = 1;
  let messages = 0;
  const coverage: number[] = [];
  let roundsTo99: number | null = null;
  let roundsToFull: number | null = null;
  // Generous: push f=1 needs about log2 N + ln N rounds; churn and pull's slow start add a few.
  const maxRounds = 8 * Math.ceil(Math.log2(n) + 1) + 64;

  // push keeps the informed nodes in a list, pull the uninformed ones: each round touches only those.
  const list = new Int32Array(p.mode === 'push-pull' ? 0 : n);
  let listed = 0;
  if (p.mode === 'push') list[listed++] = origin;
  if (p.mode === 'pull') for (let v = 1; v < n; v++) list[listed++] = v;
  // Nodes made FRESH this round, to become INFORMED when it ends. Push needs no such stage: only the nodes
  // listed before the round spread in it, and a target only has to be uninformed.
  const fresh = new Int32Array(p.mode === 'push' ? 0 : n);
  let freshCount = 0;

  /** Picks a partner other than `u`, uniformly. */
  const partnerOf = (u: number): number => {
    const v = rng.below(n - 1);
    return v >= u ? v + 1 : v;
  };

  for (let round = 1; round <= maxRounds; round++) {
    if (p.churn > 0) {
      const expected = p.churn * (alive - 1);
      let failures = floor(expected) + (rng.nextFloat() < expected % 1 ? 1 : 0);
      while (failures > 0 && alive > 1) {
        const v = rng.below(n);
        if (v === origin || state[v] === DEAD) continue;
        if (state[v] === INFORMED) informedAlive--;
        state[v] = DEAD;
        alive--;
        failures--;
      }
    }

    if (p.mode === 'push') {
      const before = listed;
      let kept = 0;
      for (let i = 0; i < before; i++) {
        const u = list[i]!;
        if (state[u] === DEAD) continue;
        list[kept++] = u;
        for (let j = 0; j < f; j++) {
          const v = partnerOf(u);
          messages++;
          if (state[v] === UNINFORMED) {
            state[v] = INFORMED;
            informedAlive++;
            list[listed++] = v;
          }
        }
      }
      list.copyWithin(kept, before, listed);
      listed = kept + (listed - before);
    } else if (p.mode === 'pull') {
      let kept = 0;
      for (let i = 0; i < listed; i++) {
        const u = list[i]!;
        if (state[u] === DEAD) continue;
        let learned = false;
        for (let j = 0; j < f; j++) {
          const v = partnerOf(u);
          messages++;
          if (state[v] === INFORMED) {
            learned = true;
            break;
          }
        }
        if (learned) {
          state[u] = FRESH;
          fresh[freshCount++] = u;
          informedAlive++;
        } else {
          list[kept++] = u;
        }
      }
      listed = kept;
    } else {
      for (let u = 0; u < n; u++) {
        if (state[u] === DEAD) continue;
        for (let j = 0; j < f; j++) {
          const v = partnerOf(u);
          messages++;
          const target = state[v];
          if (target === DEAD) continue;
          if (state[u] === INFORMED && target === UNINFORMED) {
            state[v] = FRESH;
            fresh[freshCount++] = v;
            informedAlive++;
          } else if (target === INFORMED && state[u] === UNINFORMED) {
            state[u] = FRESH;
            fresh[freshCount++] = u;
            informedAlive++;
          }
        }
      }
    }
    // This round's news spreads from the next one; churn, at its start, finds no FRESH node.
    for (let i = 0; i < freshCount; i++) state[fresh[i]!] = INFORMED;
    freshCount = 0;

    coverage.push(informedAlive / alive);
    if (roundsTo99 === null && informedAlive >= 0.99 * alive) roundsTo99 = round;
    if (informedAlive === alive) {
      roundsToFull = round;
      break;
    }
  }
  return { parameters: p, roundsToFull, roundsTo99, coverage, messages, survivors: alive };
}

function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return values.reduce((s, v) => s + v, 0) / values.length;
}
