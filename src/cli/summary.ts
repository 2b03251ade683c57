/** What `promptfile eval` prints: each row's verdict per variant, then the comparison table. */
import { compare } from '../compare/compare';
import { renderCompare } from '../report/compare';
import type { TrialTable } from '../results/trial';

/**
 * Summarises a run as text (`results`, the results file, is named in the hint that shows every comparison); also
 * returns how many calls failed an evaluator, and how many ended in an error (no output and no grading included).
 */
export function summarise(
  table: TrialTable,
  results: string,
): { text: string; failed: number; errors: number } {
  const count = (outcome: string) => table.attempts.filter((a) => a.outcome === outcome).length;
  const comparison = renderCompare(compare(table), 'text', {
    allHint: `promptfile compare ${results} --all`,
  });
  return {
    text: `${rowsTable(table)}\n\n${comparison}`,
    failed: count('fail'),
    errors: count('error'),
  };
}

/**
 * One line per (row, variant, repeat): PASS, FAIL with the failing evaluators, or ERROR; with tokens, latency, cost.
 * Under a failed row, each failing evaluator's reason and the start of the reply (as gh shows its first 100
 * characters), each on one line.
 */
export function rowsTable(table: TrialTable): string {
  const lines = ['Rows'];
  // In the order people read them: by file and line (a row's key is a content hash, which orders nothing).
  const attempts = [...table.attempts].sort(
    (a, b) =>
      (a.row.file ?? a.row.label).localeCompare(b.row.file ?? b.row.label, 'en', { numeric: true }) ||
      (a.row.line ?? 0) - (b.row.line ?? 0) ||
      a.row.key.localeCompare(b.row.key) ||
      a.variant.localeCompare(b.variant) ||
      a.repeat - b.repeat,
  );
  const width = Math.max(...attempts.map((a) => a.row.label.length), 3);
  for (const a of attempts) {
    const repeat = table.attempts.some((x) => x.repeat > 0) ? ` #${a.repeat + 1}` : '';
    let verdict: string;
    const details: string[] = [];
    if (a.outcome === 'error') verdict = `ERROR ${oneLine(a.error ?? '')}`;
    else {
      const failed = table.trials.filter(
        (t) =>
          t.variant === a.variant && t.row.key === a.row.key && t.repeat === a.repeat && t.outcome !== 'pass',
      );
      // The call's own outcome decides; the evaluators only say which failed.
      verdict =
        a.outcome === 'pass'
          ? 'PASS'
          : `FAIL ${failed.length > 0 ? failed.map((t) => t.evaluator).join('; ') : '(promptfoo failed the row; no evaluator did)'}`;
      if (a.outcome === 'fail') {
        for (const t of failed)
          details.push(`    ✗ ${t.evaluator}: ${oneLine(t.reason) || '(no reason given)'}`);
        details.push(
          `    reply: ${a.output === undefined ? '(none)' : JSON.stringify(oneLine(a.output, REPLY_START))}`,
        );
      }
    }
    lines.push(
      `${a.row.label.padEnd(width)}  ${a.variant}${repeat}: ${verdict}${usage(a.usage)}`,
      ...details,
    );
  }
  return lines.join('\n');
}

/** How much of a failed row's reply is shown: gh shows the first 100 characters. */
const REPLY_START = 100;

function usage(u: { totalTokens: number; cost: number; latencyMs: number }): string {
  const parts = [
    `${u.totalTokens} tok`,
    `${u.latencyMs < 1000 ? `${u.latencyMs} ms` : `${(u.latencyMs / 1000).toFixed(1)} s`}`,
  ];
  if (u.cost > 0) parts.push(`$${u.cost.toFixed(4)}`);
  return `  (${parts.join(', ')})`;
}

/** Text on one line, at most `max` characters (code points, so no character is cut in half). */
function oneLine(text: string, max = 160): string {
  const flat = [...text.replace(/\s+/g, ' ').trim()];
  return flat.length > max ? `${flat.slice(0, max - 1).join('')}…` : flat.join('');
}
