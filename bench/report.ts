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

/** A template's values: text for `{{name}}`; a flag or a list of items for a `{{#name}}…{{/name}}` block. */
export type TemplateValue = string | boolean | readonly TemplateValues[];
export type TemplateValues = Readonly<Record<string, TemplateValue>>;

/** A placeholder, a block (its name repeated at its end, so blocks of other names nest), or `\{{` for a literal `{{`. */
const TOKEN = /\{\{(\w+)\}\}|\{\{([#^])(\w+)\}\}([\s\S]*?)\{\{\/\3\}\}|\\\{\{/g;

/**
 * `text` with its values filled in: `{{name}}` becomes the text `values[name]`; `{{#name}}…{{/name}}` is kept
 * when the flag is true, dropped when false, and repeated for each item of a list, with the item's names (and
 * `first`, true for the first item) besides the others; `{{^name}}…{{/name}}` is kept when the flag is false
 * or the list empty. A name without a value of its kind is an error: the template and the bench must agree.
 */
function fill(file: string, text: string, values: TemplateValues): string {
  return text.replace(TOKEN, (token, name?: string, kind?: string, block?: string, body?: string) => {
    if (token === '\\{{') return '{{';
    const key = (name ?? block) as string;
    const value = values[key];
    if (name !== undefined) {
      if (typeof value !== 'string') throw new Error(`${file}: no text for {{${key}}}`);
      return value;
    }
    if (value === undefined || typeof value === 'string')
      throw new Error(`${file}: no flag or list for {{${kind}${key}}}`);
    const items: readonly TemplateValues[] = value === true ? [{}] : value === false ? [] : value;
    if (kind === '^') return items.length === 0 ? fill(file, body as string, values) : '';
    return items
      .map((item, i) => fill(file, body as string, { ...values, ...item, first: i === 0 }))
      .join('');
  });
}

/**
 * The paragraphs under `# heading` in a template file, filled with `values` (see `fill`): each paragraph on one
 * line, `<!-- comments -->` left out. A heading that is not there is an error unless `optional` (then no paragraphs).
 */
export function templatePart(
  file: string,
  heading: string,
  values: TemplateValues,
  optional = false,
): string[] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(`# ${heading}\n`);
  if (start < 0) {
    if (optional) return [];
    throw new Error(`${file}: no "# ${heading}" section`);
  }
  const body = text.slice(start + heading.length + 3);
  const end = body.search(/^# /m);
  return fill(file, end < 0 ? body : body.slice(0, end), values)
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter((p) => p !== '' && !p.startsWith('<!--'));
}

/**
 * A section's prose from its template file: the paragraphs under `# Method` and `# Findings`, and under
 * `# Captions` (if any) the captions that go between its tables.
 */
export function fromTemplate(
  file: string,
  values: TemplateValues,
): { method: string[]; findings: string[]; captions: string[] } {
  return {
    method: templatePart(file, 'Method', values),
    findings: templatePart(file, 'Findings', values),
    captions: templatePart(file, 'Captions', values, true),
  };
}
