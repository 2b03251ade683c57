/**
 * gh models' own test cases, ported: github/gh-models v0.0.25 (f38cd97), pkg/prompt/prompt_test.go and
 * cmd/eval/eval_test.go. Each `describe` names the Go test it comes from; the YAML and the expectations are theirs.
 * Where we deliberately differ, the test says so and asserts our behaviour (README, "Migrating from gh models eval").
 * The eval command's own output cases (--json, exit codes, the request it sends) run through the real CLI in
 * tests/integration/ghEval.test.ts.
 */
import * as path from 'node:path';
import { loadPromptFile, loadPromptFileText } from '../../../src/promptfile/load';
import type { PromptFile } from '../../../src/promptfile/model';
import { renderTemplate } from '../../../src/format/template';
import { renderMessages } from '../../../src/promptfile/messages';
import { scoreString } from '../../../src/evaluators/string';
import { builtinJudge, scoreJudgeAnswer } from '../../../src/evaluators/judge';
import { callSettings } from '../../../src/variants/variant';
import { targetConfig } from '../../../src/promptfoo/call';

function load(yaml: string): PromptFile {
  const result = loadPromptFileText('test.prompt.yml', yaml);
  if (!result.file) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.file;
}

function errorsOf(yaml: string): string[] {
  const result = loadPromptFileText('test.prompt.yml', yaml);
  expect(result.file).toBeUndefined();
  return result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

describe('prompt_test.go: loads and parses prompt file', () => {
  const file = load(`
name: Test Prompt
description: A test prompt file
model: openai/gpt-4o
modelParameters:
  temperature: 0.5
  maxTokens: 100
messages:
  - role: system
    content: You are a helpful assistant.
  - role: user
    content: "Hello {{name}}"
testData:
  - name: "Alice"
  - name: "Bob"
evaluators:
  - name: contains-greeting
    string:
      contains: "hello"
`);

  it('reads every field', () => {
    expect(file.name).toBe('Test Prompt');
    expect(file.description).toBe('A test prompt file');
    expect(file.model).toBe('openai/gpt-4o');
    expect(file.parameters).toEqual({ temperature: 0.5, maxTokens: 100 });
    expect(file.messages.map(({ role, content }) => ({ role, content }))).toEqual([
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Hello {{name}}' },
    ]);
    expect(file.rows.map((r) => r.variables['name'])).toEqual(['Alice', 'Bob']);
    expect(file.evaluators).toHaveLength(1);
    expect(file.evaluators[0]).toMatchObject({ name: 'contains-greeting', check: { contains: 'hello' } });
  });
});

describe('prompt_test.go: templates messages correctly', () => {
  it('replaces each {{key}} with the row value', () => {
    expect(renderTemplate('Hello {{name}}, you are {{age}} years old', { name: 'World', age: '25' })).toBe(
      'Hello World, you are 25 years old',
    );
  });

  it('reads a number in a row as its text, as gh formats 25', () => {
    const file = load(`
messages:
  - role: user
    content: "Hello {{name}}, you are {{age}} years old"
testData:
  - name: World
    age: 25
`);
    expect(renderMessages(file, file.rows[0]?.variables ?? {})[0]?.content).toBe(
      'Hello World, you are 25 years old',
    );
  });

  it('differs on purpose: a number keeps the text written (gh prints 1.0 as 1 and 1000000.0 as 1e+06)', () => {
    const file = load(`
messages:
  - role: user
    content: "{{a}} {{b}} {{c}}"
testData:
  - { a: 1.0, b: 1000000.0, c: null }
`);
    expect(renderMessages(file, file.rows[0]?.variables ?? {})[0]?.content).toBe('1.0 1000000.0 ');
  });
});

describe('templating: where we deliberately differ from gh', () => {
  it('fills {{ name }} with spaces too (gh fills only {{name}})', () => {
    expect(renderTemplate('{{ name }} and {{name}}', { name: 'Ada' })).toBe('Ada and Ada');
  });

  it('never scans a value again (gh may, depending on map order)', () => {
    expect(renderTemplate('{{a}} {{b}}', { a: '{{b}}', b: 'B' })).toBe('{{b}} B');
  });

  it('fills {{key}} for any key a row gives, as gh does', () => {
    expect(renderTemplate('{{my key}} {{a.b}}', { 'my key': '1', 'a.b': '2' })).toBe('1 2');
  });
});

describe('prompt_test.go: handles missing template variables', () => {
  it('leaves a placeholder the row does not give as written', () => {
    expect(renderTemplate('Hello {{name}}, you are {{missing}} years old', { name: 'World' })).toBe(
      'Hello World, you are {{missing}} years old',
    );
  });

  it('loads such a file with a warning, and sends the placeholder as written', () => {
    const result = loadPromptFileText(
      'test.prompt.yml',
      `
messages:
  - role: user
    content: "Hello {{name}}, you are {{missing}} years old"
testData:
  - name: World
`,
    );
    expect(result.diagnostics.map((d) => `${d.severity}: ${d.message}`)).toContain(
      'warning: testData[0] gives no value for {{missing}}, used in messages[0].content, so it stays as written',
    );
    const file = result.file as PromptFile;
    expect(renderMessages(file, file.rows[0]?.variables ?? {})[0]?.content).toBe(
      'Hello World, you are {{missing}} years old',
    );
  });
});

describe('prompt_test.go: handles file not found', () => {
  it('is an error', () => {
    const result = loadPromptFile(path.join(__dirname, 'nonexistent', 'file.yml'));
    expect(result.file).toBeUndefined();
    expect(result.diagnostics[0]?.message).toMatch(/cannot be read: no such file/);
  });
});

describe('prompt_test.go: handles invalid YAML', () => {
  it('is an error', () => {
    expect(errorsOf('invalid: yaml: content: [').length).toBeGreaterThan(0);
  });
});

describe('prompt_test.go: loads prompt file with responseFormat text / json_object', () => {
  it.each(['text', 'json_object'])('%s, with no jsonSchema', (format) => {
    const file = load(`
name: Response Format Test
model: openai/gpt-4o
responseFormat: ${format}
messages:
  - role: user
    content: "Hello"
`);
    expect(file.responseFormat).toBe(format);
    expect(file.jsonSchema).toBeUndefined();
  });
});

const DESCRIBE_ANIMAL = `
name: JSON Schema String Format Test
model: openai/gpt-4o
responseFormat: json_schema
jsonSchema: |-
  {
    "name": "describe_animal",
    "strict": true,
    "schema": {
      "type": "object",
      "properties": {
        "name": {
          "type": "string",
          "description": "The name of the animal"
        },
        "habitat": {
          "type": "string",
          "description": "The habitat the animal lives in"
        }
      },
      "additionalProperties": false,
      "required": [
        "name",
        "habitat"
      ]
    }
  }
messages:
  - role: user
    content: "Hello"
`;

describe('prompt_test.go: loads prompt file with responseFormat json_schema and jsonSchema as JSON string', () => {
  it('keeps the whole wrapper: name, strict and the schema', () => {
    const file = load(DESCRIBE_ANIMAL);
    expect(file.responseFormat).toBe('json_schema');
    const schema = file.jsonSchema as { name: string; strict: boolean; schema: Record<string, unknown> };
    expect(schema.name).toBe('describe_animal');
    expect(schema.strict).toBe(true);
    expect(schema.schema['type']).toBe('object');
    expect(Object.keys(schema.schema['properties'] as object)).toEqual(['name', 'habitat']);
    expect(schema.schema['required']).toEqual(['name', 'habitat']);
  });
});

describe('prompt_test.go: validates invalid responseFormat', () => {
  it('names the bad value', () => {
    expect(
      errorsOf(`
name: Invalid Response Format Test
model: openai/gpt-4o
responseFormat: invalid_format
messages:
  - role: user
    content: "Hello"
`).join('\n'),
    ).toMatch(/'invalid_format'; expected one of text, json_object, json_schema/);
  });
});

describe('prompt_test.go: validates json_schema requires jsonSchema', () => {
  it('is an error', () => {
    expect(
      errorsOf(`
name: JSON Schema Missing Test
model: openai/gpt-4o
responseFormat: json_schema
messages:
  - role: user
    content: "Hello"
`),
    ).toEqual(["responseFormat 'json_schema' needs a 'jsonSchema'"]);
  });

  it("also insists, as gh does, on 'name' and 'schema' in JSON text", () => {
    expect(
      errorsOf(`
model: openai/gpt-4o
responseFormat: json_schema
jsonSchema: '{"type": "object"}'
messages:
  - role: user
    content: "Hello"
`).map((m) => m.slice(0, 30)),
    ).toEqual(["'jsonSchema' has no 'name'; wi", "'jsonSchema' has no 'schema'; "]);
  });
});

describe('prompt_test.go: BuildChatCompletionOptions includes responseFormat and jsonSchema', () => {
  it('sends response_format json_schema with the wrapper as written', () => {
    const file = load(DESCRIBE_ANIMAL);
    const config = targetConfig(callSettings(file, {}), {});
    expect(config['response_format']).toEqual({ type: 'json_schema', json_schema: file.jsonSchema });
    const sent = (config['response_format'] as { json_schema: Record<string, unknown> }).json_schema;
    expect(sent['name']).toBe('describe_animal');
    expect(sent['strict']).toBe(true);
  });

  it('sends only what the file sets: no temperature or max_tokens of its own', () => {
    const config = targetConfig(callSettings(load(DESCRIBE_ANIMAL), {}), {});
    expect(Object.keys(config).sort()).toEqual(['omitDefaults', 'response_format']);
    expect(config['omitDefaults']).toBe(true);
  });
});

const EVALUATION = `
name: Test Evaluation
description: A test evaluation
model: openai/gpt-4o
modelParameters:
  temperature: 0.5
  maxTokens: 100
testData:
  - input: "hello"
    expected: "hello world"
  - input: "goodbye"
    expected: "goodbye world"
messages:
  - role: system
    content: You are a helpful assistant.
  - role: user
    content: "Please respond to: {{input}}"
evaluators:
  - name: contains-world
    string:
      contains: "world"
  - name: similarity-check
    uses: github/similarity
`;

describe('eval_test.go: loads and parses evaluation prompt file', () => {
  it('reads model, parameters, rows, messages and evaluators', () => {
    const file = load(EVALUATION);
    expect([file.name, file.description, file.model]).toEqual([
      'Test Evaluation',
      'A test evaluation',
      'openai/gpt-4o',
    ]);
    expect(file.parameters).toEqual({ temperature: 0.5, maxTokens: 100 });
    expect([file.rows.length, file.messages.length, file.evaluators.length]).toEqual([2, 2, 2]);
  });
});

describe('eval_test.go: templates messages correctly', () => {
  it('fills every message from the row', () => {
    const file = load(`
messages:
  - role: system
    content: You are helpful.
  - role: user
    content: Process {{input}} and return {{expected}}
`);
    expect(renderMessages(file, { input: 'hello', expected: 'world' }).map((m) => m.content)).toEqual([
      'You are helpful.',
      'Process hello and return world',
    ]);
  });
});

describe('eval_test.go: string evaluator works correctly', () => {
  it.each([
    ['contains match', { contains: 'world' }, 'hello world', true, {}],
    ['contains no match', { contains: 'world' }, 'hello there', false, {}],
    ['equals match', { equals: 'exact' }, 'exact', true, {}],
    ['equals no match', { equals: 'exact' }, 'not exact', false, {}],
    ['starts with match', { startsWith: 'hello' }, 'hello world', true, {}],
    ['ends with match', { endsWith: 'world' }, 'hello world', true, {}],
    ['contains with variable', { contains: '{{expected}}' }, 'hello world', true, { expected: 'world' }],
    [
      'fails with variable not match',
      { contains: '{{expected}}' },
      'hello world',
      false,
      { expected: 'goodbye' },
    ],
  ])('%s', (_name, check, response, passed, variables) => {
    const result = scoreString(check, response, variables);
    expect(result.pass).toBe(passed);
    expect(result.score).toBe(passed ? 1 : 0);
  });
});

describe('eval_test.go: plugin evaluator works with github/similarity', () => {
  it('scores a grader answer of "4" as 0.75, a pass', () => {
    const result = scoreJudgeAnswer(builtinJudge('github/similarity'), '4');
    expect(result.score).toBe(0.75);
    expect(result.pass).toBe(true);
  });
});

describe('gh models reads what it can; so do we', () => {
  it('lower-cases roles, as gh does: System and USER are system and user', () => {
    const file = load(`
messages:
  - role: System
    content: Be brief.
  - role: USER
    content: Hi.
`);
    expect(file.messages.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('takes a number or boolean where text is wanted as the text written, as gh does', () => {
    const file = load(`
name: 2024
messages:
  - role: user
    content: What is 2 + 2?
testData:
  - {}
evaluators:
  - name: four
    string:
      contains: 4
  - name: yes
    llm:
      prompt: Is it right?
      choices:
        - { choice: 1.0, score: 1 }
`);
    expect(file.name).toBe('2024');
    expect(file.evaluators[0]).toMatchObject({ check: { contains: '4' } });
    expect(file.evaluators[1]).toMatchObject({ judge: { choices: [{ choice: '1.0', score: 1 }] } });
  });

  it("still refuses a role gh would refuse, and says so at the role's line", () => {
    const result = loadPromptFileText('t.prompt.yml', 'messages:\n  - role: bot\n    content: hi\n');
    expect(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      "2:5 unknown message role 'bot'; expected one of system, user, assistant, developer",
    ]);
  });

  it('warns of a developer message, which OpenAI models take and gh refuses', () => {
    const result = loadPromptFileText('t.prompt.yml', 'messages:\n  - role: developer\n    content: hi\n');
    expect(result.file?.messages[0]?.role).toBe('developer');
    expect(result.diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });
});
