/**
 * Phi-accrual failure detection (Hayashibara et al., SRDS 2004; gossip reference §3, §9 claim 9).
 * φ = −log10(1 − F(elapsed)) where F is the CDF of heartbeat inter-arrival times.
 */

/** Thresholds the reference accepts for production (8 Cassandra/Akka, 10 Akka remote, up to 16). */
export const PHI_RECOMMENDED = { low: 5, high: 16 } as const;
/** Below this a threshold is a red flag: Φ = 0.5 suspects wrongly 32% of the time, Φ = 1 10%. */
export const PHI_MINIMUM = 3;

/** Probability of a wrong suspicion at threshold Φ: about 10^(−Φ). */
export function phiFalseSuspicionProbability(threshold: number): number {
  return Math.pow(10, -threshold);
}

/** φ after `elapsed` seconds without a heartbeat, with exponential inter-arrivals of mean `meanInterval` (Cassandra). */
export function phiExponential(elapsed: number, meanInterval: number): number {
  return elapsed / (meanInterval * Math.LN10);
}

/** Time until φ reaches the threshold under the exponential model: t = Φ · ln 10 · mean (Φ = 8 → 18.4 × mean). */
export function phiDetectionTime(threshold: number, meanInterval: number): number {
  return threshold * Math.LN10 * meanInterval;
}
