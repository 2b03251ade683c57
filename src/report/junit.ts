/**
 * JUnit XML for a gate verdict, for CI systems that show test reports: one testsuite per variant, one testcase per
 * evaluator (plus one for the variant's errors), a <failure> for each problem. Problems that belong to no variant
 * (an empty run, a floor for an unknown evaluator) go in a testsuite named "gate".
 */
import { GateCheck, GateFailure, GateVerdict } from '../gate/gate';
import { escapeXml } from './escape';
import { formatCount, formatP, formatRate } from './format';

interface Case {
  name: string;
  classname: string;
  file?: string;
  line?: number;
  failures: GateFailure[];
  output?: string;
}

/** The verdict as a JUnit XML document. */
export function gateJunit(verdict: GateVerdict): string {
  const suites = new Map<string, Case[]>();
  for (const variant of verdict.variants) {
    const failures = verdict.failures.filter((f) => 'variant' in f && f.variant === variant);
    const cases: Case[] = verdict.checks
      .filter((c) => c.variant === variant)
      .map((check) => ({
        name: check.evaluator,
        classname: variant,
        ...(check.location && { file: check.location.file, line: check.location.line }),
        failures: failures.filter(
          (f) => f.kind === 'missing-variant' || ('evaluator' in f && f.evaluator === check.evaluator),
        ),
        output: checkOutput(check),
      }));
    cases.push({
      name: 'calls without errors',
      classname: variant,
      failures: failures.filter((f) => f.kind === 'errors'),
    });
    suites.set(variant, cases);
  }
  const general = verdict.failures.filter((f) => f.kind === 'no-trials' || f.kind === 'unknown-floor');
  if (general.length > 0) {
    suites.set(
      'gate',
      general.map((f) => ({
        name: f.kind === 'unknown-floor' ? `floor for ${f.evaluator}` : 'run has trials',
        classname: 'gate',
        failures: [f],
      })),
    );
  }

  const all = [...suites.values()].flat();
  const failing = (cases: Case[]) => cases.filter((c) => c.failures.length > 0).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="promptfile gate" tests="${all.length}" failures="${failing(all)}" errors="0">`,
  ];
  for (const [name, cases] of suites) {
    lines.push(
      `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failing(cases)}" errors="0" skipped="0">`,
    );
    for (const c of cases) {
      const where = c.file !== undefined ? ` file="${escapeXml(c.file)}" line="${c.line}"` : '';
      lines.push(`    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(c.classname)}"${where}>`);
      for (const f of c.failures) {
        lines.push(
          `      <failure type="${f.kind}" message="${escapeXml(f.message)}">${escapeXml(f.message)}</failure>`,
        );
      }
      if (c.output) lines.push(`      <system-out>${escapeXml(c.output)}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function checkOutput(check: GateCheck): string {
  const parts: string[] = [];
  if (check.before) parts.push(`baseline ${formatCount(check.before.passes, check.before.trials)}`);
  if (check.after)
    parts.push(
      `this run ${formatCount(check.after.passes, check.after.trials)} (${formatRate(check.after.rate)})`,
    );
  if (check.regression)
    parts.push(`one-sided exact test, Holm-adjusted ${formatP(check.regression.pAdjusted)}`);
  if (check.floor !== undefined)
    parts.push(
      `floor ${formatRate(check.floor)} on the Wilson lower bound ${formatRate(check.after?.interval.low ?? 0)}`,
    );
  return parts.join('; ');
}
