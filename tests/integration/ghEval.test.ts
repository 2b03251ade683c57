/**
 * `promptfile eval` run the way a team migrating from `gh models eval` runs it, through the real CLI against a model
 * server on 127.0.0.1 whose request log is the proof: each call carries exactly the parameters its prompt file sets
 * (plus the variant's overrides) and nothing of promptfoo's own; response formats go out as written; an invalid
 * prompt file is reported and skipped while the others run, and the run exits non-zero at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectExit, type CliRun } from '../support/cli';
import { createProject, type Project } from '../support/project';
import { live, REPO } from '../support/eval';
import { startModelServer, type LoggedRequest, type ModelServer } from '../support/server';

/** gh models' own case (cmd/eval/eval_test.go, "eval with responseFormat and jsonSchema"), verbatim. */
const GH_JSON_SCHEMA = `name: JSON Schema Evaluation
description: Testing responseFormat and jsonSchema in eval
model: openai/gpt-4o
responseFormat: json_schema
jsonSchema: '{"name": "response_schema", "strict": true, "schema": {"type": "object", "properties": {"message": {"type": "string", "description": "The response message"}, "confidence": {"type": "number", "description": "Confidence score"}}, "required": ["message"], "additionalProperties": false}}'
testData:
  - input: "hello"
    expected: "hello world"
messages:
  - role: user
    content: "Respond to: {{input}}"
evaluators:
  - name: contains-message
    string:
      contains: "message"
`;

const FILES: Record<string, string> = {
  'prompts/gh-json-schema.prompt.yml': GH_JSON_SCHEMA,
  // No modelParameters at all: gh sends no temperature and no max_tokens, and neither may we.
  'prompts/bare.prompt.yml': `messages:
  - role: System
    content: Be brief.
  - role: USER
    content: "bare {{word}}"
model: openai/gpt-4o-mini
testData:
  - word: one
`,
  'prompts/every-parameter.prompt.yml': `name: Every parameter
model: openai/gpt-4o-mini
modelParameters:
  temperature: 0.3
  maxTokens: 77
  topP: 0.9
responseFormat: json_schema
jsonSchema: |-
  {"name": "animal_description", "strict": false, "description": "kept {{ as }} {% written %}",
   "schema": {"type": "object", "properties": {"name": {"type": "string", "description": "{{name}} stays"}}}}
messages:
  - role: user
    content: "every {{word}}"
testData:
  - word: two
`,
  'prompts/snake-case.prompt.yml': `model: openai/gpt-4o-mini
modelParameters:
  max_tokens: 33
  top_p: 0.5
  temperature: 0
responseFormat: json_object
messages:
  - role: user
    content: "snake {{word}}"
testData:
  - word: three
`,
  'prompts/text-format.prompt.yml': `model: openai/gpt-4o-mini
responseFormat: text
messages:
  - role: user
    content: "text {{word}}"
testData:
  - word: four
`,
  'prompts/reasoning.prompt.yml': `model: openai/o3-mini
modelParameters:
  maxTokens: 55
messages:
  - role: user
    content: "reasoning {{word}}"
testData:
  - word: five
`,
  'prompts/broken.prompt.yml': `name: Broken
model: openai/gpt-4o-mini
messages:
  - role: bot
    content: "broken {{word}}"
testData:
  - word: six
`,
};

/** The keys a request carries beyond the model and the messages, with their values. */
function parameters(request: LoggedRequest): Record<string, unknown> {
  const { model: _model, messages: _messages, ...rest } = request.body ?? {};
  return rest;
}

describe('promptfile eval sends exactly what each prompt file says', () => {
  let server: ModelServer;
  let project: Project;
  let run: CliRun;
  /** The request for a prompt file (by the word in its row) and variant (by its label's temperature). */
  const request = (word: string, variant: 'reference' | 'hot'): LoggedRequest => {
    const found = server.requests.filter((r) => r.user.endsWith(` ${word}`))[variant === 'reference' ? 0 : 1];
    if (!found)
      throw new Error(`no ${variant} request for '${word}'; the log: ${JSON.stringify(server.requests)}`);
    return found;
  };

  beforeAll(async () => {
    server = await startModelServer(() => '{"message": "hello world"}');
    const key = { apiBaseUrl: server.baseUrl, apiKey: 'sk-loopback' };
    project = createProject(FILES, [live(key, 'reference'), live({ ...key, temperature: 0.9 }, 'hot')]);
    // One call at a time, so each file's reference call precedes its variant's in the log.
    run = await project.run(['eval', '--', '-j', '1'], 300_000);
  }, 330_000);

  afterAll(() => server.close());

  test('an invalid prompt file is reported at its line and skipped; the others run; the exit status is 2', () => {
    expectExit(run, 2);
    expect(run.stderr).toContain(
      "prompts/broken.prompt.yml:4:5: error: unknown message role 'bot'; expected one of system, user, assistant, developer",
    );
    expect(run.stderr).toContain('1 invalid prompt file was skipped: prompts/broken.prompt.yml');
    expect(server.requests.some((r) => r.user.includes('broken'))).toBe(false);
    expect(server.requests).toHaveLength(2 * 6);
  });

  test('a file with no modelParameters sends no temperature, max_tokens or anything else', () => {
    expect(parameters(request('one', 'reference'))).toEqual({});
  });

  test('roles written System and USER go out as gh models sends them: system and user', () => {
    expect(request('one', 'reference').messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'bare one' },
    ]);
  });

  test("a variant's override is the only thing it adds", () => {
    expect(parameters(request('one', 'hot'))).toEqual({ temperature: 0.9 });
    expect(parameters(request('two', 'hot'))).toEqual({
      ...parameters(request('two', 'reference')),
      temperature: 0.9,
    });
  });

  test('temperature, maxTokens, topP and a json_schema response format, each as written', () => {
    expect(parameters(request('two', 'reference'))).toEqual({
      temperature: 0.3,
      max_tokens: 77,
      top_p: 0.9,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'animal_description',
          strict: false,
          description: 'kept {{ as }} {% written %}',
          schema: { type: 'object', properties: { name: { type: 'string', description: '{{name}} stays' } } },
        },
      },
    });
  });

  test("gh models' own json_schema case: its name and strict reach the model as written", () => {
    const sent = parameters(request('hello', 'reference'));
    expect(sent).toEqual({
      response_format: {
        type: 'json_schema',
        json_schema: JSON.parse(/jsonSchema: '(.*)'/.exec(GH_JSON_SCHEMA)?.[1] ?? 'null'),
      },
    });
    const schema = (sent['response_format'] as { json_schema: Record<string, unknown> }).json_schema;
    expect([schema['name'], schema['strict']]).toEqual(['response_schema', true]);
  });

  test('snake_case max_tokens and top_p are sent (gh ignores them), with json_object and a temperature of 0', () => {
    expect(parameters(request('three', 'reference'))).toEqual({
      max_tokens: 33,
      top_p: 0.5,
      temperature: 0,
      response_format: { type: 'json_object' },
    });
  });

  test('responseFormat text is sent, as gh sends it', () => {
    expect(parameters(request('four', 'reference'))).toEqual({ response_format: { type: 'text' } });
  });

  test('a reasoning model gets maxTokens as max_completion_tokens, the only limit it takes', () => {
    expect(parameters(request('five', 'reference'))).toEqual({ max_completion_tokens: 55 });
  });
});

/** gh models' own case (cmd/eval/eval_test.go, "json output format"), verbatim: one row passes, one fails. */
const GH_JSON_OUTPUT = `name: JSON Test Evaluation
description: Testing JSON output format
model: openai/gpt-4o
testData:
  - input: "hello"
    expected: "hello world"
  - input: "test"
    expected: "test response"
messages:
  - role: user
    content: "Respond to: {{input}}"
evaluators:
  - name: contains-hello
    string:
      contains: "hello"
  - name: exact-match
    string:
      equals: "hello world"
`;

describe('promptfile eval exits as gh models eval does', () => {
  let server: ModelServer;
  let project: Project;

  beforeAll(async () => {
    server = await startModelServer((r) => (r.user.endsWith('hello') ? 'hello world' : 'test output'));
    project = createProject({ 'evals/gh-json.prompt.yml': GH_JSON_OUTPUT }, [
      live({ apiBaseUrl: server.baseUrl, apiKey: 'sk-loopback' }, 'reference'),
    ]);
  });

  afterAll(() => server.close());

  test('1 when a row fails, after printing the results; 0 with --fail-on errors', async () => {
    const failed = await project.run(['eval', 'evals/gh-json.prompt.yml']);
    expectExit(failed, 1);
    expect(failed.stdout).toMatch(/PASS/);
    expect(failed.stdout).toMatch(/FAIL contains-hello; exact-match/);
    expect(failed.stderr).toContain('promptfile eval: 1 row failed an evaluator');
    const tolerant = await project.run(['eval', 'evals/gh-json.prompt.yml', '--fail-on', 'errors']);
    expectExit(tolerant, 0);
  }, 300_000);
});

/**
 * GitHub's quickstart file (docs, "Storing prompts": a startsWith check and `uses: github/similarity`), as a team
 * migrating from gh runs it: no grader configured. gh graded similarity with its own model on the same account;
 * here the file's own model grades, through the variant's endpoint and key, and its "Rating: 4/5" reads as 4.
 */
const QUICKSTART = 'tests/fixtures/real/github--docs/quickstart-summarize-step5.prompt.yml';

describe("gh's quickstart file scores out of the box: github/similarity graded by the file's own model", () => {
  let server: ModelServer;
  let project: Project;
  let recorded: CliRun;
  let recordRequests: LoggedRequest[];
  let replayed: CliRun;
  let replayRequests: LoggedRequest[];
  const isGrading = (r: LoggedRequest) => r.user.includes('EXPECTED:');

  beforeAll(async () => {
    server = await startModelServer((r) => {
      if (isGrading(r)) return 'Rating: 4/5';
      return r.user.includes('museum')
        ? "Summary - The museum's new dinosaur exhibit drew many families."
        : 'Summary - A fox jumped over a lazy dog.';
    });
    project = createProject(
      { 'prompts/quickstart.prompt.yml': fs.readFileSync(path.join(REPO, QUICKSTART), 'utf8') },
      [live({ apiBaseUrl: server.baseUrl, apiKey: 'sk-loopback' }, 'reference')],
    );
    recorded = await project.run(['eval', '--record', 'cassettes']);
    recordRequests = [...server.requests];
    server.reset();
    // A fork pull request: the recorded answers, no key at all. Nothing can grade similarity.
    replayed = await project.run(['eval', '--replay', 'cassettes']);
    replayRequests = [...server.requests];
  }, 330_000);

  afterAll(() => server.close());

  test('every row passes, exit 0, with no grader configured', () => {
    expectExit(recorded, 0);
    expect(recorded.stdout.match(/: PASS/g)).toHaveLength(2);
  });

  test('each grading went to the variant’s server as the file’s model, with the variant’s key', () => {
    const gradings = recordRequests.filter(isGrading);
    expect(gradings.map((r) => [r.path, r.model, r.headers['authorization']])).toEqual(
      Array(2).fill(['/v1/chat/completions', 'gpt-4o-mini', 'Bearer sk-loopback']),
    );
    expect(gradings.map((r) => /EXPECTED:\n(.*)/.exec(r.user)?.[1]).sort()).toEqual([
      'Summary - A fox jumped over a lazy, unresponsive dog.',
      "Summary - The museum's new dinosaur exhibit attracted many families with its fossils and interactive displays.",
    ]);
    expect(recordRequests).toHaveLength(4);
  });

  test('with no key (a replay), each row is one labelled error, the run says why once, nothing is called', () => {
    expectExit(replayed, 1);
    const cause =
      "model-graded evaluators are not graded: OPENAI_API_KEY is not set, and the default grader is each prompt file's own model; set it, or configure grader: in promptfooconfig.yaml";
    const rows = replayed.stdout.split('\n').filter((l) => /\(replay\): /.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows)
      expect(row).toContain(
        'ERROR grading of "Similarity" failed: model-graded evaluators are not graded: OPENAI_API_KEY is not set',
      );
    expect(replayed.stderr.split(`promptfile: ${cause}`)).toHaveLength(2);
    expect(replayed.stderr).toContain('promptfile eval: 2 rows ended in an error');
    expect(replayRequests).toEqual([]);
  });
});
