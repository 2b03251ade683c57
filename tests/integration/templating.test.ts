/**
 * Row values are data. promptfoo renders var values with Nunjucks (with `env` in scope), loads `file://`
 * values (executing `.js` ones), loads `package:` values and resolves `{{other}}` inside values; a prompt
 * file's testData comes from whoever edits the repository, so none of that may happen to it. Every value
 * must reach the model byte for byte, and nothing it names may be read, run or leaked.
 *
 * One row per hostile value, so a value that breaks rendering (`{#` throws in Nunjucks) cannot hide a leak
 * in another.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { live, runEval, tempDir, verdicts, type EvalRun } from '../support/eval';
import { startModelServer, type LoggedRequest, type ModelServer } from '../support/server';

const CANARY = `canary-${randomBytes(12).toString('hex')}`;
const LOCAL_CONTENT = `LOCAL-FILE-CONTENT-${randomBytes(6).toString('hex')}`;
const OTHER = 'OTHER-VALUE';

const HOSTILE: Record<string, string> = {
  env_canary: '{{ env.PROMPTFILE_CANARY }}',
  nunjucks_if: '{% if true %}x{% endif %}',
  comment_open: 'a {# never closed',
  endraw: '{% endraw %} after',
  other_ref: '{{other_var}}',
  local_file: 'file://local.txt',
  evil_js: 'file://evil.js',
  package_ref: 'package:fs:readFileSync',
  trailing_newline: 'ends with a newline\n',
  dollar_amp: 'cost: $& and $1 and $$',
  everything: `{{ env.PROMPTFILE_CANARY }} {% raw %}{{other_var}} $& {# file://evil.js\n`,
};

/** The prompt file's own text is as untrusted as its rows: template syntax in a message stays text too. */
const SYSTEM = 'Echo the user message. {{ env.PROMPTFILE_CANARY }} {% if true %}y{% endif %}';

const USER_TEMPLATE = '<row>{{row_id}}</row>\n<value>{{value}}</value>\n<other>{{other_var}}</other>';

/** The user message the model must receive for a row: placeholders replaced literally, nothing else. */
function expectedUser(rowId: string): string {
  return `<row>${rowId}</row>\n<value>${HOSTILE[rowId]}</value>\n<other>${OTHER}</other>`;
}

const PROMPT_FILE = stringify({
  name: 'injection_canary',
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: USER_TEMPLATE },
  ],
  testData: Object.entries(HOSTILE).map(([rowId, value]) => ({ row_id: rowId, value, other_var: OTHER })),
  evaluators: [{ name: 'Echoes the value', string: { contains: '<value>{{value}}</value>' } }],
});

function requestFor(server: ModelServer, rowId: string): LoggedRequest | undefined {
  return server.requests.find((r) => r.user.startsWith(`<row>${rowId}</row>`));
}

describe('row values reach the model as data, never as templates, files or modules', () => {
  let server: ModelServer;
  let run: EvalRun;
  let marker: string;

  beforeAll(async () => {
    server = await startModelServer((request) => request.user);
    const dir = tempDir();
    marker = path.join(dir, 'EVIL_RAN');
    run = await runEval({
      dir,
      files: {
        'prompts/canary.prompt.yml': PROMPT_FILE,
        'local.txt': LOCAL_CONTENT,
        'evil.js': `require('fs').writeFileSync(${JSON.stringify(marker)}, 'executed');\nmodule.exports = () => 'EVIL-RETURN';\n`,
      },
      providers: [live({ apiBaseUrl: server.baseUrl }, 'live')],
      env: { OPENAI_API_KEY: 'sk-test', PROMPTFILE_CANARY: CANARY },
    });
  });

  afterAll(() => server.close());

  test('every row runs, is sent once, and passes', () => {
    const rows = Object.keys(HOSTILE).length;
    expect(verdicts(run)).toEqual(Array(rows).fill('PASS'));
    expect(server.requests).toHaveLength(rows);
    expect(run.code).toBe(0);
  });

  test.each(Object.keys(HOSTILE))(
    '%s reaches the model byte for byte inside the rendered user message',
    (rowId) => {
      const request = requestFor(server, rowId);
      expect(request?.system).toBe(SYSTEM);
      expect(request?.user).toBe(expectedUser(rowId));
    },
  );

  test('the output promptfoo stores is the model answer, unaltered', () => {
    const outputs = (run.results?.results ?? []).map((r) => r.response?.output).sort();
    expect(outputs).toEqual(Object.keys(HOSTILE).map(expectedUser).sort());
  });

  test('the canary secret appears nowhere: not in requests, results or console output', () => {
    expect(server.requests.length).toBeGreaterThan(0);
    const log = server.requests.map((r) => JSON.stringify(r)).join('\n');
    expect(log).not.toContain(CANARY);
    expect(run.resultsText).not.toContain(CANARY);
    expect(run.stdout).not.toContain(CANARY);
    expect(run.stderr).not.toContain(CANARY);
  });

  test('file:// values are neither read nor executed, package: values not loaded', () => {
    expect(server.requests.length).toBeGreaterThan(0);
    expect(fs.existsSync(marker)).toBe(false);
    const log = server.requests.map((r) => r.raw).join('\n');
    expect(log).not.toContain(LOCAL_CONTENT);
    expect(log).not.toContain('EVIL-RETURN');
    expect(log).not.toContain('[Function');
  });
});
