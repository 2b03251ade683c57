/**
 * Reads model and temperature back out of a variant label such as `gpt-4o · T=0.2` or
 * `gpt-4o · T=1 · topP=0.9` (the labels src/variants writes), for charts that plot rate against temperature.
 */

/** A label split into the series it belongs to (everything but the temperature) and its temperature. */
export interface ParsedLabel {
  series: string;
  temperature: number;
}

/** The series and temperature of a label, or undefined when the label has no `T=<number>` part. */
export function parseVariantLabel(label: string): ParsedLabel | undefined {
  const parts = label.split(' · ');
  const index = parts.findIndex((p) => /^T=\d+(?:\.\d+)?$/.test(p.trim()));
  if (index < 1) return undefined;
  const temperature = Number(parts[index]?.trim().slice(2));
  const series = parts.filter((_, i) => i !== index).join(' · ');
  return { series, temperature };
}
