/**
 * SWIM, Lifeguard and memberlist (gossip reference §2, §9 claims 7-8). Times in seconds.
 */

/**
 * SWIM's expected time to first detection of a failure: T′ / (1 − e^(−q_f)), where q_f is the fraction of
 * non-faulty members; as q_f → 1 it tends to e/(e−1) · T′ ≈ 1.58 T′ (Das, Gupta, Motivala, DSN 2002).
 */
export function swimFirstDetectionTime(probePeriod: number, nonFaultyFraction = 1): number {
  return probePeriod / (1 - Math.exp(-nonFaultyFraction));
}

/**
 * Per-probe false-positive probability without suspicion: (1 − q²)(1 − q_f q⁴)^k, with q the per-message delivery
 * probability and k indirect probes. Independent of N; falls exponentially in k (a reconstruction: soft).
 * k = 3 at 5% loss: 6.2 × 10^−4.
 */
export function swimFalsePositiveProbability(
  delivery: number,
  indirectProbes: number,
  nonFaultyFraction = 1,
): number {
  return (1 - delivery ** 2) * (1 - nonFaultyFraction * delivery ** 4) ** indirectProbes;
}

/** hashicorp/memberlist defaults (config.go, snapshot 1b4c746). */
export const MEMBERLIST_LAN = {
  probeInterval: 1,
  probeTimeout: 0.5,
  gossipInterval: 0.2,
  gossipNodes: 3,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  retransmitMult: 4,
  pushPullInterval: 30,
} as const;

/** memberlist WAN defaults. */
export const MEMBERLIST_WAN = {
  probeInterval: 5,
  probeTimeout: 3,
  gossipInterval: 0.5,
  gossipNodes: 4,
  indirectChecks: 3,
  suspicionMult: 6,
  suspicionMaxTimeoutMult: 6,
  retransmitMult: 4,
  pushPullInterval: 60,
} as const;

/**
 * memberlist's suspicion timeout bounds: Min = SuspicionMult · max(1, log10 N) · ProbeInterval, Max = 6 · Min.
 * N = 10^6 on LAN defaults: 24 s and 144 s.
 */
export function memberlistSuspicionTimeout(
  nodes: number,
  probeInterval: number = MEMBERLIST_LAN.probeInterval,
  suspicionMult: number = MEMBERLIST_LAN.suspicionMult,
  maxTimeoutMult: number = MEMBERLIST_LAN.suspicionMaxTimeoutMult,
): { min: number; max: number } {
  const min = suspicionMult * Math.max(1, Math.log10(nodes)) * probeInterval;
  return { min, max: maxTimeoutMult * min };
}

/** memberlist's retransmit count: RetransmitMult · ⌈log10(N + 1)⌉ (28 at 10^6). */
export function memberlistRetransmits(
  nodes: number,
  retransmitMult: number = MEMBERLIST_LAN.retransmitMult,
): number {
  return retransmitMult * Math.ceil(Math.log10(nodes + 1));
}

/** memberlist's scaled push/pull interval: × (⌈log2 N − 5⌉ + 1) above 32 nodes (about 480 s at 10^6 on LAN). */
export function memberlistPushPullInterval(
  nodes: number,
  interval: number = MEMBERLIST_LAN.pushPullInterval,
): number {
  if (nodes <= 32) return interval;
  return interval * (Math.ceil(Math.log2(nodes) - 5) + 1);
}

/**
 * Lifeguard's dogpile suspicion timeout after C independent confirmations (K expected):
 * max(Min, Max − (Max − Min) · log(C + 1) / log(K + 1)).
 */
export function lifeguardSuspicionTimeout(
  min: number,
  max: number,
  confirmations: number,
  expected: number,
): number {
  const frac = Math.log(confirmations + 1) / Math.log(expected + 1);
  return Math.max(min, max - (max - min) * frac);
}
