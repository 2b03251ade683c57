/** What a benchmark section hands back, and the few formatting rules every section shares. */
import { readFileSync } from 'node:fs';

/** A headline figure, with its target when it has one. `met` is undefined when it could not be judged. */
export interface Target {
  name: string;
  measured: string;
  target?: string;
  met?: boolean;
}

/** One section of BENCHMARKS.md. */
export interface SectionReport {
  title: string;
  /** How it was measured, one paragraph per entry. */
  method: string[];
  /** Markdown tables (and short captions). */
  tables: string[];
  /** What the figures mean, misses explained; one paragraph each. */
  findings: string[];
  targets: Target[];
  /** Seconds the section took. */
  seconds: number;
}

/** The median of `values` (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A Markdown table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Seconds with two decimals. */
export function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '—';
}

/** Milliseconds with a precision that suits the size. */
export function millis(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  if (ms >= 0.01) return `${ms.toFixed(3)} ms`;
  return `${(ms * 1000).toFixed(2)} µs`;
}

/** A ratio and a ×: three decimals near 1, fewer for large ratios. */
export function ratio(r: number): string {
  if (!Number.isFinite(r)) return '—';
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(3)}×`;
}

/** MiB with no decimals. */
export function mib(m: number): string {
  return Number.isFinite(m) ? `${m.toFixed(0)} MiB` : '—';
}

/** Whether a headline figure met its target. */
export function mark(t: Target): string {
  if (t.target === undefined) return '(no target)';
  return t.met === undefined ? 'not measured' : t.met ? 'met' : 'MISSED';
}

/**
 * A section's prose from its template file: the paragraphs under `# Method` and `# Findings`, each `{{name}}`
 * replaced by `values[name]` (a name without a value is an error: the template and the bench must agree).
 */
export function fromTemplate(
  file: string,
  values: Record<string, string>,
): { method: string[]; findings: string[] } {
  const text = readFileSync(file, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${file}: no value for {{${name}}}`);
    return value;
  });
  const part = (heading: string) => {
    const start = text.indexOf(`# ${heading}\n`);
    if (start < 0) throw new Error(`${file}: no "# ${heading}" section`);
    const body = text.slice(start + heading.length + 3);
    const end = body.search(/^# /m);
    return (end < 0 ? body : body.slice(0, end))
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
      .filter((p) => p !== '' && !p.startsWith('<!--'));
  };
  return { method: part('Method'), findings: part('Findings') };
}
