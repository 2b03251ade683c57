/**
 * Findings and the verdict they add up to. A finding names the claim, the computation and the outcome:
 * `rounds: reply says 3 rounds with fanout 1 at N=1,000,000 (push); lower bound ⌈log2(1e6)⌉ = 20; FAIL`.
 */
import type { Verdict } from '../../../../src/evaluators/result';

/** How one finding came out; a warning is said but does not fail the check. */
export type FindingOutcome = 'PASS' | 'FAIL' | 'WARN';

export interface Finding {
  /** Which rule: rounds, time, bound, phi, bloom, swim, ... */
  check: string;
  outcome: FindingOutcome;
  /** What the reply says and what it was compared with, without the outcome. */
  detail: string;
  /** The sentence the claim came from, when there is one. */
  snippet?: string;
}

/** A check's verdict, as every evaluator's (pass, score, reason), plus the findings behind it. */
export interface CheckVerdict extends Verdict {
  findings: Finding[];
}

/** One line per finding: `check: detail; OUTCOME`. */
export function formatFinding(finding: Finding): string {
  return `${finding.check}: ${finding.detail}; ${finding.outcome}`;
}

/** Findings a reason spells out (failures first); a hostile reply with thousands of claims gets a count for the rest. */
export const MAX_REASON_FINDINGS = 60;

/**
 * Adds findings up: the verdict fails when any finding fails. The score is the share of passing findings
 * among passing and failing ones (warnings do not count), 1 when nothing failed. The reason lists failures
 * first, then warnings, then passes.
 */
export function verdictOf(name: string, findings: Finding[]): CheckVerdict {
  const fails = findings.filter((f) => f.outcome === 'FAIL');
  const warns = findings.filter((f) => f.outcome === 'WARN');
  const passes = findings.filter((f) => f.outcome === 'PASS');
  const pass = fails.length === 0;
  const score = pass ? 1 : passes.length / (passes.length + fails.length);
  const counts = `${fails.length} fail, ${warns.length} warn, ${passes.length} pass`;
  const ordered = [...fails, ...warns, ...passes];
  const lines = ordered.slice(0, MAX_REASON_FINDINGS).map(formatFinding);
  if (ordered.length > MAX_REASON_FINDINGS)
    lines.push(`… ${ordered.length - MAX_REASON_FINDINGS} more findings`);
  return {
    pass,
    score,
    findings,
    reason: `${name} ${pass ? 'PASS' : 'FAIL'} (${counts}): ${lines.join(' | ')}`,
  };
}

/** Formats a number for a finding: 1000000 → "1,000,000", 0.2 → "0.2". */
export function show(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  // By hand: toLocaleString goes through ICU and costs microseconds, which adds up over thousands of findings.
  if (Math.abs(value) >= 1000)
    return BigInt(Math.round(value))
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  // An integer of at most `digits` digits is its own rounding.
  if (Number.isInteger(value) && digits >= 3) return String(value);
  return String(Number(value.toPrecision(digits)));
}

/** Formats seconds: 0.2 → "200 ms", 3.08 → "3.08 s". */
export function showSeconds(seconds: number): string {
  if (seconds > 0 && seconds < 1) return `${show(seconds * 1000)} ms`;
  return `${show(seconds)} s`;
}
