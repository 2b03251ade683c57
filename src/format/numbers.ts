/**
 * How numbers read in every report: rates as percentages, p-values with as many digits as they deserve.
 */

/** `85%`, `85.5%` when the tenth matters, `–` for an undefined rate. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '–';
  const pct = rate * 100;
  return `${Number.isInteger(Math.round(pct * 10) / 10) ? Math.round(pct) : pct.toFixed(1)}%`;
}

/** `p = 0.003`, `p = 0.21`, `p < 0.001`, `p = 1`. */
export function formatP(p: number): string {
  const value = formatPValue(p);
  return value.startsWith('<') ? `p ${value}` : `p = ${value}`;
}

/** A significance level to two significant digits, however small: `0.05`, `0.0004`. */
export function formatLevel(level: number): string {
  return String(Number(level.toPrecision(2)));
}

/** `0.003`, `0.21`, `< 0.001`, `1`. Three decimals below 0.1, so a value near 0.05 is not rounded across it. */
export function formatPValue(p: number): string {
  if (p < 0.001) return '< 0.001';
  if (p >= 0.995) return '1';
  return p < 0.1 ? p.toFixed(3) : p.toFixed(2);
}

/** `17/20`. */
export function formatCount(passes: number, trials: number): string {
  return `${passes}/${trials}`;
}

/** `[64%, 95%]`. */
export function formatInterval(low: number, high: number): string {
  return `[${formatRate(low)}, ${formatRate(high)}]`;
}

/** `$0.0123`, `$1.20`; `–` when promptfoo knew no price. */
export function formatCost(dollars: number): string {
  if (dollars === 0) return '–';
  return dollars < 0.01 ? `$${dollars.toFixed(4)}` : `$${dollars.toFixed(2)}`;
}

/** `1,234`. */
export function formatInteger(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `850 ms`, `2.3 s`. */
export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
