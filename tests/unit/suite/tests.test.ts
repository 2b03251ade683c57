/**
 * Prompt file -> promptfoo test cases: one test per row, one assertion per applicable evaluator, each
 * feeding a metric named after the evaluator, with the row's values as vars promptfoo cannot interpret and the
 * row's origin in metadata.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPromptFileOrThrow } from '../../../src/promptfile/load';
import { varText } from '../../../src/promptfoo/inert';
import { ROW_VAR, rowOf } from '../../../src/promptfoo/row';
import {
  describeRow,
  evaluatorAssertion,
  testsForFile,
  type EvaluatorAssertionConfig,
} from '../../../src/promptfoo/tests';

const ROOT = path.resolve(__dirname, '../../..');
const SEED_PATH = 'prompts/peer_to_peer_gossip_protocol_architect.prompt.yml';
const seed = { ...loadPromptFileOrThrow(path.join(ROOT, SEED_PATH)).file, path: SEED_PATH };
const GITHUB_PATH = 'tests/fixtures/valid/github-format.prompt.yml';
const github = { ...loadPromptFileOrThrow(path.join(ROOT, GITHUB_PATH)).file, path: GITHUB_PATH };

const config = (a: Record<string, unknown>) => a['config'] as EvaluatorAssertionConfig;

describe('one test per row', () => {
  const tests = testsForFile(seed);

  it('makes as many tests as the file has rows, in row order', () => {
    expect(tests.map((t) => t.metadata.promptfile.row)).toEqual([0, 1, 2]);
  });

  it('records where each row came from: file, prompt name, row index and line, and what the row is', () => {
    expect(tests.map((t) => t.metadata.promptfile)).toEqual(
      seed.rows.map((row) => ({
        file: SEED_PATH,
        name: seed.name,
        row: row.index,
        line: row.line,
        id: expect.stringMatching(/^[0-9a-f]{12}$/),
        reference: 'gpt-4o · T=0.2 (reference)',
      })),
    );
    expect(new Set(tests.map((t) => t.metadata.promptfile.id)).size).toBe(seed.rows.length);
  });

  it('gives a file with no rows no tests', () => {
    expect(testsForFile({ ...seed, rows: [] })).toEqual([]);
  });
});

describe('row data travels as data, by reference', () => {
  const [first, second] = testsForFile(seed);
  const texts = (vars: Record<string, unknown> = {}) =>
    Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, varText(v)]));

  it("carries exactly the row's values, empty ones included, and names the row in its own var", () => {
    const { [ROW_VAR]: reference, ...vars } = texts(second?.vars);
    expect(vars).toEqual(seed.rows[1]?.variables);
    expect(reference).toBe(`${SEED_PATH}#1`);
  });

  it('leaves values promptfoo would not interpret as plain strings', () => {
    expect(typeof first?.vars['system_domain']).toBe('string');
  });

  it('reads back, as a provider or assertion sees it, to the file, the row and its origin', () => {
    const found = rowOf({ vars: first?.vars, test: { metadata: first?.metadata } });
    expect(found.file.path).toBe(SEED_PATH);
    expect(found.row).toEqual(seed.rows[0]);
    expect(found.origin).toEqual(first?.metadata.promptfile);
  });

  it('reads back from the row var alone, as the prompt function sees it', () => {
    expect(rowOf({ vars: second?.vars }).row).toEqual(seed.rows[1]);
  });

  it.each([
    ['template syntax', '{{ env.HOME }} {% if %}'],
    ['a comment closer', 'a #} b'],
    ['a file reference', 'file://evil.js'],
    ['a package reference', 'package:fs:readFileSync'],
    ['a trailing newline', 'text\n'],
  ])('hands a value with %s over as a String object, which promptfoo leaves alone', (_what, value) => {
    const [test] = testsForFile({
      ...seed,
      rows: [{ index: 0, line: 1, variables: { system_domain: value } }],
    });
    expect(typeof test?.vars['system_domain']).toBe('object');
    expect(varText(test?.vars['system_domain'])).toBe(value);
    expect(JSON.parse(JSON.stringify(test?.vars))['system_domain']).toBe(value);
  });
});

describe('each applicable evaluator becomes one assertion with its own metric', () => {
  const [test] = testsForFile(github);

  it('names the metric after the evaluator', () => {
    expect(test?.assert.map((a) => a['metric'])).toEqual(github.evaluators.map((e) => e.name));
  });

  it('sends checks of the reply to the evaluator adapter, model-graded kinds to the judge adapter; both exist', () => {
    const values = test?.assert.map((a) => String(a['value'])) ?? [];
    expect(values.map((v) => v.replace(/^.*\/assertions\//, ''))).toEqual([
      'evaluator.ts:evaluate',
      'evaluator.ts:evaluate',
      'judge.ts:judge',
      'judge.ts:judge',
    ]);
    for (const v of values) {
      expect(v.startsWith('file://')).toBe(true);
      expect(fs.existsSync(v.slice('file://'.length).replace(/:\w+$/, ''))).toBe(true);
    }
    expect(test?.assert.every((a) => a['type'] === 'javascript')).toBe(true);
  });

  it('carries the evaluator, what to expect, the file and the evaluator line in the assertion config', () => {
    const evaluator = github.evaluators[0];
    expect(config(test?.assert[0] ?? {})).toEqual({
      evaluator,
      expect: 'match',
      file: GITHUB_PATH,
      evaluatorLine: evaluator?.line,
    });
  });

  it('gives judges the grader and threshold, and string or regex evaluators neither', () => {
    const grader = { id: 'openai:chat:gpt-4o-mini' };
    const [judged] = testsForFile(github, { grader, judgeThreshold: 0.5 });
    expect(judged?.assert.map((a) => [config(a).grader, config(a).judgeThreshold])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
      [grader, 0.5],
      [grader, 0.5],
    ]);
  });
});

describe('scoping shapes the assertions of each row', () => {
  const scope = {
    [SEED_PATH]: {
      assert: [{ type: 'javascript', value: 'output.length > 0' }],
      rows: [
        {
          row: 0,
          evaluators: ['Mentions standard gossip modalities and protocols'],
          mustNotMatch: ['Refusal JSON'],
        },
        { row: 2, evaluators: ['Refusal JSON'], assert: [{ type: 'is-json' }] },
      ],
    },
  };
  const tests = testsForFile(seed, { scope });

  it('gives an inverted evaluator its own metric, so statistics never pool a check with its opposite', () => {
    expect(tests[0]?.assert.map((a) => [a['metric'], config(a)?.expect])).toEqual([
      ['Mentions standard gossip modalities and protocols', 'match'],
      ['Refusal JSON (must not match)', 'no-match'],
      [undefined, undefined],
    ]);
  });

  it('appends the extra assertions after the evaluators, as copies', () => {
    expect(tests[2]?.assert.slice(1)).toEqual([
      { type: 'javascript', value: 'output.length > 0' },
      { type: 'is-json' },
    ]);
    expect(tests[2]?.assert[1]).not.toBe(scope[SEED_PATH].assert[0]);
  });

  it('leaves unscoped rows with every evaluator', () => {
    expect(tests[1]?.assert).toHaveLength(4 + 1);
  });

  it('validates the scope before making tests', () => {
    expect(() => testsForFile(seed, { scope: { [SEED_PATH]: { rows: [{ row: 7 }] } } })).toThrow(
      'row 7 does not exist',
    );
  });
});

describe('a row is described on one short line', () => {
  it('names the prompt, the row and its line, then the variables', () => {
    const row = { index: 4, line: 12, variables: { a: 'x\n  y', b: '' } };
    expect(describeRow(seed, row)).toBe(`${seed.name} #4 (line 12): a=x y, b=""`);
  });

  it('prefers the row description', () => {
    const row = { index: 0, line: 3, description: 'a fable', variables: { a: 'x' } };
    expect(describeRow(seed, row)).toBe(`${seed.name} #0 (line 3): a fable`);
  });

  it('cuts a long summary at 90 characters with an ellipsis', () => {
    const summary =
      describeRow(seed, { index: 0, line: 1, variables: { a: 'z'.repeat(200) } }).split('): ')[1] ?? '';
    expect(summary).toHaveLength(90);
    expect(summary.endsWith('…')).toBe(true);
  });

  it('is the test description as is (promptfoo does not render descriptions)', () => {
    const [test] = testsForFile(seed);
    expect(test?.description).toBe(describeRow(seed, seed.rows[0]!));
  });

  it('says when a row has no variables', () => {
    expect(describeRow(seed, { index: 0, line: 1, variables: {} })).toBe(
      `${seed.name} #0 (line 1): no variables`,
    );
  });
});

describe('evaluatorAssertion builds one assertion on its own', () => {
  it('matches what testsForFile makes for the same evaluator', () => {
    const evaluator = seed.evaluators[3]!;
    const [test] = testsForFile(seed);
    expect(evaluatorAssertion(seed, evaluator, 'match', {})).toEqual(test?.assert[3]);
  });
});

describe('a row is known by what it is (suite/identity.ts)', () => {
  const ids = (file: typeof seed, suite = {}) =>
    testsForFile(file, suite).map((t) => t.metadata.promptfile.id);
  const base = ids(seed);

  it('the same wherever it sits and whatever the file is called', () => {
    const moved = { ...seed, path: 'prompts/elsewhere.prompt.yml', rows: [...seed.rows].reverse() };
    expect(ids(moved)).toEqual([...base].reverse());
    const shifted = {
      ...seed,
      rows: [
        { index: 0, line: 1, variables: { new: 'row' } },
        ...seed.rows.map((r) => ({ ...r, index: r.index + 1, line: r.line + 4 })),
      ],
    };
    expect(ids(shifted).slice(1)).toEqual(base);
  });

  it('another row when its values change, or the evaluators that apply to it, or the prompt file’s name', () => {
    const values = {
      ...seed,
      rows: seed.rows.map((r, i) => (i === 0 ? { ...r, variables: { ...r.variables, x: 'y' } } : r)),
    };
    expect(ids(values)[0]).not.toBe(base[0]);
    expect(ids(values).slice(1)).toEqual(base.slice(1));
    const [first, ...rest] = seed.evaluators;
    const evaluators = { ...seed, evaluators: [{ ...first!, name: `${first!.name}!` }, ...rest] };
    expect(ids(evaluators).every((id, i) => id !== base[i])).toBe(true);
    expect(ids({ ...seed, name: 'renamed' }).every((id, i) => id !== base[i])).toBe(true);
  });

  it('not another row when only the messages, the model or an evaluator’s line change', () => {
    expect(
      ids({
        ...seed,
        messages: [],
        model: 'other',
        evaluators: seed.evaluators.map((e) => ({ ...e, line: e.line + 9 })),
      }),
    ).toEqual(base);
  });

  it('not another row when only the line of a judge’s modelId changes', () => {
    const judged = (line: number) => ({
      ...seed,
      evaluators: [
        ...seed.evaluators,
        {
          kind: 'llm' as const,
          name: 'Judge',
          index: seed.evaluators.length,
          line,
          judge: {
            modelId: 'openai/gpt-4o',
            modelIdAt: { line: line + 2, column: 7 },
            prompt: '{{completion}}',
            choices: [{ choice: 'yes', score: 1 }],
          },
        },
      ],
    });
    expect(ids(judged(40))).toEqual(ids(judged(80)));
    expect(ids(judged(40))).not.toEqual(base);
  });

  it('two identical rows of a file stay two rows', () => {
    const twice = { ...seed, rows: [seed.rows[0]!, { ...seed.rows[0]!, index: 1, line: 99 }] };
    const [a, b] = ids(twice);
    expect(b).toBe(`${a}-2`);
  });
});
