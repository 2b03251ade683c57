/**
 * From rounds to seconds (gossip reference §1 "Time formulas", §9 claim 4). Times are in seconds.
 */

/**
 * Tick-driven gossip: T_conv ≈ R × max(T_int, L + T_int/2), where T_int is the gossip interval and L the one-way
 * latency. A node informed mid-tick waits half a tick on average before forwarding, then the message takes L.
 */
export function convergenceTime(rounds: number, interval: number, latency = 0): number {
  return rounds * Math.max(interval, latency + interval / 2);
}

/**
 * The floor a claim may not go under: T_conv >= R × max(T_int, L). Every round costs at least one tick, and a
 * round whose messages take longer than a tick costs at least the latency.
 */
export function minimumConvergenceTime(rounds: number, interval: number, latency = 0): number {
  return rounds * Math.max(interval, latency);
}

/** Eager forwarding (a Plumtree-style tree): T_conv ≈ hops × L. */
export function eagerConvergenceTime(hops: number, latency: number): number {
  return hops * latency;
}

/** Per-node gossip bandwidth in bytes per second: f · message size / interval (reference §5). */
export function gossipBandwidth(fanout: number, messageBytes: number, interval: number): number {
  return (fanout * messageBytes) / interval;
}

/** Largest UDP gossip payload the reference accepts, in bytes (§5, §9 claim 14). */
export const MAX_UDP_PAYLOAD_BYTES = 1400;
