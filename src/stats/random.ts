/**
 * A small seeded generator for simulations whose figures must be reproducible (power, planning): the same seed
 * gives the same draws on every machine. Mulberry32 (Tommy Ettinger, public domain): 32-bit state, period 2^32,
 * plenty for a few million draws per figure; not for cryptography.
 */

/** Uniform draws in [0, 1). */
export type Random = () => number;

/** A generator seeded with `seed` (any integer). */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One draw of Binomial(n, p): n Bernoulli trials, which is exact and fast enough for the sizes planned here. */
export function binomialDraw(n: number, p: number, random: Random): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}
