/** Renders a calibration report as Markdown: the agreement table, then every disagreement with its reason. */
import type { CalibrationReport } from './calibrate';

/** The Markdown report written to docs/calibration.md and printed by bench/calibrate.ts. */
export function renderCalibration(report: CalibrationReport, corpusDir: string): string {
  const n = report.outcomes.length;
  const count = (row: string) => report.outcomes.filter((o) => o.entry.row === row).length;
  const fails = report.outcomes.filter((o) => o.entry.label === 'fail').length;
  const lines: string[] = [
    '# Calibration of the gossip checks',
    '',
    `Corpus: ${n} labelled replies in \`${corpusDir}\` (cdn ${count('cdn')}, empty ${count('empty')}, injection ${count('injection')}; ${fails} labelled fail, ${n - fails} pass).`,
    'The corpus was written from docs/gossip-reference.md before the checks existed; labels say whether a careful reviewer would accept the reply for its row.',
    '',
    'Positive class = **fail** (the checker is there to catch bad replies): precision = of the replies it fails, how many are bad; recall = of the bad replies, how many it fails.',
    'A single assertion only judges its own aspect, so its recall against whole-reply labels is partial by design; its precision is the figure to read.',
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
  lines.push('', '## Disagreements of the whole verdict (domain + scoped seed regexes)', '');
  const wrong = report.outcomes.filter((o) => o.fullVerdict !== (o.entry.label === 'pass'));
  if (wrong.length === 0) lines.push('None.');
  for (const o of wrong) {
    const reasons = Object.entries(o.domain)
      .filter(([, v]) => !v.pass)
      .map(([k, v]) => `${k}: ${v.reason}`);
    lines.push(
      `- \`${o.entry.file}\`: labelled ${o.entry.label}, verdict ${o.fullVerdict ? 'pass' : 'fail'}. Why labelled: ${o.entry.why}`,
    );
    if (reasons.length > 0) lines.push(`  - ${reasons.join('\n  - ')}`);
  }
  lines.push(
    '',
    '## Per reply',
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
  return lines.join('\n') + '\n';
}

function pct(x: number): string {
  return Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`;
}
