/**
 * How many rounds an epidemic needs to reach N nodes (gossip reference §1, §9 claims 1-3).
 * All results are in rounds; N is the number of nodes and f the fanout (partners per node and round).
 */

/** Floating-point slack, so that log_10(10^6) = 5.9999999 does not round up to 7. */
const EPSILON = 1e-9;

/** log_base(x). */
export function logBase(base: number, x: number): number {
  return Math.log(x) / Math.log(base);
}

/**
 * Hard lower bound for push, R >= ⌈log_(f+1) N⌉: after t rounds at most (1+f)^t nodes know the rumor.
 * N = 10^6 gives 20, 13, 10, 8, 6, 5, 3 rounds for f = 1, 2, 3, 5, 10, 20, 100.
 */
export function lowerBoundRounds(nodes: number, fanout: number): number {
  if (nodes <= 1) return 0;
  return Math.ceil(logBase(fanout + 1, nodes) - EPSILON);
}

/**
 * The floor for any mode. Push is bounded hard by ⌈log_(f+1) N⌉. Where nodes also pull, an informed node answers
 * every request that reaches it (f per round on average), so the informed set grows at most ×(1+2f) per round
 * in expectation: push-pull's floor is ⌈log_(2f+1) N⌉ (13 at f = 1 and 10^6, under the simulated 16.4, which
 * the push bound of 20 would wrongly reject). Pull alone grows at most ×(1+f) in expectation.
 */
export function roundsFloor(nodes: number, fanout: number, mode: 'push' | 'pull' | 'push-pull'): number {
  if (mode !== 'push-pull') return lowerBoundRounds(nodes, fanout);
  if (nodes <= 1) return 0;
  return Math.ceil(logBase(2 * fanout + 1, nodes) - EPSILON);
}

/**
 * Expected rounds of push gossip with fanout f: log_(1+f) N + ln N / f. An exponential phase where the informed
 * set grows ×(1+f) per round, then a tail where each uninformed node is missed with probability e^(−f) per round.
 * A derivation, not a quoted result; simulation runs +0.6 to +1.5 rounds above it at N = 10^6.
 */
export function expectedPushRounds(nodes: number, fanout: number): number {
  return logBase(1 + fanout, nodes) + Math.log(nodes) / fanout;
}

/**
 * Push with fanout 1 (random phone call): log2 N + ln N + O(1) (Frieze–Grimmett 1985, Pittel 1987).
 * 33.75 at N = 10^6; simulation gives 35.2. The reference accepts ±3 rounds (31–39 at 10^6).
 */
export function expectedPushRoundsFanoutOne(nodes: number): number {
  return Math.log2(nodes) + Math.log(nodes);
}

/**
 * Pull with fanout f: the informed set still grows ×(1+f) early on, and at the end the uninformed fraction is
 * raised to the power f+1 each round (p_(i+1) ≈ p_i^(f+1), Demers), so the tail is doubly logarithmic:
 * log_(1+f) N + log_(1+f) ln N. 23.7 at N = 10^6 and f = 1; simulation gives 24.9. A derivation: soft.
 */
export function expectedPullRounds(nodes: number, fanout = 1): number {
  return logBase(1 + fanout, nodes) + logBase(1 + fanout, Math.log(nodes));
}

/**
 * Push-pull with fanout 1: log_3 N + O(log log N) (Karp et al., FOCS 2000; the constant is the commonly cited
 * form). The reference's acceptable range is log_3 N + 2 … log_3 N + 6 (14–19 at 10^6; simulation 16.4).
 */
export function pushPullRoundsRange(nodes: number): { low: number; high: number } {
  const base = logBase(3, nodes);
  return { low: base + 2, high: base + 6 };
}

/** Transmissions of infect-forever push: about N ln N (Karp et al.: Θ(N ln N)). */
export function pushMessages(nodes: number): number {
  return nodes * Math.log(nodes);
}

/** Transmissions of Karp et al.'s median-counter push-pull: O(N ln ln N) (constant taken as 1). */
export function pushPullMessages(nodes: number): number {
  return nodes * Math.log(Math.log(nodes));
}

/**
 * Expected rounds until every node is informed, from the mean-field recursion of the simulated process
 * (simulation.ts: complete graph, synchronous rounds, a node informed in round r spreads from round r + 1).
 * With u the uninformed fraction and i = 1 − u, one round multiplies u by e^(−f·i) where informed nodes push
 * (no push reaches the node) and by u^f where uninformed nodes pull (all f partners uninformed). Treating the
 * U = N·u uninformed nodes as Poisson, P(not done after t rounds) ≈ 1 − e^(−N·u_t), and E[T] = Σ_t P(T > t).
 * O(rounds) instead of a simulation's O(N · rounds): within 0.7 rounds of the seeded simulation from 16 to 10^6
 * nodes and fanout 1 to 16 (suites/gossip/tests/simulation.test.ts), e.g. push f=3 at 10^6: 15.4 (simulated 15.4).
 * `informed` starts the spread from several seeded nodes at once (a control plane seeding 8 gateways).
 */
export function meanFieldRoundsToFull(
  mode: 'push' | 'pull' | 'push-pull',
  nodes: number,
  fanout: number,
  informed = 1,
): number {
  if (!(nodes >= 2) || !(fanout > 0))
    throw new RangeError(`need nodes >= 2 and fanout > 0, got ${nodes}, ${fanout}`);
  const scale = nodes / (nodes - 1);
  let u = 1 - Math.min(Math.max(informed, 1), nodes - 1) / nodes;
  let expected = 0;
  for (let t = 0; t < 100_000; t++) {
    const notDone = -Math.expm1(-nodes * u);
    if (notDone < 1e-9) break;
    expected += notDone;
    const pushMiss = mode === 'pull' ? 1 : Math.exp(-fanout * (1 - u) * scale);
    const pullMiss = mode === 'push' ? 1 : Math.pow(u, fanout);
    u *= pushMiss * pullMiss;
  }
  return expected;
}
