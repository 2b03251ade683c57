/**
 * The `string` evaluator behaves as gh models' own: its cases below are gh's (cmd/eval/eval_test.go),
 * then the rules its implementation implies (trimmed answer, exact equals, case-blind rest, first wins).
 */
import { scoreString } from '../../../src/evaluators/string';

describe("gh models' own string evaluator cases", () => {
  it.each([
    ['contains match', { contains: 'world' }, 'hello world', {}, true],
    ['contains no match', { contains: 'world' }, 'hello there', {}, false],
    ['equals match', { equals: 'exact' }, 'exact', {}, true],
    ['equals no match', { equals: 'exact' }, 'not exact', {}, false],
    ['starts with match', { startsWith: 'hello' }, 'hello world', {}, true],
    ['ends with match', { endsWith: 'world' }, 'hello world', {}, true],
    ['contains with variable', { contains: '{{expected}}' }, 'hello world', { expected: 'world' }, true],
    [
      'fails with variable not match',
      { contains: '{{expected}}' },
      'hello world',
      { expected: 'goodbye' },
      false,
    ],
  ])('%s', (_name, check, output, row, pass) => {
    expect(scoreString(check, output, row)).toMatchObject({ pass, score: pass ? 1 : 0 });
  });
});

describe('equals is exact against the trimmed output', () => {
  it('ignores whitespace around the output', () => {
    expect(scoreString({ equals: 'exact' }, '  exact\n', {}).pass).toBe(true);
  });

  it('is case-sensitive', () => {
    expect(scoreString({ equals: 'exact' }, 'Exact', {}).pass).toBe(false);
  });

  it('does not trim the expected value: spaces in it must be in the output', () => {
    expect(scoreString({ equals: ' exact' }, ' exact', {}).pass).toBe(false);
  });
});

describe('contains, startsWith and endsWith ignore case', () => {
  it.each([
    [{ contains: 'WORLD' }, 'Hello World'],
    [{ startsWith: 'HELLO' }, 'hello world'],
    [{ endsWith: 'World' }, 'hello WORLD'],
  ])('%j passes on %j', (check, output) => {
    expect(scoreString(check, output, {}).pass).toBe(true);
  });

  it('startsWith and endsWith look at the trimmed output, as gh trims the answer first', () => {
    expect(scoreString({ startsWith: 'Summary -' }, '\n  Summary - a fox.', {}).pass).toBe(true);
    expect(scoreString({ endsWith: 'fox.' }, 'Summary - a fox.\n', {}).pass).toBe(true);
  });

  it('startsWith fails when the text is only somewhere inside', () => {
    expect(scoreString({ startsWith: 'world' }, 'hello world', {}).pass).toBe(false);
    expect(scoreString({ endsWith: 'hello' }, 'hello world', {}).pass).toBe(false);
  });
});

describe('the first non-empty of equals, contains, startsWith, endsWith decides', () => {
  it('uses equals when set, ignoring the others', () => {
    expect(scoreString({ equals: 'a', contains: 'hello' }, 'hello', {}).pass).toBe(false);
  });

  it('skips an empty equals and uses contains', () => {
    expect(scoreString({ equals: '', contains: 'hell' }, 'hello', {}).pass).toBe(true);
  });

  it('uses contains before startsWith and endsWith', () => {
    expect(scoreString({ contains: 'zzz', startsWith: 'he', endsWith: 'lo' }, 'hello', {}).pass).toBe(false);
  });

  it('uses startsWith before endsWith', () => {
    expect(scoreString({ startsWith: 'zzz', endsWith: 'lo' }, 'hello', {}).pass).toBe(false);
  });

  it('fails, saying why, when every value is empty', () => {
    expect(scoreString({ equals: '', contains: '' }, 'hello', {})).toEqual({
      pass: false,
      score: 0,
      reason: 'string evaluator has no equals, contains, startsWith or endsWith value',
    });
  });
});

describe('values are templated with the row, literally', () => {
  it('compares against the rendered value, and says it in the reason', () => {
    expect(scoreString({ equals: 'Hi {{ name }}' }, 'Hi Ada', { name: 'Ada' })).toEqual({
      pass: true,
      score: 1,
      reason: 'output equals "Hi Ada"',
    });
  });

  it('takes regex and template characters in a row value literally', () => {
    expect(
      scoreString({ contains: '{{expected}}' }, 'costs $& (a.b) {% x %}', { expected: '$& (a.b) {% x %}' })
        .pass,
    ).toBe(true);
  });
});

describe('a missing output is an empty answer, not a crash', () => {
  it('fails contains on undefined output', () => {
    expect(scoreString({ contains: 'x' }, undefined as unknown as string, {}).pass).toBe(false);
  });
});
