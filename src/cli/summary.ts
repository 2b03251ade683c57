/** What `promptfile eval` prints: each row's verdict per variant, then the comparison table. */
import { compare, renderCompare, type TrialTable } from '../gate';

/**
 * Summarises a run as text; also returns how many calls failed an evaluator, and how many ended in an error (no
 * output and no grading included).
 */
export function summarise(table: TrialTable): { text: string; failed: number; errors: number } {
  const count = (outcome: string) => table.attempts.filter((a) => a.outcome === outcome).length;
  return {
    text: `${rowsTable(table)}\n\n${renderCompare(compare(table), 'text')}`,
    failed: count('fail'),
    errors: count('error'),
  };
}

/** One line per (row, variant, repeat): PASS, FAIL with the failing evaluators, or ERROR; with tokens, latency, cost. */
export function rowsTable(table: TrialTable): string {
  const lines = ['Rows'];
  const attempts = [...table.attempts].sort(
    (a, b) =>
      a.row.key.localeCompare(b.row.key, 'en', { numeric: true }) ||
      a.variant.localeCompare(b.variant) ||
      a.repeat - b.repeat,
  );
  const width = Math.max(...attempts.map((a) => a.row.label.length), 3);
  for (const a of attempts) {
    const repeat = table.attempts.some((x) => x.repeat > 0) ? ` #${a.repeat + 1}` : '';
    let verdict: string;
    if (a.outcome === 'error') verdict = `ERROR ${oneLine(a.error ?? '')}`;
    else {
      const failed = table.trials
        .filter(
          (t) =>
            t.variant === a.variant &&
            t.row.key === a.row.key &&
            t.repeat === a.repeat &&
            t.outcome !== 'pass',
        )
        .map((t) => t.evaluator);
      // The call's own outcome decides; the evaluators only say which failed.
      verdict =
        a.outcome === 'pass'
          ? 'PASS'
          : `FAIL ${failed.length > 0 ? failed.join('; ') : '(promptfoo failed the row; no evaluator did)'}`;
    }
    lines.push(`${a.row.label.padEnd(width)}  ${a.variant}${repeat}: ${verdict}${usage(a.usage)}`);
  }
  return lines.join('\n');
}

function usage(u: { totalTokens: number; cost: number; latencyMs: number }): string {
  const parts = [
    `${u.totalTokens} tok`,
    `${u.latencyMs < 1000 ? `${u.latencyMs} ms` : `${(u.latencyMs / 1000).toFixed(1)} s`}`,
  ];
  if (u.cost > 0) parts.push(`$${u.cost.toFixed(4)}`);
  return `  (${parts.join(', ')})`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}
