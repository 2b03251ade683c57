/**
 * The streaming reader of results files (promptfoo/scanResults.ts) hands on exactly what JSON.parse would find in
 * `results.results`, whatever the chunk size (down to one byte, so every string, escape, multi-byte character and
 * key is cut somewhere), in whichever order the document's keys come, and refuses what is not JSON by byte offset.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanResults, ScanError } from '../../../src/promptfoo/scanResults';
import { seeded, type Random } from '../../../src/stats/random';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-'));
let n = 0;
function file(text: string): string {
  const p = path.join(dir, `f${n++}.json`);
  fs.writeFileSync(p, text);
  return p;
}

function scan(text: string, chunk: number): { results: unknown[]; skeleton: unknown; sha256: string } {
  const results: unknown[] = [];
  const { skeleton, sha256 } = scanResults(file(text), (r) => results.push(r), { chunkBytes: chunk });
  return { results, skeleton, sha256 };
}

/** Strings that stress the scanner: quotes, backslashes, escapes of every kind, multi-byte and astral characters. */
const NASTY = [
  'plain',
  'a "quoted" word',
  'back\\slash\\',
  '\\"',
  'line\nbreak\ttab',
  '√∑ é',
  '😀 astral 𝄞',
  '\u0000\u001f',
  '}]{[',
  '',
  '\\\\"',
];

function randomValue(random: Random, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 4 : 7));
  switch (pick) {
    case 0:
      return NASTY[Math.floor(random() * NASTY.length)]! + String(Math.floor(random() * 100));
    case 1:
      return Math.floor(random() * 1e6) / (random() < 0.5 ? 1 : 7);
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
    case 5: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(random() * 4); i++)
        o[`${NASTY[i % NASTY.length]}k${i}`] = randomValue(random, depth + 1);
      return o;
    }
    default:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  }
}

function randomDocument(random: Random): { text: string; results: unknown[] } {
  const results = Array.from({ length: Math.floor(random() * 6) }, () => ({
    testIdx: Math.floor(random() * 10),
    output: randomValue(random, 1),
    nested: { results: [randomValue(random, 2)] },
  }));
  const inner: [string, unknown][] = [
    ['version', 3],
    ['prompts', [{ provider: 'p "x"', label: 'l\\n' }]],
    ['results', results],
    ['stats', { successes: 1 }],
  ];
  const outer: [string, unknown][] = [
    ['evalId', 'eval-😀'],
    ['config', { results: [1, 2], tests: [{ vars: { results: { results: [9] } } }] }],
    ['results', null],
  ];
  // Key order varies: results before or after prompts, the eval id before or after the results.
  if (random() < 0.5) inner.reverse();
  if (random() < 0.5) outer.reverse();
  const indent = random() < 0.5 ? 2 : undefined;
  const object = Object.fromEntries(
    outer.map(([k, v]) => [k, k === 'results' ? Object.fromEntries(inner) : v]),
  );
  return { text: JSON.stringify(object, null, indent), results };
}

describe('scanResults', () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('equals JSON.parse on random documents, at every chunk size from 1 byte', () => {
    const random = seeded(5);
    for (let i = 0; i < 200; i++) {
      const { text, results } = randomDocument(random);
      const chunk = [1, 2, 3, 7, 64, 4096][i % 6]!;
      const scanned = scan(text, chunk);
      expect(scanned.results).toEqual(results);
      const expected = JSON.parse(text) as { results: { results: unknown[] } };
      expected.results.results = [];
      expect(scanned.skeleton).toEqual(expected);
    }
  });

  it('leaves out the prompt text and string replies when asked, and nothing else, at every chunk size', () => {
    const random = seeded(11);
    for (let i = 0; i < 200; i++) {
      const results = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
        const reply = random() < 0.2 ? randomValue(random, 3) : `${NASTY[i % NASTY.length]}${random()}`;
        return {
          // A key named like the ones cut, elsewhere: kept.
          testCase: { vars: { raw: 'kept "raw"', output: 'kept' }, prompt: { raw: 'kept' } },
          prompt: {
            label: 'L "1"',
            raw: `${NASTY[i % NASTY.length]} {{x}} "quoted" ${random()}`,
            config: {},
          },
          response: {
            ...(random() < 0.5 && { metadata: { output: 'kept' } }),
            output: reply,
            tokenUsage: { total: 3 },
          },
          [random() < 0.5 ? 'raw' : 'output']: 'kept at the top',
        };
      });
      const text = JSON.stringify({ results: { results } }, null, random() < 0.5 ? 2 : undefined);
      const found: unknown[] = [];
      scanResults(file(text), (r) => found.push(r), {
        chunkBytes: [1, 2, 5, 64, 4096][i % 5]!,
        withoutText: true,
      });
      const expected = results.map((r) => ({
        ...r,
        prompt: { ...r.prompt, raw: '' },
        response: { ...r.response, output: typeof r.response.output === 'string' ? '' : r.response.output },
      }));
      expect(found).toEqual(expected);
    }
  });

  it('hands on the members no command reads as null when leaving text out, and the same names elsewhere as they are', () => {
    const random = seeded(13);
    const odd = () => pick([{ a: [1, { b: '}"' }] }, ['x', '\\'], 'id "1"', 7, true, null, {}]);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    const maybe = <T>(value: () => T): T | undefined => (random() < 0.7 ? value() : undefined);
    // Strings, objects and arrays become null; other values stay (nothing is gained by cutting them).
    const dropped = (value: unknown) =>
      value === undefined ? undefined : typeof value === 'string' || typeof value === 'object' ? null : value;
    for (let i = 0; i < 150; i++) {
      const results = Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
        namedScores: maybe(odd),
        promptId: maybe(odd),
        id: maybe(odd),
        gradingResult: {
          pass: true,
          namedScores: maybe(odd),
          namedScoreWeights: maybe(odd),
          tokensUsed: maybe(odd),
          componentResults: [
            { pass: true, namedScores: { kept: 1 }, id: 'kept', assertion: { metric: 'm' } },
          ],
        },
        tokenUsage: { total: 5, completionDetails: maybe(odd), assertions: maybe(odd) },
        // The same names elsewhere: kept.
        testCase: {
          namedScores: { kept: 1 },
          id: 'kept',
          assert: [{ metric: 'm' }],
          metadata: { promptfile: { id: 'row-id', tokenUsage: { assertions: 'kept' } } },
        },
        response: { output: 'cut', tokenUsage: { completionDetails: { kept: 1 } }, id: 'kept' },
        metadata: { id: 'kept', namedScores: 'kept' },
      }));
      const text = JSON.stringify({ results: { results } }, null, random() < 0.5 ? 2 : undefined);
      const found: unknown[] = [];
      scanResults(file(text), (r) => found.push(r), {
        chunkBytes: [1, 2, 7, 64, 4096][i % 5]!,
        withoutText: true,
      });
      const expected = JSON.parse(JSON.stringify(results)).map((r: Record<string, any>) => {
        for (const k of ['namedScores', 'promptId', 'id']) if (k in r) r[k] = dropped(r[k]);
        for (const k of ['namedScores', 'namedScoreWeights', 'tokensUsed'])
          if (k in r['gradingResult']) r['gradingResult'][k] = dropped(r['gradingResult'][k]);
        for (const k of ['completionDetails', 'assertions'])
          if (k in r['tokenUsage']) r['tokenUsage'][k] = dropped(r['tokenUsage'][k]);
        r['response']['output'] = '';
        return r;
      });
      expect(found).toEqual(expected);
    }
  });

  it('parses each distinct assertion once when leaving text out, and hands on what JSON.parse would', () => {
    const random = seeded(12);
    // A few assertion lists and assertions, repeated across results as promptfoo copies them, and odd shapes.
    const lists = Array.from({ length: 3 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomValue(random, 2)),
    );
    const assertions = Array.from({ length: 4 }, () => ({
      type: 'javascript',
      metric: `${NASTY[Math.floor(random() * NASTY.length)]}`,
      config: randomValue(random, 2),
    }));
    const odd = [null, 7, 'text', [1, 2], {}, '\u0000feedface:0', { assertion: { nested: true } }];
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    for (let i = 0; i < 150; i++) {
      const results = Array.from({ length: 1 + Math.floor(random() * 5) }, () => ({
        testCase: {
          vars: { assert: pick(lists) },
          ...(random() < 0.9 && {
            assert: random() < 0.8 ? [...pick(lists)] : pick(odd),
          }),
          metadata: { assertion: pick(assertions) },
        },
        gradingResult: {
          pass: random() < 0.5,
          ...(random() < 0.9 && {
            componentResults: Array.from({ length: Math.floor(random() * 4) }, () => ({
              pass: random() < 0.5,
              reason: pick(NASTY),
              ...(random() < 0.9 && { assertion: random() < 0.8 ? pick(assertions) : pick(odd) }),
              ...(random() < 0.2 && { componentResults: [{ assertion: pick(assertions) }] }),
            })),
          }),
        },
        // Same names elsewhere: parsed as they are.
        assertion: pick(assertions),
        response: { output: 'cut', metadata: { assert: pick(lists) } },
      }));
      const text = JSON.stringify({ results: { results } }, null, random() < 0.5 ? 2 : undefined);
      const found: unknown[] = [];
      scanResults(file(text), (r) => found.push(r), {
        chunkBytes: [1, 3, 64, 4096][i % 4]!,
        withoutText: true,
      });
      const expected = results.map((r) => ({ ...r, response: { ...r.response, output: '' } }));
      expect(found).toEqual(expected);
    }
  });

  it('shares one frozen value among the results that hold the same assertion', () => {
    const assertion = { type: 'javascript', metric: 'm', config: { pattern: '(a|b)' } };
    const result = () => ({
      testCase: { assert: [assertion] },
      gradingResult: { componentResults: [{ pass: true, assertion }] },
    });
    const found: Record<string, any>[] = [];
    scanResults(
      file(JSON.stringify({ results: { results: [result(), result()] } })),
      (r) => found.push(r as any),
      {
        withoutText: true,
      },
    );
    const [first, second] = found as [Record<string, any>, Record<string, any>];
    expect(second['testCase']['assert']).toBe(first['testCase']['assert']);
    expect(second['gradingResult']['componentResults'][0]['assertion']).toBe(
      first['gradingResult']['componentResults'][0]['assertion'],
    );
    expect(Object.isFrozen(first['testCase']['assert'][0]['config'])).toBe(true);
    expect(first['testCase']['assert']).toEqual([assertion]);
  });

  it('refuses a broken assertion as it refuses any broken result', () => {
    const text = '{"results": {"results": [{"testCase": {"assert": [{"type": tru}]}}]}}';
    expect(() => scanResults(file(text), () => {}, { withoutText: true })).toThrow(
      /results\.results\[0\] is not valid JSON/,
    );
  });

  it('hashes the file it read', () => {
    const text = JSON.stringify({ results: { results: [{ a: 1 }] } });
    const { sha256 } = scan(text, 3);
    expect(sha256).toBe(require('node:crypto').createHash('sha256').update(text).digest('hex'));
  });

  it('finds no results array where there is none', () => {
    expect(scan('{"results": {"prompts": []}}', 4).skeleton).toBeUndefined();
    expect(scan('[1, 2]', 4).skeleton).toBeUndefined();
  });

  it.each([
    ['a truncated file', '{"results": {"results": [{"a": 1}, {"b": ', /ends inside a value/],
    ['a file cut inside a string', '{"results": {"results": [{"a": "x', /ends inside a string/],
    ['an element that is not an object', '{"results": {"results": [{"a": 1}, 7]}}', /not an object/],
    ['a missing comma', '{"results": {"results": [{"a": 1} {"b": 2}]}}', /where a comma should be/],
    ['a trailing comma', '{"results": {"results": [{"a": 1},]}}', /comma before the closing bracket/],
    ['two results arrays', '{"results": {"results": [], "results": [{"a": 1}]}}', /appears twice/],
    ['a broken element', '{"results": {"results": [{"a": tru}]}}', /results\.results\[0\] is not valid JSON/],
    ['garbage after the document', '{"results": {"results": []}} x', /outside results\.results/],
    ['a mismatched bracket', '{"results": {"results": [}]}', /unexpected '\}'/],
  ])('refuses %s, naming where', (_, text, message) => {
    for (const chunk of [1, 5, 4096]) {
      let error: unknown;
      try {
        scan(text, chunk);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ScanError);
      expect((error as ScanError).message).toMatch(message);
      expect((error as ScanError).offset).toBeGreaterThanOrEqual(0);
      expect((error as ScanError).offset).toBeLessThanOrEqual(text.length);
    }
  });
});
