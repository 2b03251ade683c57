/**
 * Renders a comparison of variants as a terminal table, Markdown or JSON.
 */
import { CompareResult, PairedComparison, PairVerdict, Rate } from '../compare/compare';
import { escapeMarkdown } from './escape';
import {
  formatCost,
  formatCount,
  formatInteger,
  formatInterval,
  formatLatency,
  formatP,
  formatRate,
} from '../format/numbers';
import { textTable } from './table';

/** Output formats of `renderCompare`. */
export type CompareFormat = 'text' | 'markdown' | 'json';

/** Options of `renderCompare`. */
export interface CompareRenderOptions {
  /**
   * Text: every comparison and every pair's verdict. Without it, text shows the significant differences first and
   * leaves out the comparisons that found none (Markdown and JSON always hold everything).
   */
  all?: boolean;
  /** Text: the command that shows everything, named where comparisons are left out. */
  allHint?: string;
}

/** Renders a comparison in the given format. */
export function renderCompare(
  result: CompareResult,
  format: CompareFormat,
  options: CompareRenderOptions = {},
): string {
  switch (format) {
    case 'text':
      return compareText(result, options);
    case 'markdown':
      return compareMarkdown(result);
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
  }
}

/** The verdict sentences, or why there are none. */
function verdictLines(result: CompareResult): string[] {
  if (result.verdicts.length > 0) return result.verdicts.map((v) => v.text);
  return [
    result.variants.length === 1
      ? 'Only one variant: nothing to compare.'
      : 'No variants: nothing was evaluated.',
  ];
}

/** `17/20  85%  [64%, 95%]  1 error`, the cell every format shows. */
function cell(rate: Rate | undefined): string {
  if (!rate) return 'not run';
  const errors = rate.errors > 0 ? `, ${rate.errors} error${rate.errors === 1 ? '' : 's'}` : '';
  if (rate.trials === 0) return `no graded trials${errors}`;
  return `${formatRate(rate.rate)} ${formatCount(rate.passes, rate.trials)} ${formatInterval(rate.interval.low, rate.interval.high)}${errors}`;
}

function usageRows(result: CompareResult): string[][] {
  return result.variants.map((v) => [
    v.variant,
    formatInteger(v.usage.attempts),
    formatInteger(v.usage.erroredAttempts),
    formatInteger(v.usage.totalTokens),
    formatCost(v.usage.cost),
    formatLatency(v.usage.meanLatencyMs),
  ]);
}

const USAGE_HEADER = ['Variant', 'Calls', 'Errors', 'Tokens', 'Cost', 'Mean latency'];

function comparisonRows(comparisons: readonly PairedComparison[]): string[][] {
  return comparisons
    .filter((c) => c.rows > 0)
    .map((c) => [
      `${c.a} vs ${c.b}`,
      c.evaluator,
      String(c.rows),
      `${formatCount(c.countsA.passes, c.countsA.trials)} / ${formatCount(c.countsB.passes, c.countsB.trials)}`,
      c.difference === null || c.interval === null
        ? '–'
        : `${signed(c.difference)} [${signed(c.interval.low)}, ${signed(c.interval.high)}]`,
      formatP(c.p),
      formatP(c.pAdjusted),
      c.winner ?? '–',
    ]);
}

const COMPARISON_HEADER = [
  'Variants',
  'Evaluator',
  'Rows',
  'A / B passed',
  'A − B (95%)',
  'Exact',
  'Holm',
  'Better',
];

/** A difference in pass rate in points, with its sign: "+12.5 pts". */
function signed(d: number): string {
  const points = Math.round(d * 1000) / 10;
  return `${points > 0 ? '+' : points < 0 ? '−' : '±'}${Math.abs(points)} pts`;
}

function compareText(result: CompareResult, options: CompareRenderOptions): string {
  const rates = result.evaluators.map((e) => [e, ...result.variants.map((v) => cell(v.evaluators[e]))]);
  rates.push(['(all evaluators)', ...result.variants.map((v) => cell(v.overall))]);
  const tested = result.comparisons.filter((c) => c.rows > 0);
  const significant = tested
    .filter((c) => c.winner !== undefined)
    .sort((x, y) => x.pAdjusted - y.pAdjusted || x.p - y.p);
  const parts: string[] = [];
  // The differences that hold first: with many variants the full pairwise table runs to hundreds of lines.
  if (tested.length > 0) {
    parts.push(
      `Significant differences (exact test stratified by row, Holm-corrected, alpha ${result.alpha})`,
    );
    parts.push(
      significant.length > 0
        ? textTable(COMPARISON_HEADER, comparisonRows(significant))
        : `None: no variant differs significantly from another on any evaluator (${tested.length} comparison${tested.length === 1 ? '' : 's'}).`,
      '',
    );
  }
  parts.push(
    'Pass rate by evaluator (passes/graded trials, Wilson 95% interval)',
    textTable(['Evaluator', ...result.variants.map((v) => v.variant)], rates),
    '',
    'Usage',
    textTable(USAGE_HEADER, usageRows(result), ['left', 'right', 'right', 'right', 'right', 'right']),
  );
  if (options.all && tested.length > 0) {
    parts.push('', `Comparisons (exact test stratified by row, Holm-corrected, alpha ${result.alpha})`);
    parts.push(textTable(COMPARISON_HEADER, comparisonRows(result.comparisons)));
  }
  parts.push('', 'Verdicts', ...textVerdicts(result, options.all === true).map((line) => `- ${line}`));
  const hidden = tested.length - significant.length;
  if (!options.all && hidden > 0)
    parts.push(
      '',
      `${hidden} comparison${hidden === 1 ? '' : 's'} without a significant difference left out; ${options.allHint ?? 'promptfile compare --all'} shows every one.`,
    );
  return `${parts.join('\n')}\n`;
}

/**
 * The verdicts, pairs with a significant difference first; without `all`, the pairs that showed none are summed up
 * in one line (pairs never compared keep theirs).
 */
function textVerdicts(result: CompareResult, all: boolean): string[] {
  if (result.verdicts.length === 0) return verdictLines(result);
  const pair = (v: PairVerdict) => result.comparisons.filter((c) => c.a === v.a && c.b === v.b);
  const differ = result.verdicts.filter((v) => pair(v).some((c) => c.winner !== undefined));
  const same = result.verdicts.filter((v) => !differ.includes(v) && pair(v).some((c) => c.rows > 0));
  const untested = result.verdicts.filter((v) => !differ.includes(v) && !same.includes(v));
  if (all || same.length <= 1) return [...differ, ...same, ...untested].map((v) => v.text);
  return [
    ...differ.map((v) => v.text),
    `No significant difference between ${differ.length > 0 ? 'the other' : 'any of the'} ${same.length} pairs of variants.`,
    ...untested.map((v) => v.text),
  ];
}

function compareMarkdown(result: CompareResult): string {
  const md = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const table = (header: string[], rows: string[][]) =>
    [md(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(md)].join('\n');
  const rates = result.evaluators.map((e) => [e, ...result.variants.map((v) => cell(v.evaluators[e]))]);
  rates.push(['All evaluators', ...result.variants.map((v) => cell(v.overall))]);
  const parts = [
    '## Variant comparison',
    '',
    ...verdictLines(result).map((line) => `- ${escapeMarkdown(line)}`),
    '',
    '### Pass rate by evaluator',
    '',
    'Passes / graded trials, with the Wilson 95% interval. Errors are counted apart.',
    '',
    table(['Evaluator', ...result.variants.map((v) => v.variant)], rates),
    '',
    '### Usage',
    '',
    table(USAGE_HEADER, usageRows(result)),
  ];
  const comparisons = comparisonRows(result.comparisons);
  if (comparisons.length > 0) {
    parts.push(
      '',
      `### Comparisons (exact test stratified by row, Holm-corrected, alpha ${result.alpha})`,
      '',
    );
    parts.push(table(COMPARISON_HEADER, comparisons));
  }
  return `${parts.join('\n')}\n`;
}
