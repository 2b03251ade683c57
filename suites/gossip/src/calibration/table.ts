/** Renders calibration reports as Markdown: agreement tables, disagreements with their reasons, per-reply marks. */
import type { CalibrationReport } from './calibrate';

export interface RenderOptions {
  /** Heading level and title of this report's section. */
  title: string;
  /** Directory the labelled replies came from. */
  corpusDir: string;
  /** Include the per-reply table. */
  perReply: boolean;
}

/** One report as a Markdown section. */
export function renderCalibration(report: CalibrationReport, options: RenderOptions): string {
  const n = report.outcomes.length;
  const count = (row: string) => report.outcomes.filter((o) => o.entry.row === row).length;
  const fails = report.outcomes.filter((o) => o.entry.label === 'fail').length;
  const lines: string[] = [
    options.title,
    '',
    `${n} labelled replies in \`${options.corpusDir}\` (cdn ${count('cdn')}, empty ${count('empty')}, injection ${count('injection')}; ${fails} labelled fail, ${n - fails} pass).`,
    '',
    '| checker | rows | n | accuracy | precision | recall | TP | FP | FN | TN |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of report.rows) {
    const a = row.agreement;
    lines.push(
      `| ${row.name} | ${row.scope} | ${a.n} | ${pct(a.accuracy)} | ${pct(a.precision)} | ${pct(a.recall)} | ${a.truePositives} | ${a.falsePositives} | ${a.falseNegatives} | ${a.trueNegatives} |`,
    );
  }
  lines.push('', 'Disagreements of the whole verdict (domain + scoped seed regexes):', '');
  const wrong = report.outcomes.filter((o) => o.fullVerdict !== (o.entry.label === 'pass'));
  if (wrong.length === 0) lines.push('- none');
  for (const o of wrong) {
    const domainFails = Object.entries(o.domain)
      .filter(([, v]) => !v.pass)
      .map(([k, v]) => `${k}: ${v.reason}`);
    const cause =
      domainFails.length > 0
        ? domainFails.join(' / ')
        : 'the domain checks pass; a scoped seed regex decides';
    lines.push(
      `- \`${o.entry.file}\`: labelled ${o.entry.label}, verdict ${o.fullVerdict ? 'pass' : 'fail'} (${cause}). Label: ${o.entry.why}`,
    );
  }
  if (options.perReply) {
    lines.push(
      '',
      '| reply | label | structure | numbers | safety | verdict | seed all-on-all |',
      '|---|---|---|---|---|---|---|',
    );
    for (const o of report.outcomes) {
      const mark = (v: { pass: boolean } | undefined) => (v === undefined ? '–' : v.pass ? 'pass' : 'fail');
      lines.push(
        `| ${o.entry.file} | ${o.entry.label} | ${mark(o.domain.structure)} | ${mark(o.domain.numbers)} | ${mark(o.domain.safety)} | ${o.fullVerdict ? 'pass' : 'fail'} | ${o.seedAllOnAll ? 'pass' : 'fail'} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

function pct(x: number): string {
  return Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`;
}
