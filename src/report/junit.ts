/**
 * JUnit XML for a gate verdict, for CI systems that show test reports: one testsuite per variant, one testcase per
 * evaluator (plus one for the variant's errors), a <failure> for each problem. Problems that belong to no variant
 * (an empty run, a floor for an unknown evaluator) go in a testsuite named "gate".
 */
import { GateCheck, GateFailure, GateVerdict } from '../gate/gate';
import { escapeXml } from './escape';
import { formatCount, formatP, formatRate } from '../format/numbers';

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
  const placed = new Set<GateFailure>();
  const take = (failures: GateFailure[]) => {
    for (const f of failures) placed.add(f);
    return failures;
  };
  for (const variant of verdict.variants) {
    const failures = verdict.failures.filter((f) => 'variant' in f && f.variant === variant);
    const cases: Case[] = verdict.checks
      .filter((c) => c.variant === variant)
      .map((check) => ({
        name: check.evaluator,
        classname: variant,
        ...(check.location && { file: check.location.file, line: check.location.line }),
        failures: take(
          failures.filter(
            (f) =>
              f.kind === 'missing-variant' ||
              ('evaluator' in f && f.evaluator === check.evaluator && f.kind !== 'lowered'),
          ),
        ),
        output: checkOutput(check),
      }));
    cases.push({
      name: 'calls without errors',
      classname: variant,
      failures: take(failures.filter((f) => f.kind === 'errors')),
    });
    cases.push({
      name: 'run and baseline cover each other',
      classname: variant,
      failures: take(
        failures.filter(
          (f) =>
            f.kind === 'missing-rows' ||
            f.kind === 'new-rows' ||
            f.kind === 'changed-rows' ||
            f.kind === 'new-variant' ||
            f.kind === 'kind-changed',
        ),
      ),
    });
    suites.set(variant, cases);
  }
  // Whatever belongs to no variant's check (an empty run, shards, a lowered baseline, a floor for an unknown
  // evaluator): one case each in a suite of its own, so no failure is left out of the report.
  const general = verdict.failures.filter((f) => !placed.has(f));
  if (general.length > 0) {
    suites.set(
      'gate',
      general.map((f) => ({
        name:
          f.kind === 'unknown-floor'
            ? `floor for ${f.evaluator}`
            : f.kind === 'no-trials'
              ? 'run has trials'
              : f.kind === 'shards'
                ? 'every shard of one run'
                : f.kind === 'sequential' && !f.variant
                  ? 'sequential design'
                  : `${f.kind}: ${'evaluator' in f ? `${f.evaluator} (${f.variant})` : f.variant}`,
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
      `floor ${formatRate(check.floor)}, Wilson 95% interval [${formatRate(check.after?.interval.low ?? 0)}, ${formatRate(check.after?.interval.high ?? 1)}]`,
    );
  return parts.join('; ');
}
