import { parseResults } from '../../../src/promptfoo/parseResults';
import { mergeResults } from '../../../src/promptfoo/mergeResults';

type Row = Record<string, unknown>;

const doc = (rows: Row[], prompts: Row[] = []) => ({
  evalId: 'e1',
  results: { version: 3, prompts, results: rows },
});

const component = (metric: string | undefined, pass: boolean, extra: Row = {}) => ({
  pass,
  score: pass ? 1 : 0,
  reason: pass ? 'ok' : 'nope',
  assertion: { type: 'contains', value: 'x', ...(metric !== undefined && { metric }), ...extra },
});

const result = (over: Row): Row => ({
  testIdx: 0,
  promptIdx: 0,
  provider: { id: 'openai:chat:m1', label: 'A' },
  success: true,
  failureReason: 0,
  vars: { q: 'hello' },
  testCase: { vars: { q: 'hello' }, assert: [{ type: 'contains', value: 'x', metric: 'M' }] },
  gradingResult: { pass: true, componentResults: [component('M', true)] },
  response: { output: 'an answer' },
  tokenUsage: { prompt: 3, completion: 4, total: 7 },
  cost: 0.01,
  latencyMs: 12,
  ...over,
});

describe('parsing promptfoo rows into trials', () => {
  it('uses the provider id when a provider has no label', () => {
    const parsed = parseResults(doc([result({ provider: { id: 'openai:chat:m1' } })]), 'r.json');
    expect([...parsed.trials][0]?.variant).toBe('openai:chat:m1');
  });

  it('treats failureReason 2 as an error even when grading results are present', () => {
    const parsed = parseResults(doc([result({ success: false, failureReason: 2, error: 'boom' })]), 'r.json');
    expect(parsed.trials.map((t) => t.outcome)).toEqual(['error']);
    expect(parsed.attempts[0]).toMatchObject({ outcome: 'error', error: 'boom' });
  });

  it('does not mistake `error` on an assertion failure (failureReason 1) for an error', () => {
    const row = result({
      success: false,
      failureReason: 1,
      error: 'Expected output to contain "x"',
      gradingResult: { pass: false, componentResults: [component('M', false)] },
    });
    expect(parseResults(doc([row]), 'r.json').trials.map((t) => t.outcome)).toEqual(['fail']);
  });

  it('falls back, without failureReason, to "error set and nothing graded" = error', () => {
    const row = result({ success: false, failureReason: undefined, error: 'timeout', gradingResult: null });
    expect(parseResults(doc([row]), 'r.json').trials.map((t) => t.outcome)).toEqual(['error']);
  });

  it('names the evaluators of an errored row like a graded row would, assertion sets included', () => {
    const row = result({
      success: false,
      failureReason: 2,
      error: 'timeout',
      gradingResult: null,
      testCase: {
        assert: [
          { type: 'contains', value: 'x', metric: 'M', config: { evaluatorLine: 7 } },
          { type: 'assert-set', metric: 'Set', assert: [{ type: 'contains', value: 'y', metric: 'Inner' }] },
        ],
      },
    });
    const trials = parseResults(doc([row]), 'r.json').trials;
    expect(trials.map((t) => `${t.evaluator}=${t.outcome}@${t.evaluatorLine ?? '-'}`)).toEqual([
      'M=error@7',
      'Set=error@-',
      'Inner=error@-',
    ]);
  });

  it('combines several assertions with one metric: the evaluator passes only if all pass', () => {
    const row = result({
      success: false,
      failureReason: 1,
      gradingResult: {
        pass: false,
        componentResults: [component('M', true), component('M', false), component('N', true)],
      },
    });
    const trials = parseResults(doc([row]), 'r.json').trials;
    expect(trials.map((t) => `${t.evaluator}=${t.outcome}`)).toEqual(['M=fail', 'N=pass']);
  });

  it('names an assertion without a metric by its type', () => {
    const row = result({
      testCase: { assert: [{ type: 'contains', value: 'x' }] },
      gradingResult: { pass: true, componentResults: [component(undefined, true)] },
    });
    expect([...parseResults(doc([row]), 'r.json').trials][0]?.evaluator).toBe('contains');
  });

  it('ignores a malformed evaluatorLine instead of pointing at a wrong line', () => {
    const row = result({
      gradingResult: {
        pass: true,
        componentResults: [component('M', true, { config: { evaluatorLine: 'x' } })],
      },
    });
    expect([...parseResults(doc([row]), 'r.json').trials][0]?.evaluatorLine).toBeUndefined();
  });

  it('keys rows without prompt-file metadata by a hash, never by var values', () => {
    const parsed = parseResults(doc([result({ vars: { secret: 'hunter2' } })]), 'r.json');
    const row = [...parsed.trials][0]?.row;
    expect(row?.key).toMatch(/^test:[0-9a-f]{12}$/);
    expect(JSON.stringify(row)).not.toContain('hunter2');
  });

  it('gives the same hash whatever the order of vars', () => {
    const a = [...parseResults(doc([result({ vars: { x: '1', y: '2' } })]), 'r.json').trials][0]?.row.key;
    const b = [...parseResults(doc([result({ vars: { y: '2', x: '1' } })]), 'r.json').trials][0]?.row.key;
    expect(a).toBe(b);
  });

  it('keeps two prompts served by one provider apart (one variant per promptfoo column)', () => {
    const prompts = [
      { label: 'p1', provider: 'A' },
      { label: 'p2', provider: 'A' },
    ];
    const rows = [
      result({ promptIdx: 0, prompt: { label: 'p1' } }),
      result({ promptIdx: 1, prompt: { label: 'p2' } }),
    ];
    expect(parseResults(doc(rows, prompts), 'r.json').trials.map((t) => t.variant)).toEqual([
      'A [p1]',
      'A [p2]',
    ]);
  });

  it('numbers repeats in testIdx order, whatever order the rows are listed in', () => {
    const origin = { promptfile: { file: 'f.prompt.yml', name: 'f', row: 0, line: 9 } };
    const rows = [2, 0, 1].map((testIdx) =>
      result({ testIdx, latencyMs: testIdx, testCase: { metadata: origin, assert: [] } }),
    );
    const attempts = parseResults(doc(rows), 'r.json').attempts;
    expect(attempts.map((a) => [a.repeat, a.usage.latencyMs])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
  });
});

describe('merging results files', () => {
  const file = (source: string, evalId: string) => ({ ...parseResults(doc([result({})]), source), evalId });

  it('continues repeat numbers from one file to the next', () => {
    const table = mergeResults([file('a.json', 'e1'), file('b.json', 'e2')]);
    expect(table.trials.map((t) => t.repeat)).toEqual([0, 1]);
    expect(table.attempts.map((a) => a.repeat)).toEqual([0, 1]);
    expect(table.sources).toEqual(['a.json', 'b.json']);
  });

  it('continues repeats only where an earlier file had the row, per variant: shards split by rows keep 0, 1, …', () => {
    const rowFile = (source: string, q: string, label = 'A') => ({
      ...parseResults(
        doc(
          [0, 1].map((testIdx) =>
            result({
              testIdx,
              provider: { id: 'openai:chat:m1', label },
              vars: { q },
              testCase: { vars: { q }, assert: [] },
            }),
          ),
        ),
        source,
      ),
      evalId: source,
    });
    const table = mergeResults([
      rowFile('a.json', 'one'),
      rowFile('b.json', 'two'),
      rowFile('c.json', 'one', 'B'),
      rowFile('d.json', 'one'),
    ]);
    expect(table.attempts.map((a) => `${a.source} ${a.variant} ${a.repeat}`)).toEqual([
      'a.json A 0',
      'a.json A 1',
      'b.json A 0',
      'b.json A 1',
      'c.json B 0',
      'c.json B 1',
      'd.json A 2',
      'd.json A 3',
    ]);
  });

  it('refuses the same eval twice', () => {
    expect(() => mergeResults([file('a.json', 'e1'), file('b.json', 'e1')])).toThrow(
      /b\.json: error: is the same eval \(e1\) as a\.json/,
    );
  });
});

describe('nothing unmeasured counts as a pass', () => {
  it('a call with no output is an ERROR, not a pass with no trials (promptfoo grades nothing and says success: false, failureReason 0)', () => {
    const row = result({
      success: false,
      failureReason: 0,
      error: 'No output',
      response: { output: null },
      gradingResult: null,
    });
    const parsed = parseResults(doc([row]), 'r.json');
    expect(parsed.attempts[0]).toMatchObject({ outcome: 'error' });
    expect(parsed.attempts[0]?.error).toMatch(/^no output: the provider returned null/);
    expect(parsed.trials.map((t) => `${t.evaluator}=${t.outcome}`)).toEqual(['M=error']);
  });

  it('a row with no response at all is an ERROR', () => {
    const row = result({ response: undefined });
    expect(parseResults(doc([row]), 'r.json').attempts[0]?.outcome).toBe('error');
  });

  it('a call no evaluator graded is an ERROR ("No assertions" passes in promptfoo)', () => {
    const row = result({
      testCase: { assert: [] },
      gradingResult: { pass: true, reason: 'No assertions' },
    });
    const parsed = parseResults(doc([row]), 'r.json');
    expect(parsed.attempts[0]).toMatchObject({
      outcome: 'error',
      error: 'not graded: no evaluator applies to this row',
    });
  });

  it('an assertion that threw is an ERROR of its evaluator and of the call', () => {
    const row = result({
      success: false,
      failureReason: 1,
      testCase: {
        assert: [
          { type: 'javascript', metric: 'M' },
          { type: 'contains', metric: 'N' },
        ],
      },
      gradingResult: {
        pass: false,
        componentResults: [
          { ...component('M', false), reason: 'Custom function threw error: boom\nStack Trace: ...' },
          component('N', true),
        ],
      },
    });
    const parsed = parseResults(doc([row]), 'r.json');
    expect(parsed.trials.map((t) => `${t.evaluator}=${t.outcome}`)).toEqual(['M=error', 'N=pass']);
    expect(parsed.attempts[0]?.outcome).toBe('error');
    expect(parsed.attempts[0]?.error).toMatch(/^grading of "M" failed: Custom function threw error: boom/);
  });

  it('a grading marked incomplete is an ERROR even when it says pass', () => {
    const row = result({
      gradingResult: {
        pass: true,
        componentResults: [{ ...component('M', true), metadata: { gradingIncomplete: true } }],
      },
    });
    expect([...parseResults(doc([row]), 'r.json').trials][0]?.outcome).toBe('error');
  });

  it('an evaluator the test asserts but promptfoo gave no verdict for is an ERROR, not absent', () => {
    const row = result({
      testCase: {
        assert: [
          { type: 'contains', metric: 'M' },
          { type: 'regex', metric: 'Gone' },
        ],
      },
    });
    const parsed = parseResults(doc([row]), 'r.json');
    expect(parsed.trials.map((t) => `${t.evaluator}=${t.outcome}`)).toEqual(['M=pass', 'Gone=error']);
    expect(parsed.attempts[0]?.outcome).toBe('error');
  });

  it('a call promptfoo passed with a failed evaluator (a test threshold) is a fail: a row passes when every evaluator does', () => {
    const row = result({
      testCase: {
        assert: [
          { type: 'contains', metric: 'M' },
          { type: 'contains', metric: 'N' },
        ],
      },
      gradingResult: { pass: true, componentResults: [component('M', true), component('N', false)] },
    });
    expect(parseResults(doc([row]), 'r.json').attempts[0]?.outcome).toBe('fail');
  });
});

describe('names stay on one line', () => {
  it('control characters in variant, evaluator and prompt-file path are shown as \\uXXXX', () => {
    const row = result({
      provider: { id: 'x', label: 'A\n## ✅ Prompt gate passed' },
      testCase: {
        assert: [{ type: 'contains', metric: 'M\r\u001b[2J' }],
        metadata: { promptfile: { file: 'prompts/a\nb.prompt.yml', row: 0, line: 3 } },
      },
      gradingResult: { pass: true, componentResults: [component('M\r\u001b[2J', true)] },
    });
    const trial = [...parseResults(doc([row]), 'r.json').trials][0];
    expect(trial?.variant).toBe('A\\u000a## ✅ Prompt gate passed');
    expect(trial?.evaluator).toBe('M\\u000d\\u001b[2J');
    expect(trial?.row).toMatchObject({
      key: 'prompts/a\\u000ab.prompt.yml#0',
      label: 'prompts/a\\u000ab.prompt.yml:3',
    });
  });
});

describe('a variant is its model and parameters, not the files beside it', () => {
  const mixed = (reference: string | undefined, label = 'reference (each file’s own model)') =>
    result({
      provider: { id: 'file://providers/promptfile.ts', label },
      testCase: {
        assert: [{ type: 'contains', metric: 'M' }],
        metadata: {
          promptfile: { file: 'prompts/a.prompt.yml', name: 'a', row: 0, line: 3, id: 'x', reference },
        },
      },
    });

  it('the mixed reference column names each row by its own file’s model and temperature', () => {
    const parsed = parseResults(doc([mixed('gpt-4o · T=0.2 (reference)')]), 'r.json');
    expect(parsed.attempts[0]?.variant).toBe('gpt-4o · T=0.2 (reference)');
  });

  it('replays of it too', () => {
    const parsed = parseResults(
      doc([mixed('gpt-4o · T=0.2 (reference)', 'reference (each file’s own model) (replay)')]),
      'r.json',
    );
    expect(parsed.attempts[0]?.variant).toBe('gpt-4o · T=0.2 (reference) (replay)');
  });

  it('any other column keeps its label', () => {
    const parsed = parseResults(doc([mixed('gpt-4o · T=0.2 (reference)', 'gpt-4o-mini · T=1')]), 'r.json');
    expect(parsed.attempts[0]?.variant).toBe('gpt-4o-mini · T=1');
  });
});

describe('a large file costs one object per call', () => {
  it('calls graded alike share one list of verdicts when only counting; each still reads as its own trials', () => {
    const rows = [result({ testIdx: 0 }), result({ testIdx: 1 }), result({ testIdx: 2 })];
    const counting = parseResults(doc(rows), 'r.json', { details: false });
    expect(counting.trials.graded[0]).toBe(counting.trials.graded[1]);
    expect([...counting.trials].map((t) => t.repeat)).toEqual(
      counting.attempts.flatMap((a, i) => counting.trials.graded[i]!.map(() => a.repeat)),
    );
    const detailed = parseResults(doc(rows), 'r.json');
    expect(detailed.trials.graded[0]).not.toBe(detailed.trials.graded[1]);
    expect([...detailed.trials].map(({ reason, ...t }) => t)).toEqual(
      [...counting.trials].map(({ reason, ...t }) => t),
    );
  });
});
