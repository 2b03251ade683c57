/**
 * Evaluator kinds come from one registry (src/evaluators/registry.ts): the published schema is the kinds' own, and a
 * new kind is one file plus one registry line (here a toy kind from tests/fixtures/kinds, added in one line).
 */
import * as fs from 'node:fs';
import { EVALUATOR_KINDS, kindOf } from '../../../src/evaluators/registry';
import { loadPromptFileText } from '../../../src/promptfile/load';
import { SCHEMA_PATH, schemaFor } from '../../../src/promptfile/schema';
import { lengthKind } from '../../fixtures/kinds/length';

describe('the published schema (schema/prompt-file.schema.json)', () => {
  test("is the registered kinds' own: an evaluator entry has name, type and each kind's keys", () => {
    const generated = `${JSON.stringify(schemaFor(EVALUATOR_KINDS), null, 2)}\n`;
    // UPDATE_SCHEMA=1 npx jest tests/unit/evaluators/kinds.test.ts rewrites the file from the kinds (then prettier).
    if (process.env['UPDATE_SCHEMA'] === '1') fs.writeFileSync(SCHEMA_PATH, generated);
    expect(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8'))).toEqual(JSON.parse(generated));
  });
});

describe('a toy kind: its file and one registry line, nothing else', () => {
  const kinds = [...EVALUATOR_KINDS, lengthKind]; // the one registry line

  const file = (evaluator: string) =>
    [
      'name: short',
      'model: gpt-4o',
      'messages:',
      '  - role: user',
      '    content: Say hi',
      'testData:',
      '  - {}',
      'evaluators:',
      evaluator,
    ].join('\n');

  test('is read, typed and scored', () => {
    const { file: loaded, diagnostics } = loadPromptFileText(
      'short.prompt.yml',
      file('  - name: Short\n    length:\n      max: 5'),
      { kinds },
    );
    expect(diagnostics).toEqual([]);
    const evaluator = loaded?.evaluators[0] as unknown as { kind: string; max: number; line: number };
    expect(evaluator).toMatchObject({ kind: 'length', max: 5, name: 'Short', line: 9 });
    const kind = kindOf(evaluator.kind, kinds);
    expect(kind.score?.(evaluator as never, 'hi!', {}, 'match')).toMatchObject({ pass: true, score: 1 });
    expect(kind.score?.(evaluator as never, 'hello there', {}, 'match')).toMatchObject({ pass: false });
  });

  test('its schema and its checks point at file, line and column', () => {
    const bad = loadPromptFileText('short.prompt.yml', file('  - name: Short\n    length:\n      max: -1'), {
      kinds,
    });
    expect(bad.diagnostics.map((d) => `${d.line}:${d.column} ${d.key}: ${d.message}`)).toEqual([
      "11:7 evaluators[0].length.max: 'evaluators[0].length.max' must be at least 0, not -1",
    ]);
    const odd = loadPromptFileText('short.prompt.yml', file('  - name: Short\n    length:\n      max: 0'), {
      kinds,
    });
    expect(odd.diagnostics.map((d) => `${d.severity} ${d.line}: ${d.message}`)).toEqual([
      "warning 11: evaluator 'Short' passes only an empty reply",
    ]);
  });

  test('is offered where a method is missing, and refused where it is not registered', () => {
    const none = loadPromptFileText('short.prompt.yml', file('  - name: Nothing'), { kinds });
    expect(none.diagnostics.map((d) => d.message)).toEqual([
      "evaluator 'Nothing' has no method; give one of 'string', 'type: regex' with 'pattern', 'llm', 'uses' or 'length'",
    ]);
    const unregistered = loadPromptFileText(
      'short.prompt.yml',
      file('  - name: Short\n    length:\n      max: 5'),
    );
    expect(unregistered.file).toBeUndefined();
    expect(unregistered.diagnostics.map((d) => d.message)).toEqual([
      "evaluator 'Short' has no method; give one of 'string', 'type: regex' with 'pattern', 'llm' or 'uses'",
      "unknown key 'length' in 'evaluators[0]' is ignored",
    ]);
  });
});
