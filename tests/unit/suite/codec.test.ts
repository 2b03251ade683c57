/**
 * The codec carries row data through promptfoo inertly: whatever a user writes comes back byte for byte,
 * and promptfoo finds nothing in the encoded form to load, execute, render or trim.
 */
import { decode, decodeRecord, encode, encodeRecord, isEncoded } from '../../../src/suite/codec';

const MARK = '\u2060';

/** Everything promptfoo would act on in a var or a chat message string. */
function assertInert(encoded: string): void {
  expect(encoded).not.toMatch(/\{\{|\{%|\{#/);
  expect(encoded.startsWith('file://')).toBe(false);
  expect(encoded.startsWith('package:')).toBe(false);
  expect(encoded).not.toMatch(/[\r\n]$/);
}

const TRICKY = [
  '',
  ' ',
  '\n',
  'trailing newline\n',
  '{{ env.HOME }}',
  '{{other}}',
  '{% if x %}{% endif %}',
  '{% endraw %}',
  '{# comment #}',
  '{{{{',
  '{',
  '}}',
  '{ {',
  'file://etc/passwd',
  'file://scripts/run.js',
  'package:fs:readFileSync',
  '$& $1',
  MARK,
  MARK + MARK,
  `${MARK}{{x}}${MARK}`,
  `{${MARK}`,
  `{${MARK}{`,
  `a${MARK}b`,
  'emoji 😀 and a lone surrogate \ud800',
  'crlf\r\n',
];

describe('decode inverts encode exactly', () => {
  it.each(TRICKY.map((s) => [JSON.stringify(s), s]))('%s', (_label, s) => {
    expect(decode(encode(s))).toBe(s);
  });

  it('holds for every string of up to 5 characters over the characters that matter', () => {
    const alphabet = ['{', '%', '#', MARK, '\n', 'a'];
    let strings = [''];
    let checked = 0;
    for (let length = 0; length <= 5; length++) {
      for (const s of strings) {
        const encoded = encode(s);
        if (decode(encoded) !== s) throw new Error(`round trip failed for ${JSON.stringify(s)}`);
        assertInert(encoded);
        checked++;
      }
      strings = strings.flatMap((s) => alphabet.map((c) => s + c));
    }
    expect(checked).toBe((6 ** 6 - 1) / 5);
  });

  it('holds for generated strings of promptfoo-significant fragments', () => {
    const fragments = [
      '{',
      '{{',
      '{%',
      '{#',
      '}}',
      '%}',
      MARK,
      '\n',
      '\r\n',
      'file://',
      'package:',
      'x',
      ' ',
      '😀',
      '$&',
    ];
    let seed = 42;
    const random = (n: number) => {
      // mulberry32: a fixed seed keeps failures reproducible.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) % n) as number;
    };
    for (let i = 0; i < 5000; i++) {
      const s = Array.from({ length: random(12) }, () => fragments[random(fragments.length)]).join('');
      const encoded = encode(s);
      if (decode(encoded) !== s) throw new Error(`round trip failed for ${JSON.stringify(s)}`);
      assertInert(encoded);
    }
  });
});

describe('the encoded form is inert to promptfoo', () => {
  it.each(TRICKY.map((s) => [JSON.stringify(s), s]))('%s', (_label, s) => {
    assertInert(encode(s));
  });

  it('is invisible around text without braces: only the marks at both ends are added', () => {
    expect(encode('hello')).toBe(`${MARK}hello${MARK}`);
  });
});

describe('decode leaves strings that were never encoded alone', () => {
  it.each(['plain', '', MARK, `{${MARK}x`])('%j', (s) => {
    expect(isEncoded(s)).toBe(false);
    expect(decode(s)).toBe(s);
  });

  it('recognises what encode produces', () => {
    expect(TRICKY.every((s) => isEncoded(encode(s)))).toBe(true);
  });
});

describe('records', () => {
  it('encodes every value and decodes them back', () => {
    const row = { a: '{{b}}', b: 'file://x', c: '' };
    expect(decodeRecord(encodeRecord(row))).toEqual(row);
  });

  it('decodes a value promptfoo turned into another type as its JSON text', () => {
    expect(decodeRecord({ n: 3, o: { k: 1 }, s: encode('x') })).toEqual({ n: '3', o: '{"k":1}', s: 'x' });
  });

  it('treats a missing record as empty', () => {
    expect(decodeRecord(undefined)).toEqual({});
  });
});
