/**
 * Hostile input, through the real CLI. Row values are data: template payloads, environment canaries, control
 * characters, `file://` and `package:` references and 1 MB strings reach the model byte for byte and nothing runs
 * or leaks. Catastrophic regexes finish quickly. Hostile prompt files (alias bombs, deep nesting, huge files, bad
 * UTF-8, pipes, code-running model ids, names that could forge terminal or CI output) are refused by `promptfile
 * check` with exit 2 and a `file:line:col` line each, and `promptfile eval` runs none of them.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { scoreRegex } from '../../src/evaluators/regex';
import { live } from '../support/eval';
import { KILLED, type CliRun } from '../support/cli';
import { filesContaining, promptfile, readResults, workspace, type Workspace } from '../support/workspace';
import { startModelServer, type ModelServer } from '../support/server';

const CANARY = `canary-${randomBytes(8).toString('hex')}`;
const KEY = `sk-abuse-${randomBytes(8).toString('hex')}`;
const LOCAL = `LOCAL-FILE-${randomBytes(6).toString('hex')}`;
const ONE_MB = 1024 * 1024;

const VALUES: Record<string, string> = {
  env_canary: '{{ env.PROMPTFILE_CANARY }}',
  env_key: '{{ env.OPENAI_API_KEY }}',
  for_loop: '{% for x in [1, 2, 3] %}{{ x }}{% endfor %}',
  arithmetic: '{{ 7*7 }}',
  endraw: '{% endraw %} after',
  raw_block: '{% raw %}{{ 7*7 }}{% endraw %}',
  open_comment: '{# never closed',
  nul: 'a\u0000b',
  ansi: '\u001b[31mred\u001b[0m \u001b]0;retitled\u0007',
  carriage_returns: 'one\rtwo\r\nthree',
  bidi: 'abc\u202edef',
  file_local: 'file://local.txt',
  file_js: 'file://evil.js',
  package_ref: 'package:./evil.js:run',
  one_mb: `${'x'.repeat(ONE_MB)} {{ env.PROMPTFILE_CANARY }}`,
};

const USER = '<row>{{row_id}}</row><value>{{value}}</value> and file://local.txt';
const expectedUser = (id: string) => `<row>${id}</row><value>${VALUES[id]}</value> and file://local.txt`;

/** Patterns that take exponential time in a backtracking engine (promptfoo's own `regex` uses `new RegExp`). */
const REDOS = ['(a+)+$', '^(a|aa)+$', '(a*)*b', '^(\\w+\\s?)*$'];
const REDOS_REPLY = `${'a'.repeat(ONE_MB)}!`;

const TEMPLATE_PATH = 'prompts/{{ env.PROMPTFILE_CANARY }}.prompt.yml';

let server: ModelServer;
let ws: Workspace;
let run: CliRun;
let marker: string;

beforeAll(async () => {
  server = await startModelServer((r) =>
    r.text.startsWith('REDOS') ? { text: REDOS_REPLY } : { text: r.text },
  );
  ws = workspace({
    files: {
      'prompts/values.prompt.yml': stringify({
        name: 'values',
        model: 'gpt-4o',
        messages: [{ role: 'user', content: USER }],
        testData: Object.entries(VALUES).map(([row_id, value]) => ({ row_id, value })),
        evaluators: [{ name: 'Echoes the value', string: { contains: '<value>{{value}}</value>' } }],
      }),
      [TEMPLATE_PATH]: stringify({
        name: '{{ env.PROMPTFILE_CANARY }} {% for x in y %}',
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'templated path {{v}}' }],
        testData: [{ v: '{{ env.PROMPTFILE_CANARY }}' }],
        evaluators: [{ name: 'Answers', type: 'regex', pattern: 'templated path' }],
      }),
      'prompts/redos.prompt.yml': stringify({
        name: 'redos',
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'REDOS {{v}}' }],
        testData: [{ v: 'row' }],
        evaluators: REDOS.map((pattern, i) => ({ name: `backtracker ${i + 1}`, type: 'regex', pattern })),
      }),
      'local.txt': LOCAL,
    },
    providers: [live({ apiBaseUrl: server.baseUrl }, 'live')],
    env: { OPENAI_API_KEY: KEY, PROMPTFILE_CANARY: CANARY },
  });
  marker = path.join(ws.dir, 'EVIL_RAN');
  fs.writeFileSync(
    path.join(ws.dir, 'evil.js'),
    `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { run: () => 'EVIL-RETURN' };\n`,
  );
  // The redos rows fail their evaluators by design; only an error may fail this run.
  run = await promptfile(ws, ['eval', '--fail-on', 'errors']);
});

afterAll(async () => {
  process.stderr.write(
    `[hardening] abuse: promptfile eval with 17 hostile rows (one 1 MB, one graded against 1 MB) took ${run.durationMs} ms\n`,
  );
  await server.close();
});

describe('row values reach the model as data through promptfile eval', () => {
  const rows = () => readResults(path.join(ws.dir, 'results/latest.json')).results.results;
  const requestFor = (id: string) => server.requests.find((r) => r.text.startsWith(`<row>${id}</row>`));

  test('the run completes with every value row passing and no errors', () => {
    expect(run.code).toBe(0);
    const values = rows().filter(
      (r) => String(r.vars['__promptfile'] ?? '').replace(/#\d+$/, '') === 'prompts/values.prompt.yml',
    );
    expect(values.map((r) => [r.vars['row_id'] ?? '', r.success])).toEqual(
      Object.keys(VALUES).map((id) => [id, true]),
    );
  });

  test.each(Object.keys(VALUES))('%s reaches the model byte for byte', (id) => {
    expect(requestFor(id)?.text).toBe(expectedUser(id));
  });

  test('the stored outputs are the model answers, unaltered (control characters, 1 MB and all)', () => {
    const outputs = rows()
      .filter(
        (r) => String(r.vars['__promptfile'] ?? '').replace(/#\d+$/, '') === 'prompts/values.prompt.yml',
      )
      .map((r) => r.response?.output);
    expect(outputs.sort()).toEqual(Object.keys(VALUES).map(expectedUser).sort());
  });

  test('a prompt file whose path and name are template syntax is plain data too', () => {
    const row = rows().find(
      (r) => String(r.vars['__promptfile'] ?? '').replace(/#\d+$/, '') === TEMPLATE_PATH,
    );
    expect(row?.success).toBe(true);
    expect(server.requests.find((r) => r.text.startsWith('templated path'))?.text).toBe(
      'templated path {{ env.PROMPTFILE_CANARY }}',
    );
  });

  test('nothing was executed or read: evil.js never ran, local.txt never reached the model', () => {
    expect(server.requests.length).toBeGreaterThan(0);
    expect(fs.existsSync(marker)).toBe(false);
    const sent = server.requests.map((r) => r.raw).join('\n');
    expect(sent).not.toContain(LOCAL);
    expect(sent).not.toContain('EVIL-RETURN');
  });

  test('the environment canary and the API key appear in no artefact, log or request', () => {
    // Every file of the run: results JSON and HTML, the generated run config, promptfoo.db and logs.
    expect(filesContaining(ws.dir, CANARY)).toEqual([]);
    expect(filesContaining(ws.dir, KEY)).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(CANARY);
    expect(run.stdout + run.stderr).not.toContain(KEY);
    expect(server.requests.map((r) => r.raw + r.path).join('\n')).not.toContain(CANARY);
  });

  test('no control character from the data reaches the console', () => {
    expect(run.stdout + run.stderr).not.toMatch(/[\u0000\u0007\u001b\r\u202e]/);
  });
});

describe('evaluator patterns that backtrack catastrophically finish quickly', () => {
  test('through the CLI: the 1 MB answer is graded (each pattern fails, none hangs)', () => {
    const row = readResults(path.join(ws.dir, 'results/latest.json')).results.results.find(
      (r) => String(r.vars['__promptfile'] ?? '').replace(/#\d+$/, '') === 'prompts/redos.prompt.yml',
    );
    expect(row?.failureReason).toBe(1);
    // Backtracking over 1 MB would run for hours; the run ended by itself (it was not killed at the 120 s limit).
    expect(run.stderr).not.toContain(KILLED);
    expect(run.code).not.toBeNull();
  });

  test.each(REDOS)('/%s/ over 1 MB + 1 in well under a second (RE2, linear time)', (pattern) => {
    const started = process.hrtime.bigint();
    const verdict = scoreRegex(pattern, REDOS_REPLY);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stderr.write(
      `[hardening] regex /${pattern}/ over ${REDOS_REPLY.length} chars: ${ms.toFixed(0)} ms\n`,
    );
    expect(verdict.pass).toBe(false); // the answer ends in '!', so none of them matches
    // ~100 ms measured; backtracking would take hours. 5 s is far from both, even on a loaded machine.
    expect(ms).toBeLessThan(5000);
  });
});

/** Hostile prompt files, each with the error `check` must give; `at: false` for whole-file problems (no position). */
const BILLION_LAUGHS = [
  'name: laughs',
  'messages: [{ role: user, content: hi }]',
  'metadata:',
  '  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...'bcdefghi'.split('').map((c, i) => `  ${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
].join('\n');

const minimal = (extra: Record<string, unknown>) =>
  stringify({ name: 'x', model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...extra });

const HOSTILE: Record<string, { content?: string | Buffer; expect: RegExp; at?: false }> = {
  'alias-bomb': {
    content: BILLION_LAUGHS,
    expect: /takes the file past 100 alias expansions; refusing a possible alias bomb/,
  },
  'deep-nesting': {
    content: `name: x\nmessages: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    expect: /nest more than 32 levels deep/,
  },
  huge: {
    content: `name: x\n#${' '.repeat(6 * ONE_MB)}\n`,
    expect: /over the 5242880-byte limit/,
    at: false,
  },
  'not-utf8': {
    content: Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\n')]),
    expect: /not valid UTF-8/,
  },
  'model-exec': {
    content: minimal({ model: 'exec:touch EXEC_RAN' }),
    expect: /model 'exec:touch EXEC_RAN' is promptfoo's 'exec' provider, not a model API/,
  },
  'model-file-js': {
    content: minimal({ model: 'file://evil.js' }),
    expect: /is promptfoo's 'file' provider, not a model API/,
  },
  'model-package': {
    content: minimal({ model: 'package:evil:Provider' }),
    expect: /is promptfoo's 'package' provider/,
  },
  'model-http': {
    content: minimal({ model: 'https://attacker.invalid/v1' }),
    expect: /is promptfoo's 'https' provider/,
  },
  'model-agent': {
    content: minimal({ model: 'openai:codex-sdk' }),
    expect: /is promptfoo's 'openai' provider, not a model API/,
  },
  'judge-python': {
    content: minimal({
      evaluators: [
        {
          name: 'j',
          llm: { modelId: 'python:evil.py', prompt: 'p', choices: [{ choice: 'yes', score: 1 }] },
        },
      ],
    }),
    expect: /modelId 'python:evil.py' is promptfoo's 'python' provider/,
  },
  'evaluator-name-template': {
    content: minimal({ evaluators: [{ name: '{{ env.OPENAI_API_KEY }}', type: 'regex', pattern: 'x' }] }),
    expect: /contains template syntax/,
  },
  'name-escape-sequence': {
    content: minimal({ name: 'x\u001b]0;pwned\u0007\u001b[2J' }),
    expect: /name contains the control character U\+001B/,
  },
  'evaluator-name-forges-annotation': {
    content: minimal({ evaluators: [{ name: 'fine\n::error::Gate passed', type: 'regex', pattern: 'x' }] }),
    expect: /evaluators\[0\]\.name contains the control character U\+000A/,
  },
  'regex-backreference': {
    content: minimal({ evaluators: [{ name: 'r', type: 'regex', pattern: '(a)\\1' }] }),
    expect: /invalid regex.*backreferences/,
  },
  fifo: { expect: /is not a regular file/, at: false },
  'dev-zero': { expect: /is not a regular file/, at: false },
};

describe('hostile prompt files: promptfile check exits 2 with a clear line each, quickly', () => {
  let check: CliRun;
  let dir: string;

  beforeAll(async () => {
    dir = path.join(ws.dir, 'hostile');
    fs.mkdirSync(dir);
    for (const [name, h] of Object.entries(HOSTILE)) {
      if (h.content !== undefined) fs.writeFileSync(path.join(dir, `${name}.prompt.yml`), h.content);
    }
    execFileSync('mkfifo', [path.join(dir, 'fifo.prompt.yml')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'dev-zero.prompt.yml'));
    check = await promptfile(
      ws,
      ['check', ...Object.keys(HOSTILE).map((n) => `hostile/${n}.prompt.yml`)],
      {},
      60_000,
    );
  });

  test('exit 2, every file invalid, no stack trace, and no hang', () => {
    process.stderr.write(
      `[hardening] check of ${Object.keys(HOSTILE).length} hostile prompt files: ${check.durationMs} ms\n`,
    );
    expect(check.code).toBe(2);
    expect(check.stdout).toContain(`0 of ${Object.keys(HOSTILE).length} prompt files valid`);
    expect(check.stderr).not.toMatch(/internal error|\n\s+at /);
    // Seconds expected; an alias bomb or a deep document would not finish at all before the 60 s limit kills it.
    expect(check.stderr).not.toContain(KILLED);
  });

  test.each(Object.keys(HOSTILE))('%s', (name) => {
    const h = HOSTILE[name]!;
    const where = h.at === false ? '' : ':\\d+:\\d+';
    const line = new RegExp(`^hostile/${name}\\.prompt\\.yml${where}: error: .*`, 'm');
    const lines = check.stderr.split('\n').filter((l) => line.test(l));
    expect(lines.some((l) => h.expect.test(l))).toBe(true);
  });

  test('and promptfile eval refuses them before anything runs: no marker, no request', async () => {
    const before = server.requests.length;
    fs.mkdirSync(path.join(ws.dir, 'exec-only/prompts'), { recursive: true });
    fs.copyFileSync(
      path.join(dir, 'model-exec.prompt.yml'),
      path.join(ws.dir, 'exec-only/prompts/exec.prompt.yml'),
    );
    fs.copyFileSync(
      path.join(dir, 'model-file-js.prompt.yml'),
      path.join(ws.dir, 'exec-only/prompts/js.prompt.yml'),
    );
    fs.copyFileSync(
      path.join(ws.dir, 'promptfooconfig.yaml'),
      path.join(ws.dir, 'exec-only/promptfooconfig.yaml'),
    );
    const evalRun = await promptfile({ ...ws, dir: path.join(ws.dir, 'exec-only') }, ['eval']);
    expect(evalRun.code).toBe(2);
    expect(evalRun.stderr).toMatch(
      /^prompts\/exec\.prompt\.yml:\d+:\d+: error: model 'exec:touch EXEC_RAN'/m,
    );
    expect(fs.existsSync(path.join(ws.dir, 'exec-only/EXEC_RAN'))).toBe(false);
    expect(fs.existsSync(marker)).toBe(false);
    expect(server.requests.length).toBe(before);
  });
});
