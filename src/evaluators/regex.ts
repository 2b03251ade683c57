/**
 * `type: regex` evaluators, matched with RE2 (re2js): linear time whatever the pattern, so a user's
 * `(a+)+$` cannot hang a run, and RE2's inline flags `(?i)`, `(?s)`, `(?m)` work as prompt files expect.
 */
import { RE2JS } from 're2js';
import type { EvaluatorKind } from './kind';
import { excerpt, verdict, type Verdict } from './result';

const compiled = new Map<string, RE2JS>();

/** Compiles an RE2 pattern, or returns the engine's reason it is invalid. */
export function compileRegex(pattern: string): { regex?: RE2JS; error?: string } {
  const hit = compiled.get(pattern);
  if (hit) return { regex: hit };
  try {
    const regex = RE2JS.compile(pattern);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, regex);
    return { regex };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(
      /^error parsing regexp: /,
      '',
    );
    const missing = unsupportedFeature(pattern);
    return { error: missing ? `${message} (RE2 has no ${missing})` : message };
  }
}

/** The Perl/JavaScript feature RE2 leaves out that a rejected pattern uses, if any: the engine's own words hide it. */
function unsupportedFeature(pattern: string): string | undefined {
  if (/\\[1-9]|\\k<|\\g\d|\\g\{/.test(pattern)) return 'backreferences';
  if (/\(\?<[=!]/.test(pattern)) return 'lookbehind';
  if (/\(\?[=!]/.test(pattern)) return 'lookahead';
  if (/\(\?>/.test(pattern)) return 'atomic groups';
  if (/[*+?}]\+/.test(pattern)) return 'possessive quantifiers';
  return undefined;
}

/** True when `pattern` matches anywhere in `text`. Throws on an invalid pattern (validated at load). */
export function regexMatches(pattern: string, text: string): boolean {
  const { regex, error } = compileRegex(pattern);
  if (!regex) throw new Error(`invalid regex ${pattern}: ${error}`);
  return regex.matcher(text).find();
}

/**
 * Scores `output` against an RE2 pattern. With `expect: 'no-match'` (evaluator scoping) it passes when the
 * pattern does NOT match.
 */
export function scoreRegex(pattern: string, output: string, expect: 'match' | 'no-match' = 'match'): Verdict {
  const { regex, error } = compileRegex(pattern);
  if (!regex) return verdict(false, `invalid regex /${pattern}/: ${error}`);
  const m = regex.matcher(output ?? '');
  const found = m.find();
  const where = found ? `matched "${excerpt(m.group(0) ?? '', 60)}"` : 'no match';
  if (expect === 'no-match') {
    return verdict(!found, `must not match /${pattern}/: ${where}`);
  }
  return verdict(found, `/${pattern}/: ${where}`);
}

export type RegexMethod = { kind: 'regex'; pattern: string };

/** `type: regex` with `pattern:`, or the shorthand `regex:`. */
export const regexKind: EvaluatorKind<RegexMethod> = {
  kind: 'regex',
  keys: ['pattern', 'regex'],
  howToWrite: "'type: regex' with 'pattern'",
  schema: {
    pattern: { type: 'string' },
    regex: { type: 'string', description: 'Shorthand for type: regex + pattern.' },
  },
  check({ entry, name, report }) {
    for (const key of ['pattern', 'regex']) {
      const pattern = entry[key];
      if (typeof pattern !== 'string') continue;
      const { error } = compileRegex(pattern);
      if (error) report('error', [key], `evaluator '${name}' has an invalid regex: ${error}`);
    }
  },
  read: ({ entry }) => ({ kind: 'regex', pattern: String(entry['pattern'] ?? entry['regex']) }),
  score: (method, reply, _row, expect) => scoreRegex(method.pattern, reply, expect),
};
