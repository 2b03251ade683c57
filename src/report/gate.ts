/**
 * Renders a gate verdict: Markdown for `$GITHUB_STEP_SUMMARY`, plain text for logs, workflow annotations, JUnit XML.
 */
import { BaselineChange, GateCheck, GateVerdict } from '../gate/gate';
import { visible } from '../format/visible';
import { gateAnnotations } from './annotations';
import { escapeMarkdown } from './escape';
import { formatCount, formatInterval, formatPValue, formatRate } from '../format/numbers';
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
  if (check.withoutBaseline === 'refused') problems.push('no baseline');
  if (problems.length > 0) return `FAIL: ${problems.join(', ')}`;
  if (check.withoutBaseline === 'accepted') return 'pass (new, accepted)';
  return 'pass';
}

const CHANGES_HEADER = ['Variant', 'Evaluator', 'Previous baseline', 'This baseline', 'Change'];

function changeRow(change: BaselineChange): string[] {
  const tally = (t: BaselineChange['before']) =>
    t ? `${formatCount(t.passes, t.trials)} (${formatRate(t.trials ? t.passes / t.trials : null)})` : '–';
  const what =
    change.kind === 'added'
      ? 'added'
      : change.kind === 'removed'
        ? 'dropped'
        : change.rows.length > 0
          ? `lower on ${change.rows.length} row${change.rows.length === 1 ? '' : 's'}`
          : 'lower in total';
  return [change.variant, change.evaluator, tally(change.before), tally(change.after), what];
}

/** The heading of the baseline-changes section: what the proposal does, and whether it judged the run. */
function changesTitle(verdict: GateVerdict): string {
  const lowers = verdict.baselineChanges.some((c) => c.kind !== 'added');
  return `Expectations this baseline ${lowers ? 'lowers' : 'adds'} ${
    verdict.baselineChangesAccepted
      ? '(accepted)'
      : '(not accepted: the previous baseline judged this run; --accept-lowered accepts them)'
  }`;
}

function floorsNote(verdict: GateVerdict): string {
  return verdict.floorMode === 'prove'
    ? 'A floor holds when the Wilson 95% lower bound reaches it (--prove-floors).'
    : 'A floor fails when the Wilson 95% upper bound is below it.';
}

/**
 * For a run until decided: the design, and where each variant stopped and why, as the gate recomputed it (the
 * table's p is then each variant's test on all its calls, unadjusted; the decision was taken look by look).
 */
function sequentialLines(verdict: GateVerdict): string[] {
  const design = verdict.sequential;
  if (!design) return [];
  const lines = [
    `Sequential run: looks after ${design.looks.join(', ')} repeats per row; alpha ${verdict.alpha} spent over them ` +
      `(alpha × t^${design.rho}), split over the variants; a variant stops as fine once a drop of ${formatRate(design.drop)} is ruled out.`,
  ];
  for (const check of verdict.checks) {
    const looks = check.looks;
    if (!looks || looks.problem) continue;
    const how =
      looks.decision === 'regressed'
        ? 'regressed'
        : looks.decision === 'fine'
          ? looks.look < design.looks.length
            ? `fine (a ${formatRate(design.drop)} drop ruled out)`
            : 'not regressed at the last look'
          : 'undecided';
    const at = looks.decidedAt || looks.look;
    lines.push(
      `${check.variant}: ${how} at look ${at} of ${design.looks.length} (${design.looks[at - 1] ?? looks.repeats} repeats per row).`,
    );
  }
  return lines;
}

function gateMarkdown(verdict: GateVerdict): string {
  const md = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const parts = [
    `## ${verdict.pass ? '✅ Prompt gate passed' : '❌ Prompt gate failed'}`,
    '',
    escapeMarkdown(verdict.summary),
  ];
  for (const note of verdict.notes) parts.push('', escapeMarkdown(note));
  const sequential = sequentialLines(verdict);
  if (sequential.length > 0) parts.push('', ...sequential.map((l) => `- ${escapeMarkdown(l)}`));
  if (verdict.failures.length > 0) {
    parts.push('', '### Problems', '');
    for (const f of verdict.failures) {
      const where = f.location
        ? ` (\`${visible(f.location.file).replace(/`/g, "'")}:${f.location.line}\`)`
        : '';
      parts.push(`- ${escapeMarkdown(f.message)}${where}`);
    }
  }
  if (verdict.baselineChanges.length > 0) {
    parts.push('', `### ${escapeMarkdown(changesTitle(verdict))}`, '');
    parts.push(
      md(CHANGES_HEADER),
      `|${CHANGES_HEADER.map(() => ' --- ').join('|')}|`,
      ...verdict.baselineChanges.map((c) => md(changeRow(c))),
    );
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
      `${floorsNote(verdict)} Allowed error rate: ${formatRate(verdict.maxErrorRate)}.` +
      `${verdict.hasBaseline ? '' : ' No baseline was given: only floors and errors were checked.'}</sub>`,
  );
  return `${parts.join('\n')}\n`;
}

function gateText(verdict: GateVerdict): string {
  const parts = [verdict.summary, ...verdict.notes, ...sequentialLines(verdict)];
  if (verdict.failures.length > 0) {
    parts.push('', 'Problems:');
    for (const f of verdict.failures) {
      parts.push(`- ${f.location ? `${visible(f.location.file)}:${f.location.line}: ` : ''}${f.message}`);
    }
  }
  if (verdict.baselineChanges.length > 0)
    parts.push(
      '',
      `${changesTitle(verdict)}:`,
      textTable(CHANGES_HEADER, verdict.baselineChanges.map(changeRow)),
    );
  if (verdict.checks.length > 0) parts.push('', textTable(HEADER, verdict.checks.map(row)));
  return `${parts.join('\n')}\n`;
}
