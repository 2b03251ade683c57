/**
 * Renders a gate verdict: Markdown for `$GITHUB_STEP_SUMMARY`, plain text for logs, workflow annotations, JUnit XML.
 */
import { GateCheck, GateVerdict } from '../gate/gate';
import { gateAnnotations } from './annotations';
import { escapeMarkdown } from './escape';
import { formatCount, formatInterval, formatPValue, formatRate } from './format';
import { gateJunit } from './junit';
import { textTable } from './table';

/** Output formats of `renderGate`. */
export type GateFormat = 'markdown' | 'annotations' | 'junit' | 'text';

/** Renders a verdict in the given format. */
export function renderGate(verdict: GateVerdict, format: GateFormat): string {
  switch (format) {
    case 'markdown':
      return gateMarkdown(verdict);
    case 'text':
      return gateText(verdict);
    case 'annotations':
      return gateAnnotations(verdict);
    case 'junit':
      return gateJunit(verdict);
  }
}

const HEADER = [
  'Variant',
  'Evaluator',
  'Baseline',
  'This run',
  '95% interval',
  'p (Holm)',
  'Detects',
  'Floor',
  'Result',
];

function row(check: GateCheck): string[] {
  const interval =
    check.after && check.after.trials > 0
      ? formatInterval(check.after.interval.low, check.after.interval.high)
      : '–';
  return [
    check.variant,
    check.evaluator,
    check.before
      ? `${formatCount(check.before.passes, check.before.trials)} (${formatRate(check.before.trials ? check.before.passes / check.before.trials : null)})`
      : '–',
    check.after
      ? `${formatCount(check.after.passes, check.after.trials)} (${formatRate(check.after.rate)})`
      : '–',
    interval,
    check.regression ? formatPValue(check.regression.pAdjusted) : '–',
    detects(check),
    check.floor !== undefined ? formatRate(check.floor) : '–',
    result(check),
  ];
}

/** The minimal detectable drop, as "≥ 12%" (80% power); exact for deterministic variants. */
function detects(check: GateCheck): string {
  if (check.deterministic) return 'any change';
  if (check.detectableDrop === undefined) return '–';
  return check.detectableDrop === null ? 'no drop' : `≥ ${formatRate(check.detectableDrop)} drop`;
}

function result(check: GateCheck): string {
  const problems = [
    check.missing && 'missing',
    check.regressed && 'regression',
    check.belowFloor && 'below floor',
    check.underpowered && 'underpowered',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) return `FAIL: ${problems.join(', ')}`;
  if (!check.before && check.after) return 'pass (new, no baseline)';
  return 'pass';
}

function gateMarkdown(verdict: GateVerdict): string {
  const md = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const parts = [
    `## ${verdict.pass ? '✅ Prompt gate passed' : '❌ Prompt gate failed'}`,
    '',
    escapeMarkdown(verdict.summary),
  ];
  if (verdict.failures.length > 0) {
    parts.push('', '### Problems', '');
    for (const f of verdict.failures) {
      const where = f.location ? ` (\`${f.location.file.replace(/`/g, "'")}:${f.location.line}\`)` : '';
      parts.push(`- ${escapeMarkdown(f.message)}${where}`);
    }
  }
  if (verdict.checks.length > 0) {
    parts.push('', '### Checks', '');
    parts.push(
      md(HEADER),
      `|${HEADER.map(() => ' --- ').join('|')}|`,
      ...verdict.checks.map((c) => md(row(c))),
    );
  }
  parts.push(
    '',
    `<sub>Regression: one-sided exact test against the baseline, stratified by row, alpha ${verdict.alpha}, the baseline's ` +
      'rates lowered to what it vouches for (its one-sided 95% lower bound), so a lucky baseline does not raise false alarms: the row verdict ' +
      'of each variant first (Holm across variants), its evaluators only behind a regressed row verdict. ' +
      '"Detects": the smallest drop in pass rate caught with 80% power. ' +
      'Deterministic variants (offline reference, replays) are compared row by row. ' +
      `Floors apply to the Wilson 95% lower bound. Allowed error rate: ${formatRate(verdict.maxErrorRate)}.` +
      `${verdict.hasBaseline ? '' : ' No baseline was given: only floors and errors were checked.'}</sub>`,
  );
  return `${parts.join('\n')}\n`;
}

function gateText(verdict: GateVerdict): string {
  const parts = [verdict.summary];
  if (verdict.failures.length > 0) {
    parts.push('', 'Problems:');
    for (const f of verdict.failures) {
      parts.push(`- ${f.location ? `${f.location.file}:${f.location.line}: ` : ''}${f.message}`);
    }
  }
  if (verdict.checks.length > 0) parts.push('', textTable(HEADER, verdict.checks.map(row)));
  return `${parts.join('\n')}\n`;
}
