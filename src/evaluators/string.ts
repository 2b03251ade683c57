/**
 * gh models' `string` evaluator: the first non-empty of equals / contains / startsWith / endsWith decides.
 * gh trims the model's answer before any check; `equals` is then exact, the others ignore case. Values are
 * templated with the row.
 */
import type { PathSegment } from '../errors/diagnostics';
import { renderTemplate } from '../format/template';
import { placeholders } from '../format/template';
import { isEntry, type Entry, type EvaluatorKind } from './kind';
import { excerpt, verdict, type Verdict } from './result';

export interface StringCheck {
  equals?: string;
  contains?: string;
  startsWith?: string;
  endsWith?: string;
}

const CHECKS = ['equals', 'contains', 'startsWith', 'endsWith'] as const;

/** Scores `output` with a string check, templating its value with the row's variables. */
export function scoreString(check: StringCheck, output: string, row: Record<string, string>): Verdict {
  const text = (output ?? '').trim();
  if (check.equals) {
    const want = renderTemplate(check.equals, row);
    return verdict(text === want, `output ${text === want ? 'equals' : 'does not equal'} "${excerpt(want)}"`);
  }
  const lower = text.toLowerCase();
  if (check.contains) {
    const want = renderTemplate(check.contains, row);
    const ok = lower.includes(want.toLowerCase());
    return verdict(ok, `output ${ok ? 'contains' : 'does not contain'} "${excerpt(want)}" (ignoring case)`);
  }
  if (check.startsWith) {
    const want = renderTemplate(check.startsWith, row);
    const ok = lower.startsWith(want.toLowerCase());
    return verdict(ok, `output ${ok ? 'starts' : 'does not start'} with "${excerpt(want)}" (ignoring case)`);
  }
  if (check.endsWith) {
    const want = renderTemplate(check.endsWith, row);
    const ok = lower.endsWith(want.toLowerCase());
    return verdict(ok, `output ${ok ? 'ends' : 'does not end'} with "${excerpt(want)}" (ignoring case)`);
  }
  return verdict(false, 'string evaluator has no equals, contains, startsWith or endsWith value');
}

export type StringMethod = { kind: 'string'; check: StringCheck };

const section = (entry: Entry): Entry => (isEntry(entry['string']) ? entry['string'] : {});

export const stringKind: EvaluatorKind<StringMethod> = {
  kind: 'string',
  keys: ['string'],
  howToWrite: "'string'",
  schema: {
    string: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(CHECKS.map((k) => [k, { type: 'string' }])),
    },
  },
  textPaths: () => CHECKS.map((k) => ['string', k]),
  placeholders(entry) {
    const out: { name: string; at: PathSegment[] }[] = [];
    for (const [k, v] of Object.entries(section(entry)))
      if (typeof v === 'string') for (const name of placeholders(v)) out.push({ name, at: ['string', k] });
    return out;
  },
  check({ entry, name, report }) {
    const s = section(entry);
    // gh models stops the whole run on such an evaluator ("no string evaluation criteria specified"). A misspelt
    // check (`contain:`) also gets its unknown-key warning, with the did-you-mean.
    if (isEntry(entry['string']) && !CHECKS.some((k) => typeof s[k] === 'string' && s[k] !== '')) {
      report(
        'error',
        ['string'],
        `evaluator '${name}' has a 'string' section with no non-empty equals, contains, startsWith or endsWith`,
      );
    }
  },
  read({ entry }) {
    const s = section(entry);
    return {
      kind: 'string',
      check: Object.fromEntries(
        CHECKS.filter((k) => typeof s[k] === 'string').map((k) => [k, s[k] as string]),
      ),
    };
  },
  score(method, reply, row, expect) {
    const v = scoreString(method.check, reply, row);
    return expect === 'no-match'
      ? { pass: !v.pass, score: v.pass ? 0 : 1, reason: `must not hold: ${v.reason}` }
      : v;
  },
};
