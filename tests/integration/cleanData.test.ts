/**
 * What users see of a row is the row: no invisible marks, no escapes, nothing promptfoo interpreted. Through the
 * real CLI, with our provider and a plain promptfoo provider (`openai:chat:`) side by side on our prompt function:
 *
 * - every request either provider sends carries the prompt file's messages byte for byte;
 * - the results JSON's `vars`, the CSV and HTML exports and promptfoo's console table hold the values as written;
 * - promptfoo's own `contains: '{{expected}}'` works on rows as it does in a plain config;
 * - values with Nunjucks closers (`#}`), template syntax, `file://` or `package:` are data: no row errors, nothing
 *   is read, run or leaked, and an evaluator name with `#}` is the metric's name as written.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { live, repoFile, runEval, tempDir, verdicts, type EvalRun, type RowResult } from '../support/eval';
import { startModelServer, type LoggedRequest, type ModelServer } from '../support/server';

const CANARY = `canary-${randomBytes(12).toString('hex')}`;
const LOCAL_CONTENT = `LOCAL-FILE-CONTENT-${randomBytes(6).toString('hex')}`;
/** Characters that would hide in what users read: word joiner, zero-width space and no-break, BOM. */
const INVISIBLE = /[\u2060\u200b\u200c\u200d\ufeff]/;

const VALUES: Record<string, string> = {
  plain: 'world',
  empty: '',
  comment: 'x {# y #} z',
  closer: 'a #} b',
  jinja: '{% for x in items %}{{ x }}{% endfor %}',
  env: '{{ env.PROMPTFILE_CANARY }}',
  other: '{{row_id}} and {{ expected }}',
  local_file: 'file://local.txt',
  evil_js: 'file://evil.js',
  package_ref: 'package:fs:readFileSync',
  newline: 'ends with a newline\n',
  missing: 'world',
};

const SYSTEM = 'Repeat the value. {{ env.PROMPTFILE_CANARY }} {# not a comment #} and #} {% raw %}';
const USER = '<row>{{row_id}}</row>\n<value>{{value}}</value>\n<expected>{{expected}}</expected>';
/** The loader refuses `{{`, `{%` and `{#` in evaluator names; a closer is allowed and must survive. */
const EVALUATOR = 'Echoes the expected text #} as written';

function expected(rowId: string): string {
  return `expected ${rowId} {# ${VALUES[rowId]}`;
}

function user(rowId: string): string {
  return `<row>${rowId}</row>\n<value>${VALUES[rowId]}</value>\n<expected>${expected(rowId)}</expected>`;
}

const PROMPT_FILE = stringify({
  name: 'clean',
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: USER },
  ],
  testData: Object.entries(VALUES).map(([rowId, value]) => ({
    row_id: rowId,
    value,
    expected: expected(rowId),
  })),
  evaluators: [{ name: EVALUATOR, string: { contains: '{{expected}}' } }],
});

const rowIdOf = (request: LoggedRequest) => /^<row>(\w+)<\/row>/.exec(request.user)?.[1] ?? '';
const rowIdOfResult = (r: RowResult) => String(r.vars['row_id']);

describe('row data reaches users and models clean, with our provider and a plain promptfoo one', () => {
  let server: ModelServer;
  let run: EvalRun;
  let marker: string;
  let csv: string;
  let html: string;

  beforeAll(async () => {
    // The model repeats the user message; for the `missing` row it says something else, so the native check fails.
    server = await startModelServer((request) => (rowIdOf(request) === 'missing' ? 'no idea' : request.user));
    const dir = tempDir();
    marker = path.join(dir, 'EVIL_RAN');
    run = await runEval({
      dir,
      files: {
        'prompts/clean.prompt.yml': PROMPT_FILE,
        'local.txt': LOCAL_CONTENT,
        'evil.js': `require('fs').writeFileSync(${JSON.stringify(marker)}, 'executed');\nmodule.exports = () => ({ output: 'EVIL-RETURN' });\n`,
      },
      config: {
        description: 'clean data',
        prompts: [{ id: `${repoFile('prompts/promptfile.ts')}:render`, label: 'promptfile' }],
        providers: [
          live({ apiBaseUrl: server.baseUrl }, 'ours'),
          {
            id: 'openai:chat:gpt-4o-mini',
            label: 'plain openai',
            config: { apiBaseUrl: server.baseUrl, apiKey: 'sk-plain' },
          },
        ],
        tests: [
          {
            path: `${repoFile('prompts/promptfile.ts')}:tests`,
            config: {
              files: 'prompts/*.prompt.yml',
              scope: {
                'prompts/clean.prompt.yml': {
                  assert: [{ type: 'contains', value: '{{expected}}', metric: 'native contains' }],
                },
              },
            },
          },
        ],
      },
      args: ['-o', 'results.csv', '-o', 'results.html'],
      env: { OPENAI_API_KEY: 'sk-ours', PROMPTFILE_CANARY: CANARY },
    });
    const read = (name: string) =>
      fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : '';
    csv = read('results.csv');
    html = read('results.html');
  });

  afterAll(() => server.close());

  test('every row of both providers is graded, none errors; only the row whose answer lacks the text fails', () => {
    const rows = run.results?.results ?? [];
    expect(verdicts(run).filter((v) => v.startsWith('ERROR') || v.startsWith('NO RESULTS'))).toEqual([]);
    const failing = rows.filter((r) => !r.success).map((r) => `${r.provider.label}: ${rowIdOfResult(r)}`);
    expect(failing.sort()).toEqual(['ours: missing', 'plain openai: missing']);
    expect(rows).toHaveLength(2 * Object.keys(VALUES).length);
  });

  test.each(Object.keys(VALUES))('%s: both providers send the messages byte for byte', (rowId) => {
    const requests = server.requests.filter((r) => rowIdOf(r) === rowId);
    expect(requests.map((r) => r.headers['authorization']).sort()).toEqual([
      'Bearer sk-ours',
      'Bearer sk-plain',
    ]);
    for (const request of requests) {
      expect(request.messages).toEqual([
        { role: 'system', content: SYSTEM },
        { role: 'user', content: user(rowId) },
      ]);
    }
  });

  test("the results JSON's vars are the row's values as written (an empty value is '')", () => {
    const rows = run.results?.results ?? [];
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const rowId = rowIdOfResult(r);
      expect({ row_id: r.vars['row_id'], value: r.vars['value'], expected: r.vars['expected'] }).toEqual({
        row_id: rowId,
        value: VALUES[rowId],
        expected: expected(rowId),
      });
    }
    expect(rows.filter((r) => r.vars['value'] === '').length).toBe(2);
  });

  test('no invisible mark anywhere users look: results JSON, CSV, HTML, console, requests', () => {
    expect(run.resultsText.length).toBeGreaterThan(0);
    expect(csv).toContain('x {# y #} z');
    expect(html.length).toBeGreaterThan(0);
    expect(run.stdout).toContain('a #} b');
    for (const [where, text] of Object.entries({
      json: run.resultsText,
      csv,
      html,
      stdout: run.stdout,
      stderr: run.stderr,
      requests: server.requests.map((r) => r.raw).join('\n'),
    })) {
      expect(`${where}: ${INVISIBLE.exec(text)?.index ?? 'clean'}`).toBe(`${where}: clean`);
    }
  });

  test("promptfoo's own contains: '{{expected}}' works on rows as in a plain config", () => {
    const rows = run.results?.results ?? [];
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const native = r.gradingResult?.componentResults?.find(
        (c) => c.assertion?.metric === 'native contains',
      );
      const rowId = rowIdOfResult(r);
      if (rowId === 'missing') {
        expect(native).toMatchObject({
          pass: false,
          reason: `Expected output to contain "${expected('missing')}"`,
        });
      } else expect(native).toMatchObject({ pass: true });
    }
  });

  test('an evaluator name holding a Nunjucks closer is the metric name as written', () => {
    for (const column of run.results?.prompts ?? []) {
      expect(Object.keys(column.metrics?.namedScores ?? {}).sort()).toEqual([EVALUATOR, 'native contains']);
    }
  });

  test('nothing is read, run or leaked: no file content, no script, no secret', () => {
    expect(server.requests.length).toBeGreaterThan(0);
    expect(fs.existsSync(marker)).toBe(false);
    for (const text of [
      server.requests.map((r) => r.raw).join('\n'),
      run.resultsText,
      csv,
      html,
      run.stdout,
      run.stderr,
    ]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(LOCAL_CONTENT);
      expect(text).not.toContain('EVIL-RETURN');
    }
  });
});
