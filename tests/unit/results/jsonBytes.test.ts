/**
 * JSON read from bytes (results/jsonBytes.ts): whatever it returns is what JSON.parse returns for the same text,
 * and what it is unsure of it leaves (undefined) for JSON.parse to read or refuse. Checked on random documents, on
 * every one-byte change of a baseline-like document, and on the corners JSON.parse has opinions about.
 */
import { MAX_DEPTH, parseJsonBytes, SHARED_BELOW } from '../../../src/results/jsonBytes';
import { seeded, type Random } from '../../../src/stats/random';

/** What JSON.parse makes of the text, or 'refused'. */
function reference(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return 'refused';
  }
}

/** The fast reader agrees with JSON.parse: the same value, or it leaves the text (then JSON.parse decides). */
function agrees(text: string | Buffer): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const fast = parseJsonBytes(bytes);
  const slow = reference(bytes.toString('utf8'));
  if (fast === undefined) return;
  expect(slow).not.toBe('refused');
  expect(fast).toStrictEqual(slow);
}

const STRINGS = [
  '',
  'plain',
  'a "quote"',
  'back\\slash',
  '\n\t\u0001',
  '√∑ é',
  '😀 𝄞',
  '__proto__',
  '\u2028',
  '#10',
];

function randomValue(random: Random, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 6 : 9));
  const string = () => STRINGS[Math.floor(random() * STRINGS.length)] as string;
  switch (pick) {
    case 0:
      return Math.floor(random() * 40);
    case 1:
      return [-1, 0.5, 1e21, 123456789012345678, -0, 2 ** 53][Math.floor(random() * 6)];
    case 2:
      return string();
    case 3:
      return [true, false, null][Math.floor(random() * 3)];
    case 4:
    case 5: {
      const n = Math.floor(random() * SHARED_BELOW * 1.5);
      return { errors: n % 3, passes: n, trials: n + Math.floor(random() * 3) };
    }
    case 6:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let k = Math.floor(random() * 5); k > 0; k--)
        object[string() + k] = randomValue(random, depth + 1);
      return object;
    }
  }
}

describe('parseJsonBytes', () => {
  it('reads random documents as JSON.parse does, in compact and indented layouts', () => {
    const random = seeded(7);
    for (let i = 0; i < 400; i++) {
      const value = randomValue(random, 0);
      agrees(JSON.stringify(value));
      agrees(JSON.stringify(value, null, 2));
      agrees(` \r\n\t${JSON.stringify(value, null, '\t')}\n`);
    }
  });

  it('agrees with JSON.parse on every one-byte change of a baseline-like document', () => {
    const text = JSON.stringify(
      {
        schemaVersion: 2,
        variants: {
          'gpt · T=0.2': { 'Refusal ✓': { rows: { 'f#a1': { errors: 0, passes: 1, trials: 1 } } } },
        },
        slots: { 'f#a1': 'prompts/f.prompt.yml#0' },
        deterministic: ['x'],
      },
      null,
      2,
    );
    const bytes = Buffer.from(text, 'utf8');
    const replacements = [
      0x22, 0x5c, 0x2c, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x30, 0x2d, 0x2e, 0x65, 0x00, 0x0a, 0xff, 0xc3,
    ];
    for (let at = 0; at < bytes.length; at++) {
      for (const replacement of replacements) {
        const changed = Buffer.from(bytes);
        changed[at] = replacement;
        agrees(changed);
      }
      agrees(Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]));
    }
  });

  it('leaves what JSON.parse refuses, and the texts it is unsure of', () => {
    for (const text of [
      '',
      '{',
      '{"a":1,}',
      '[1}',
      '{"a":1]',
      '[1,]',
      '{"a" 1}',
      '01',
      '1.',
      '-',
      '"\u0001"',
      '"unterminated',
      '{"a":1}x',
      'nul',
      '\ufeff{}',
      '{"a":"\\x"}',
    ])
      expect(parseJsonBytes(Buffer.from(text, 'utf8'))).toBeUndefined();
    expect(
      parseJsonBytes(Buffer.from(`${'['.repeat(MAX_DEPTH + 2)}${']'.repeat(MAX_DEPTH + 2)}`)),
    ).toBeUndefined();
  });

  it('reads what JSON.parse reads in the corners: escapes, big and negative numbers, "__proto__", repeated keys', () => {
    for (const text of [
      '{"__proto__": {"x": 1}}',
      '{"a": 1, "a": 2, "b": 3}',
      '{"2": 0, "10": 1, "b": 2}',
      '["\\u00e9\\n\\"\\\\", "\\ud83d\\ude00"]',
      '[-0, 1e3, 2.5E-2, 12345678901234567890, 0]',
      '{"errors": 0, "passes": 1, "trials": 1, "extra": true}',
      '{"passes": 1, "errors": 0, "trials": 1}',
      '{"errors": 0, "passes": 1}',
      '"\u00e9\u2028"',
    ])
      agrees(text);
    const proto = parseJsonBytes(Buffer.from('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('shares one frozen object for equal small counts, and makes larger ones afresh', () => {
    const read = parseJsonBytes(
      Buffer.from(
        '[{"errors": 0, "passes": 1, "trials": 1}, {"errors":0,"passes":1,"trials":1}, {"errors": 0, "passes": 99, "trials": 99}]',
      ),
    ) as object[];
    expect(read[0]).toBe(read[1]);
    expect(Object.isFrozen(read[0])).toBe(true);
    expect(Object.isFrozen(read[2])).toBe(false);
    expect(read[2]).toStrictEqual({ errors: 0, passes: 99, trials: 99 });
  });

  it('decodes invalid UTF-8 as reading the file as text does', () => {
    agrees(Buffer.from([0x5b, 0x22, 0xe2, 0x82, 0x22, 0x2c, 0x22, 0xff, 0xfe, 0x22, 0x5d]));
    agrees(Buffer.from([0x7b, 0x22, 0xc3, 0x22, 0x3a, 0x31, 0x7d]));
  });
});
