/**
 * Rumor mongering (SIR) residue (Demers et al., PODC 1987; gossip reference §1, §9 claim 11).
 * A site loses interest with probability 1/k after an unnecessary contact; the fraction s that never hears
 * the rumor solves s = e^(−(k+1)(1−s)).
 */

/** The residue s for a loss-of-interest parameter k: k=1 → 0.203, 2 → 0.060, 3 → 0.020, 4 → 0.0070, 5 → 0.0025. */
export function rumorResidue(k: number): number {
  // s = 1 is always a root; iterating from 0 converges monotonically to the smaller one, the residue.
  let s = 0;
  for (let i = 0; i < 10_000; i++) {
    const next = Math.exp(-(k + 1) * (1 - s));
    if (Math.abs(next - s) < 1e-15) return next;
    s = next;
  }
  return s;
}

/** Sites expected never to hear the rumor: N × residue (N = 10^6, k = 5 → about 2,500). */
export function rumorMissedSites(nodes: number, k: number): number {
  return nodes * rumorResidue(k);
}
