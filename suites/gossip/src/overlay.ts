/**
 * Partial-view overlays (HyParView, Leitão et al., DSN 2007; gossip reference §6, §9 claim 13).
 */

/** HyParView view sizes: active ≈ log10 N + c, passive ≈ k · (log10 N + c). N = 10^6, c = 1, k = 6: 7 and 42. */
export function hyparviewViewSizes(
  nodes: number,
  c = 1,
  passiveFactor = 6,
): { active: number; passive: number } {
  const active = Math.round(Math.log10(nodes) + c);
  return { active, passive: passiveFactor * active };
}
