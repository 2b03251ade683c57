/**
 * What `promptfile eval` and `compare` print, through the real CLI (and the real promptfoo CLI) against a model
 * server on 127.0.0.1, and through real shell pipelines: a reader that stops early (`| head -1`) is not an error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { live, REPO } from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';
import { expectExit, PROMPTFILE_BIN, runNode, type CliRun } from '../support/cli';
import { isolatedEnv } from '../support/environment';
import { createProject, type Project } from '../support/project';

/** gh models' own case (cmd/eval/eval_test.go, "json output format"): the first row passes, the second fails. */
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

/** The server's replies: gh's case answers "hello world" to the first row and "test output" to the second. */
function reply(user: string): string {
  return user.endsWith('hello') ? 'hello world' : 'test output';
}

interface PipelineRun extends CliRun {
  /** The exit status of promptfile itself (bash's PIPESTATUS[0]), not of the reader. */
  status: number;
}

/**
 * Runs `promptfile ARGS | READER` in a real bash pipeline in the project, with the project's environment. The
 * status is promptfile's own; stdout is what the reader passed on, stderr promptfile's (unless ARGS redirect it).
 */
async function pipeline(project: Project, args: string, reader: string): Promise<PipelineRun> {
  const script = `"${process.execPath}" "${PROMPTFILE_BIN}" ${args} | ${reader}; echo "status=\${PIPESTATUS[0]}" >&2`;
  const run = await runNode({
    command: 'bash',
    argv: ['-c', script],
    cwd: project.dir,
    env: isolatedEnv(project.configDir),
  });
  return { ...run, status: Number(/status=(\d+)\s*$/.exec(run.stderr)?.[1] ?? NaN) };
}

/** A results file of promptfoo's format with `variants` columns: the fixture's rows under many labels. */
function manyVariants(file: string, variants: number): void {
  const fixture = JSON.parse(
    fs.readFileSync(path.join(REPO, 'tests/fixtures/results/repeat3.json'), 'utf8'),
  ) as { results: { results: { provider: { label: string }; promptIdx: number }[]; prompts: unknown[] } };
  const rows = fixture.results.results;
  fixture.results.results = Array.from({ length: variants }, (_, v) =>
    rows.map((r) => ({
      ...r,
      provider: { ...r.provider, label: `v${v} ${r.provider.label}` },
      promptIdx: v * 3 + r.promptIdx,
    })),
  ).flat();
  fixture.results.prompts = [];
  fs.writeFileSync(file, JSON.stringify(fixture));
}

/** No crash, no stack trace: what Node prints for an unhandled EPIPE, or for any error event. */
function expectNoStackTrace(run: CliRun): void {
  expect(run.stderr).not.toMatch(/EPIPE|Unhandled 'error' event|^\s+at /m);
  expect(run.stderr).not.toMatch(/internal error/);
}

describe('output piped into a reader that stops early is not an error', () => {
  let server: ModelServer;
  let project: Project;
  let complete: CliRun;

  beforeAll(async () => {
    server = await startModelServer((r) => reply(r.user));
    project = createProject({ 'evals/gh-json.prompt.yml': GH_JSON_OUTPUT }, [
      live({ apiBaseUrl: server.baseUrl, apiKey: 'sk-loopback' }, 'reference'),
    ]);
    manyVariants(project.path('many.json'), 20);
    complete = await project.run(['compare', 'many.json', '--all']);
  }, 300_000);

  afterAll(() => server.close());

  test('compare --all | head -1: the first line, exit status 0, no EPIPE trace', async () => {
    expectExit(complete, 0);
    // More than a pipe holds (64 KiB): promptfile is still writing when head goes away.
    expect(complete.stdout.length).toBeGreaterThan(256 * 1024);
    const piped = await pipeline(project, 'compare many.json --all', 'head -1');
    expectNoStackTrace(piped);
    expect(piped.status).toBe(0);
    expect(piped.stdout).toBe(`${complete.stdout.split('\n')[0]}\n`);
  });

  test('compare with 20 variants: the significant differences first, the 190-pair table only with --all', async () => {
    const short = await project.run(['compare', 'many.json']);
    expectExit(short, 0);
    expect(short.stdout.startsWith('Significant differences (')).toBe(true);
    expect(short.stdout).not.toContain('\nComparisons (');
    expect(short.stdout.split('\n').length).toBeLessThan(200);
    expect(short.stdout).toMatch(
      /comparisons without a significant difference left out; promptfile compare many\.json --all shows every one\./,
    );
    expect(complete.stdout).toContain('\nComparisons (');
    expect(complete.stdout.split('\n').length).toBeGreaterThan(1000);
    const markdown = await project.run(['compare', 'many.json', '--markdown']);
    expect(markdown.stdout).toContain('### Comparisons (');
  });

  test('eval | head -1 runs to the end: results written, exit status 1 for the failing row as without the pipe', async () => {
    fs.rmSync(project.path('results'), { recursive: true, force: true });
    const piped = await pipeline(project, 'eval evals/gh-json.prompt.yml', 'head -1');
    expectNoStackTrace(piped);
    expect(piped.stdout.split('\n')).toHaveLength(2);
    expect(piped.status).toBe(1);
    expect(piped.stderr).toContain('promptfile eval: 1 row failed an evaluator');
    const results = JSON.parse(project.read('results/latest.json')) as { results: { results: unknown[] } };
    expect(results.results.results).toHaveLength(2);
  }, 300_000);

  test('eval 2>&1 | head -1: both streams closed early, the same exit status (0 with --fail-on errors)', async () => {
    const piped = await pipeline(project, 'eval evals/gh-json.prompt.yml --fail-on errors 2>&1', 'head -1');
    expect(piped.stdout).not.toMatch(/EPIPE/);
    expect(piped.stdout.split('\n')).toHaveLength(2);
    expect(piped.stderr.trim()).toBe('status=0');
  }, 300_000);
});

describe("eval's closing hint is ours, not promptfoo's", () => {
  let server: ModelServer;
  let project: Project;

  beforeAll(async () => {
    server = await startModelServer((r) => reply(r.user));
    project = createProject({ 'evals/gh-json.prompt.yml': GH_JSON_OUTPUT }, [
      live({ apiBaseUrl: server.baseUrl, apiKey: 'sk-loopback' }, 'reference'),
    ]);
  });

  afterAll(() => server.close());

  test("no 'View results: promptfoo view' (nor its share and feedback lines); ours names the command that works here", async () => {
    const run = await project.run(['eval', 'evals/gh-json.prompt.yml', '--fail-on', 'errors']);
    expectExit(run, 0);
    const all = `${run.stdout}\n${run.stderr}`;
    // promptfoo's own summary still comes through; only its hints are gone.
    expect(run.stdout).toMatch(/Eval complete \(ID: eval-/);
    expect(all).not.toMatch(/View results|promptfoo view|Feedback:|promptfoo\.app/);
    expect(run.stdout).toContain(
      'Results: results/latest.json and results/latest.html; open the web report with npx promptfile view',
    );
  }, 300_000);
});

/** The document `eval --json` prints, the fields the tests read (gh's, then ours). */
interface GhDocument {
  name: string;
  description: string;
  model: string;
  testResults: {
    testCase: Record<string, string>;
    modelResponse: string;
    evaluationResults: { evaluatorName: string; score: number; passed: boolean; details?: string }[];
    file?: string;
    line?: number;
    variant: string;
    repeat: number;
    passed: boolean;
    error?: string;
  }[];
  summary: {
    totalTests: number;
    passedTests: number;
    failedTests: number;
    passRate: number;
    erroredTests: number;
  };
}

describe("eval --json prints one document in gh models' --json shape", () => {
  let server: ModelServer;
  let project: Project;

  beforeAll(async () => {
    server = await startModelServer((r) => {
      if (r.user.endsWith('boom')) return { status: 400, text: 'this row is refused' };
      if (r.user.endsWith('long')) return 'x'.repeat(200 * 1024);
      return reply(r.user);
    });
    const key = { apiBaseUrl: server.baseUrl, apiKey: 'sk-loopback' };
    project = createProject(
      {
        'evals/gh-json.prompt.yml': GH_JSON_OUTPUT,
        'other/more.prompt.yml': `name: More
model: openai/gpt-4o-mini
messages:
  - role: user
    content: "Say {{word}}"
testData:
  - word: boom
  - word: long
evaluators:
  - name: contains-hello
    string:
      contains: hello
`,
      },
      [live(key, 'reference'), live({ ...key, temperature: 0.9 }, 'hot')],
    );
  });

  afterAll(() => server.close());

  test("gh's own case: stdout is the document and nothing else; fields, scores and totals as gh prints them; exit 1", async () => {
    const run = await project.run(['eval', 'evals/gh-json.prompt.yml', '--json', '--', '-j', '1']);
    expectExit(run, 1);
    const doc = JSON.parse(run.stdout) as GhDocument;
    expect([doc.name, doc.description, doc.model]).toEqual([
      'JSON Test Evaluation',
      'Testing JSON output format',
      'openai/gpt-4o',
    ]);
    const reference = doc.testResults.filter((t) => t.variant !== 'hot');
    expect(reference).toHaveLength(2);
    const [first, second] = reference;
    expect(first?.testCase).toEqual({ input: 'hello', expected: 'hello world' });
    expect(first?.modelResponse).toBe('hello world');
    expect(first?.evaluationResults.map((e) => [e.evaluatorName, e.passed, e.score])).toEqual([
      ['contains-hello', true, 1],
      ['exact-match', true, 1],
    ]);
    expect(second?.testCase).toEqual({ input: 'test', expected: 'test response' });
    expect(second?.modelResponse).toBe('test output');
    expect(second?.evaluationResults.map((e) => [e.evaluatorName, e.passed, e.score])).toEqual([
      ['contains-hello', false, 0],
      ['exact-match', false, 0],
    ]);
    expect(second?.evaluationResults[1]?.details).toMatch(/hello world/);
    expect([first?.passed, second?.passed]).toEqual([true, false]);
    expect([first?.file, first?.line, first?.repeat]).toEqual(['evals/gh-json.prompt.yml', 5, 1]);
    // Two variants (reference and hot) x two rows: every call is a test, the summary counts them all.
    expect(doc.testResults).toHaveLength(4);
    expect(doc.summary).toEqual({
      totalTests: 4,
      passedTests: 2,
      failedTests: 2,
      passRate: 50,
      erroredTests: 0,
    });
    // Nothing human on stdout: promptfoo's output, the row table and the hints go to stderr.
    expect(run.stdout).not.toMatch(/Eval complete|PASS|FAIL|Results:|Pass rate/);
    expect(run.stderr).toMatch(/Eval complete/);
    expect(run.stderr).toContain('Results: results/latest.json');
  }, 300_000);

  test('several files, variants and repeats: one test per call, with file, variant and repeat; an errored call is a failed test with its error', async () => {
    const run = await project.run(['eval', 'evals', 'other', '--json', '--repeat', '2']);
    expectExit(run, 1);
    const doc = JSON.parse(run.stdout) as GhDocument;
    expect(doc.name).toBe('JSON Test Evaluation, More');
    expect(doc.model).toBe('openai/gpt-4o, openai/gpt-4o-mini');
    // Both files have a 'contains-hello': its metrics are told apart by file, its name here is the file's own.
    expect(doc.testResults.every((t) => t.evaluationResults[0]?.evaluatorName === 'contains-hello')).toBe(
      true,
    );
    // 4 rows x 2 variants x 2 repeats, ordered by file, row, variant, repeat.
    expect(doc.testResults).toHaveLength(16);
    expect(doc.testResults.slice(0, 4).map((t) => [t.file, t.testCase['input'], t.repeat])).toEqual([
      ['evals/gh-json.prompt.yml', 'hello', 1],
      ['evals/gh-json.prompt.yml', 'hello', 2],
      ['evals/gh-json.prompt.yml', 'hello', 1],
      ['evals/gh-json.prompt.yml', 'hello', 2],
    ]);
    expect(new Set(doc.testResults.slice(0, 4).map((t) => t.variant)).size).toBe(2);
    const boom = doc.testResults.filter((t) => t.testCase['word'] === 'boom');
    expect(boom).toHaveLength(4);
    for (const t of boom) {
      expect(t.passed).toBe(false);
      expect(t.error).toMatch(/400|refused/);
      expect(t.evaluationResults.map((e) => [e.evaluatorName, e.passed, e.score])).toEqual([
        ['contains-hello', false, 0],
      ]);
    }
    expect(doc.summary).toEqual({
      totalTests: 16,
      passedTests: 4,
      failedTests: 12,
      passRate: 25,
      erroredTests: 4,
    });
  }, 300_000);

  test('eval --json | head -c 1 (a document larger than a pipe holds): no EPIPE trace, the exit status of the run', async () => {
    const complete = await project.run(['eval', 'other', '--json']);
    expectExit(complete, 1);
    expect(complete.stdout.length).toBeGreaterThan(256 * 1024);
    const piped = await pipeline(project, 'eval other --json', 'head -c 1');
    expectNoStackTrace(piped);
    expect(piped.stdout).toBe('{');
    expect(piped.status).toBe(1);
  }, 300_000);
});

/** The progress lines in some text: [done, total, errors] each. */
function progressLines(text: string): [number, number, number][] {
  return [...text.matchAll(/promptfile: (\d+)\/(\d+) calls done, (\d+) errors?, \d+:\d\d elapsed/g)].map(
    (m) => [Number(m[1]), Number(m[2]), Number(m[3])],
  );
}

/**
 * Runs `promptfile ARGS` in the project under a pseudo-terminal (util-linux `script`), as a person at a terminal
 * runs it; returns everything the terminal received.
 */
async function inTerminal(project: Project, args: string): Promise<PipelineRun> {
  const command = `"${process.execPath}" "${PROMPTFILE_BIN}" ${args}; echo "status=$?"`;
  const run = await runNode({
    command: 'script',
    argv: ['-qec', command, '/dev/null'],
    cwd: project.dir,
    env: isolatedEnv(project.configDir, { TERM: 'xterm', COLUMNS: '200' }),
  });
  return { ...run, status: Number(/status=(\d+)\s*$/.exec(run.stdout)?.[1] ?? NaN) };
}

describe('eval shows its progress and why each failed row failed', () => {
  let server: ModelServer;
  let project: Project;

  beforeAll(async () => {
    server = await startModelServer((r) => {
      if (r.user.endsWith('boom')) return { status: 400, text: 'this row is refused' };
      if (r.user.endsWith('long')) return `${'long reply '.repeat(30)}END`;
      return reply(r.user);
    });
    project = createProject(
      {
        'evals/gh-json.prompt.yml': GH_JSON_OUTPUT,
        'other/more.prompt.yml': `name: More
model: openai/gpt-4o-mini
messages:
  - role: user
    content: "Say {{word}}"
testData:
  - word: boom
  - word: long
evaluators:
  - name: short
    string:
      endsWith: "."
`,
      },
      [live({ apiBaseUrl: server.baseUrl, apiKey: 'sk-loopback' }, 'reference')],
    );
  });

  afterAll(() => server.close());

  test("not on a terminal (CI, a pipe): a plain line per tenth of the calls, errors counted; promptfoo's CI lines dropped", async () => {
    // CI=true: promptfoo prints its own "[Evaluation] ..." progress there, which ours replaces.
    const run = await project.run(['eval', 'other', '--repeat', '5'], 300_000, { CI: 'true' });
    expectExit(run, 1);
    const lines = progressLines(run.stderr);
    // 2 rows x 5 repeats = 10 calls: one line each tenth, the boom row's 5 calls are errors.
    expect(lines.map(([done, total]) => [done, total])).toEqual(
      Array.from({ length: 10 }, (_, i) => [i + 1, 10]),
    );
    expect(lines.at(-1)?.[2]).toBe(5);
    expect(lines.every(([, , errors], i) => i === 0 || errors >= (lines[i - 1]?.[2] ?? 0))).toBe(true);
    expect(run.stderr).toMatch(/^promptfile: 10\/10 calls done, 5 errors, \d+:\d\d elapsed$/m);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\[Evaluation\]/);
  }, 300_000);

  test('on a terminal: one line redrawn in place, gone before the summary', async () => {
    const run = await inTerminal(project, 'eval other --repeat 5');
    expect(run.status).toBe(1);
    const lines = progressLines(run.stdout);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.at(-1)).toEqual([10, 10, 5]);
    // Every progress line is cleared (carriage return, erase line) before anything else is written: none is left
    // standing with a line break after it, and the last is gone before the summary.
    expect(run.stdout).not.toMatch(/calls done[^\r\n]*\r?\n/);
    expect(run.stdout).toMatch(/10\/10 calls done, 5 errors, \d+:\d\d elapsed\r\u001b\[2K/);
    expect(run.stdout.slice(run.stdout.lastIndexOf('calls done'))).toContain('Rows');
  }, 300_000);

  test("a failed row shows each failing evaluator's reason and the start of the reply", async () => {
    const run = await project.run(['eval', 'evals', 'other']);
    expectExit(run, 1);
    expect(run.stdout).toContain(
      [
        '    ✗ contains-hello: output does not contain "hello" (ignoring case)',
        '    ✗ exact-match: output does not equal "hello world"',
        '    reply: "test output"',
      ].join('\n'),
    );
    // gh shows the first 100 characters of a failed row's reply; so do we, on one line.
    expect(run.stdout).toContain(`    reply: "${'long reply '.repeat(9)}…"`);
    expect(run.stdout).toContain('    ✗ short: output does not end with "." (ignoring case)');
  }, 300_000);
});
