/**
 * Bloom filter sizing (Bloom 1970; Broder–Mitzenmacher; gossip reference §5, §9 claim 10).
 * n elements, m bits, k hash functions, false-positive rate p.
 */

/** Optimal bits per element for a false-positive rate p: m/n = −ln p / (ln 2)². 1% → 9.59, 0.1% → 14.4. */
export function bloomBitsPerElement(falsePositiveRate: number): number {
  if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
    throw new RangeError(`false-positive rate must be in (0, 1), got ${falsePositiveRate}`);
  }
  return -Math.log(falsePositiveRate) / (Math.LN2 * Math.LN2);
}

/** Optimal number of hash functions for m/n bits per element: k = (m/n) ln 2 (not rounded). */
export function bloomOptimalHashes(bitsPerElement: number): number {
  return bitsPerElement * Math.LN2;
}

/** False-positive rate with m/n bits per element and k hashes: p = (1 − e^(−k n/m))^k. */
export function bloomFalsePositiveRate(bitsPerElement: number, hashes: number): number {
  return Math.pow(1 - Math.exp(-hashes / bitsPerElement), hashes);
}
