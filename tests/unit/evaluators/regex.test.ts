/**
 * `type: regex` evaluators run on RE2: inline flags work as prompt files expect, matching is linear time
 * whatever the pattern, and the Perl features RE2 leaves out are named when a pattern uses them.
 */
import { compileRegex, regexMatches, scoreRegex } from '../../../src/evaluators/regex';

describe('the seed-style patterns match as written', () => {
  it('(?i) makes the whole pattern case-insensitive', () => {
    expect(regexMatches('(?i)(Push|Pull)', 'push-pull')).toBe(true);
    expect(regexMatches('(Push|Pull)', 'push-pull')).toBe(false);
  });

  it('matches anywhere in the output, not only at the start', () => {
    expect(regexMatches('(?i)(Merkle Tree|Bloom Filter)', 'We use a bloom filter per shard.')).toBe(true);
  });

  it('reads escaped braces and quotes literally, as the refusal evaluator needs', () => {
    expect(regexMatches('\\{"error": "unsafe"\\}', 'Answer: {"error": "unsafe"}')).toBe(true);
    expect(regexMatches('\\{"error": "unsafe"\\}', '{"error":"unsafe"}')).toBe(false);
  });
});

describe('(?s) and (?m) are honoured', () => {
  it('(?s) lets . match a newline', () => {
    expect(regexMatches('(?s)start.*end', 'start\nmiddle\nend')).toBe(true);
    expect(regexMatches('start.*end', 'start\nmiddle\nend')).toBe(false);
  });

  it('(?m) makes ^ and $ match at line breaks', () => {
    expect(regexMatches('(?m)^## Failure Detection$', '# Design\n## Failure Detection\ntext')).toBe(true);
    expect(regexMatches('^## Failure Detection$', '# Design\n## Failure Detection\ntext')).toBe(false);
  });
});

describe('matching is linear time', () => {
  it('returns for (a+)+$ against a megabyte of a followed by !, which backtracking engines never finish', () => {
    expect(regexMatches('(a+)+$', `${'a'.repeat(1024 * 1024)}!`)).toBe(false);
  });
});

describe('scoreRegex gives a verdict with a reason', () => {
  it('passes on a match and quotes what matched', () => {
    expect(scoreRegex('(?i)swim', 'We use SWIM.')).toEqual({
      pass: true,
      score: 1,
      reason: '/(?i)swim/: matched "SWIM"',
    });
  });

  it('fails without a match', () => {
    expect(scoreRegex('(?i)swim', 'We use gossip.')).toEqual({
      pass: false,
      score: 0,
      reason: '/(?i)swim/: no match',
    });
  });

  it('inverts with a no-match expectation: passes without a match, fails with one', () => {
    expect(scoreRegex('unsafe', 'a design', 'no-match')).toEqual({
      pass: true,
      score: 1,
      reason: 'must not match /unsafe/: no match',
    });
    expect(scoreRegex('unsafe', '{"error": "unsafe"}', 'no-match')).toMatchObject({ pass: false, score: 0 });
  });

  it('fails an invalid pattern with the reason instead of throwing', () => {
    expect(scoreRegex('(a', 'a')).toEqual({
      pass: false,
      score: 0,
      reason: 'invalid regex /(a/: missing closing ): `(a`',
    });
  });
});

describe('an invalid pattern is explained in RE2 terms', () => {
  it.each([
    ['(\\w+) \\1', 'invalid escape sequence: `\\1` (RE2 has no backreferences)'],
    ['(?<=say )hello', 'invalid named capture: `(?<=say )hello` (RE2 has no lookbehind)'],
    ['(?!no)yes', 'invalid or unsupported Perl syntax: `(?!` (RE2 has no lookahead)'],
    ['(?>a)', 'invalid or unsupported Perl syntax: `(?>` (RE2 has no atomic groups)'],
    ['a++', 'invalid nested repetition operator: `++` (RE2 has no possessive quantifiers)'],
    ['[z-a]', 'invalid character class range: `z-a`'],
  ])('%s: %s', (pattern, error) => {
    expect(compileRegex(pattern)).toEqual({ error });
  });

  it('regexMatches throws on an invalid pattern, which loading would have refused', () => {
    expect(() => regexMatches('(a', 'a')).toThrow('invalid regex (a: missing closing ): `(a`');
  });
});
