/**
 * Hostile YAML within the size limit: each is refused with a diagnostic, quickly, instead of exhausting
 * the stack, the heap or the clock. Inputs are generated here, being too large or too odd to commit.
 */
import { loadPromptFileText } from '../../../src/promptfile/load';
import { MAX_ALIASES, MAX_DEPTH, parseSource } from '../../../src/promptfile/parse';

function located(text: string): string[] {
  return loadPromptFileText('hostile.prompt.yml', text).diagnostics.map(
    (d) => `${d.line}:${d.column}: ${d.message}`,
  );
}

const TOO_DEEP = `mappings and lists nest more than ${MAX_DEPTH} levels deep here, past the limit for a prompt file`;

describe('nesting deeper than the limit is refused where it passes the limit', () => {
  it('refuses a million nested flow lists, pointing at the bracket that passes the limit', () => {
    // The root mapping is level 1, so the limit is passed by the 32nd bracket after `messages: `.
    expect(located(`name: x\nmessages: ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n`)).toEqual([
      `2:${'messages: '.length + MAX_DEPTH}: ${TOO_DEEP}`,
    ]);
  });

  it('refuses a million compact nested block lists (`- - - ...`), which exhausted the heap before', () => {
    expect(located(`${'- '.repeat(1_000_000)}x\n`)).toEqual([`1:${2 * MAX_DEPTH + 1}: ${TOO_DEEP}`]);
  });

  it('refuses deep block mappings at the first key past the limit', () => {
    let text = 'name: x\nmessages: []\nmetadata:\n';
    for (let i = 1; i <= 40; i++) text += `${'  '.repeat(i)}k${i}:\n`;
    // metadata's mapping is level 2 and holds k1, so k32 is the first key of level 33.
    expect(located(text)).toEqual([`${3 + 32}:${2 * 32 + 1}: ${TOO_DEEP}`]);
  });

  it('accepts nesting exactly at the limit, and refuses one level more', () => {
    const nested = (levels: number) => `name: x\nlist: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;
    expect(parseSource('a.yml', nested(MAX_DEPTH - 1)).diagnostics).toEqual([]);
    expect(parseSource('a.yml', nested(MAX_DEPTH)).diagnostics.map((d) => d.message)).toEqual([TOO_DEEP]);
  });

  it("counts a list written at its key's column, which indentation alone undercounts", () => {
    // `a0:` then `- a1:` at the same column: each line adds a list and a mapping but indents once, so the
    // token scan sees 21 levels where there are 41, and the exact check on the tree must catch it.
    let text = 'a0:\n';
    for (let i = 1; i <= 20; i++) text += `${'  '.repeat(i - 1)}- a${i}:\n`;
    // Level 2i+1 is the mapping holding a<i>, so a16 opens level 33.
    expect(parseSource('a.yml', text).diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual([
      `${1 + 16}:${2 * 16 + 1}: ${TOO_DEEP}`,
    ]);
  });
});

describe('brackets and dashes inside text are not nesting', () => {
  it('ignores them in block scalars, quoted strings and plain text', () => {
    const deepText = `${'['.repeat(100)} ${'- '.repeat(100)} ${'{'.repeat(100)}`;
    const text = [
      'name: x',
      'messages:',
      '  - role: system',
      '    content: |',
      `      ${deepText}`,
      ...Array.from({ length: 40 }, (_, i) => `      ${'  '.repeat(i)}- item ${i}:`),
      '  - role: user',
      `    content: "${deepText}"`,
      '  - role: assistant',
      `    content: a ${deepText}`,
    ].join('\n');
    expect(located(text)).toEqual([]);
  });
});

describe('alias expansion is bounded', () => {
  it(`accepts ${MAX_ALIASES} aliases of a plain value`, () => {
    const text = `name: &n x\nlist: [${Array.from({ length: MAX_ALIASES }, () => '*n').join(', ')}]\n`;
    expect(parseSource('a.yml', text).diagnostics).toEqual([]);
  });

  it(`refuses alias number ${MAX_ALIASES + 1}, pointing at it`, () => {
    const aliases = Array.from({ length: MAX_ALIASES + 1 }, () => '*n').join(', ');
    const { diagnostics } = parseSource('a.yml', `name: &n x\nlist: [${aliases}]\n`);
    expect(diagnostics.map((d) => `${d.line}:${d.column}`)).toEqual([
      `2:${'list: ['.length + 1 + MAX_ALIASES * 4}`,
    ]);
  });

  it('counts an alias to a node holding aliases as all of their expansions', () => {
    // 10 aliases of a list of 10 aliases expand to 110 dereferences though only 20 are written.
    const ten = (name: string) => Array.from({ length: 10 }, () => `*${name}`).join(', ');
    const { diagnostics } = parseSource('a.yml', `a: &a x\nb: &b [${ten('a')}]\nc: [${ten('b')}]\n`);
    expect(diagnostics.map((d) => d.message)).toEqual([
      `alias '*b' takes the file past ${MAX_ALIASES} alias expansions; refusing a possible alias bomb`,
    ]);
    expect(diagnostics[0]?.line).toBe(3);
  });
});

describe('duplicate keys are found in every mapping, however large', () => {
  it('reports each repeated key at the repeat, naming the first line', () => {
    const text = 'name: x\nmessages:\n  - role: user\n    role: system\n    content: hi\n';
    expect(located(text)).toEqual(["4:5: duplicate key 'role'; it is already set on line 3"]);
  });

  it('finds a repeat among 50,000 keys (yaml checks this in quadratic time; we do not)', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `  k${i}: ${i}`);
    keys.push('  k7: again');
    const text = `name: x\nmessages: []\nmetadata:\n${keys.join('\n')}\n`;
    const { diagnostics } = parseSource('big.yml', text);
    expect(diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual([
      `${3 + 50_001}:3: duplicate key 'k7'; it is already set on line 11`,
    ]);
  });

  it('treats 1 and "1" as the same key, as the data they become would', () => {
    expect(parseSource('a.yml', 'a:\n  1: x\n  "1": y\n').diagnostics.map((d) => d.message)).toEqual([
      "duplicate key '1'; it is already set on line 2",
    ]);
  });
});

describe('bytes that are not UTF-8 are refused at the first bad byte', () => {
  const head = Buffer.from('name: x\nmessages: []\ndescription: "');
  const position = (bad: number[]) =>
    parseSource(
      'bytes.prompt.yml',
      Buffer.concat([head, Buffer.from(bad), Buffer.from('"\n')]),
    ).diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`);

  it.each([
    ['a Latin-1 byte', [0xe9], 'e9'],
    ['a UTF-16 surrogate encoded as UTF-8 (CESU-8)', [0xed, 0xa0, 0x80], 'ed'],
    ['an overlong encoding of /', [0xe0, 0x80, 0xaf], 'e0'],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 'f4'],
    ['a sequence cut short', [0xe2, 0x82], 'e2'],
  ])('%s', (_what, bad, hex) => {
    expect(position(bad)).toEqual([`3:15: file is not valid UTF-8 (byte 0x${hex} at offset ${head.length})`]);
  });

  it('accepts four-byte characters at the edges of the valid range', () => {
    expect(position([0xf0, 0x90, 0x80, 0x80, 0xf4, 0x8f, 0xbf, 0xbf])).toEqual([]);
  });
});
