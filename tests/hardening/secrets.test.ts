/**
 * API keys never land in an artefact. With OPENAI_API_KEY set, one variant keyed in its provider config and a
 * grader keyed in the test generator's config, the whole pipeline runs (eval with --record and debug logging, a
 * replay, compare, baseline, gate with --summary/--junit/--annotations, report, promptfoo's own JUnit and CSV), and
 * every file left behind is grepped as bytes, promptfoo.db and its logs included, and every line printed. The only
 * file that may hold a key is the user's own promptfooconfig.yaml. The model server sees each key only in the
 * Authorization header, each variant its own. A server that echoes the key back has it cut out.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { live } from '../support/eval';
import { type CliRun } from '../support/cli';
import {
  filesContaining,
  filesUnder,
  promptfile,
  readResults,
  workspace,
  type Workspace,
} from '../support/workspace';
import { startModelServer, type ModelServer, type LoggedRequest } from '../support/server';

const secret = (label: string) => `sk-hardening-${label}${randomBytes(12).toString('hex')}`;
const ENV_KEY = secret('');
const CONFIG_KEY = secret('cfg-');
const GRADER_KEY = secret('grader-');
const KEYS = { ENV_KEY, CONFIG_KEY, GRADER_KEY };

const authorization = (r: LoggedRequest) => String(r.headers['authorization'] ?? '');

let server: ModelServer;
let ws: Workspace;
const runs: Record<string, CliRun> = {};

beforeAll(async () => {
  server = await startModelServer((r) => {
    if (r.model === 'grader-model') return { text: 'yes' };
    // A careless proxy: it echoes the caller's Authorization header, in an answer and in a 401 page.
    if (r.model === 'echo-model' && r.text.includes('row one'))
      return { text: `you sent ${authorization(r)}` };
    if (r.model === 'echo-model' && r.text.includes('row two')) {
      return { status: 401, text: `Incorrect API key provided: ${authorization(r)}` };
    }
    return { text: `an answer to: ${r.text}` };
  });
  ws = workspace({
    files: {
      'prompts/keys.prompt.yml': stringify({
        name: 'keys',
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Answer {{q}}' }],
        testData: [{ q: 'row zero' }, { q: 'row one' }, { q: 'row two' }],
        evaluators: [
          { name: 'Answers', type: 'regex', pattern: '\\S' },
          {
            name: 'Judged',
            llm: {
              prompt: 'Is this an answer? {{completion}}',
              choices: [
                { choice: 'yes', score: 1 },
                { choice: 'no', score: 0 },
              ],
            },
          },
        ],
      }),
    },
    providers: [
      live({ apiBaseUrl: server.baseUrl }, 'env-keyed'),
      live({ apiBaseUrl: server.baseUrl, model: 'gpt-4o-mini', apiKey: CONFIG_KEY }, 'config-keyed'),
      live({ apiBaseUrl: server.baseUrl, model: 'echo-model' }, 'echoed'),
    ],
    suite: {
      files: 'prompts/**/*.prompt.yml',
      grader: { id: 'openai:chat:grader-model', config: { apiBaseUrl: server.baseUrl, apiKey: GRADER_KEY } },
    },
    env: { OPENAI_API_KEY: ENV_KEY },
  });
  const steps: [string, string[], Record<string, string>?][] = [
    [
      'eval',
      ['eval', '--record', 'cassettes', '--', '-o', 'out/promptfoo.junit.xml', '-o', 'out/promptfoo.csv'],
      { LOG_LEVEL: 'debug' },
    ],
    ['replay', ['eval', '--replay', 'cassettes', '-o', 'replayed']],
    ['compare', ['compare', 'results/latest.json']],
    ['compare-md', ['compare', 'results/latest.json', '--markdown', '-o', 'out/compare.md']],
    ['compare-json', ['compare', 'results/latest.json', '--json', '-o', 'out/compare.json']],
    ['baseline', ['baseline', 'results/latest.json', '-o', 'baselines/main.json']],
    [
      'gate',
      [
        'gate',
        'results/latest.json',
        '--baseline',
        'baselines/main.json',
        '--summary',
        'out/summary.md',
        '--junit',
        'out/junit.xml',
        '--annotations',
      ],
    ],
    ['report', ['report', 'results/latest.json', '-o', 'out/report.html']],
  ];
  for (const [name, args, env] of steps) runs[name] = await promptfile(ws, args, env);
});

afterAll(() => server.close());

describe('the pipeline ran', () => {
  test('every step did its job (the echoing variant errors on one row, so eval and gate exit 1)', () => {
    expect(Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, r.code]))).toEqual({
      eval: 1,
      replay: 1,
      compare: 0,
      'compare-md': 0,
      'compare-json': 0,
      baseline: 0,
      gate: 1,
      report: 0,
    });
    const artefacts = filesUnder(ws.dir).map((f) => path.relative(ws.dir, f));
    for (const expected of [
      'results/latest.json',
      'results/latest.html',
      'replayed/latest.json',
      'out/promptfoo.junit.xml',
      'out/promptfoo.csv',
      'out/compare.md',
      'out/compare.json',
      'out/summary.md',
      'out/junit.xml',
      'out/report.html',
      'baselines/main.json',
      '.promptfile-run.yaml',
      '.promptfoo-home/promptfoo.db',
    ]) {
      expect(artefacts).toContain(expected);
    }
    expect(artefacts.filter((f) => f.startsWith('cassettes/'))).toHaveLength(8); // 3 rows x 3 variants, less the 401
    expect(artefacts.filter((f) => f.startsWith('.promptfoo-home/logs/')).length).toBeGreaterThan(0);
  });

  test('the judge graded with its own key, so the grader path was exercised', () => {
    const results = readResults(path.join(ws.dir, 'results/latest.json')).results.results;
    expect(results.filter((r) => r.success)).toHaveLength(8);
    expect(server.requests.filter((r) => r.model === 'grader-model').length).toBeGreaterThan(0);
  });
});

describe('no key in any artefact or log', () => {
  test.each(Object.entries(KEYS))('%s appears only in the user-written promptfooconfig.yaml', (name, key) => {
    const allowed = name === 'ENV_KEY' ? [] : ['promptfooconfig.yaml'];
    expect(filesContaining(ws.dir, key)).toEqual(allowed);
  });

  test.each(Object.entries(KEYS))('%s is never printed by any command', (_, key) => {
    for (const [name, r] of Object.entries(runs)) {
      // The one exception, promptfoo's own: with LOG_LEVEL=debug it prints raw response bodies, so the echoing
      // server's answer is printed as received (see docs/hardening.md). Nothing else may print a key.
      const text = (r.stdout + r.stderr).replace(
        /"response": ".*(you sent|Incorrect API key provided:) Bearer sk-hardening-\w+.*/g,
        '',
      );
      const at = text.indexOf(key);
      expect(`${name}: ${at === -1 ? 'clean' : text.slice(Math.max(0, at - 300), at + 100)}`).toBe(
        `${name}: clean`,
      );
    }
  });

  test('not even a recognisable part of a key is kept (first 20 characters)', () => {
    for (const key of Object.values(KEYS))
      expect(filesContaining(ws.dir, key.slice(0, 20) + key.slice(20, 24))).toEqual(
        key === ENV_KEY ? [] : ['promptfooconfig.yaml'],
      );
  });

  test('a key echoed back by the server is cut out of the answer and the error', () => {
    const results = readResults(path.join(ws.dir, 'results/latest.json')).results.results;
    const echoed = results.filter((r) => (r.provider.label ?? '') === 'echoed');
    expect(echoed.map((r) => String(r.response?.output ?? r.error ?? ''))).toEqual(
      expect.arrayContaining([
        'you sent Bearer [redacted API key]',
        expect.stringContaining('Incorrect API key provided: Bearer [redacted API key]'),
      ]),
    );
  });
});

describe('the model server saw each key only where it belongs', () => {
  test('only in the Authorization header: never in a URL, a body or another header', () => {
    expect(server.requests.length).toBeGreaterThan(0);
    for (const r of server.requests) {
      const elsewhere = [
        r.path,
        r.raw,
        ...r.rawHeaders.filter((_, i, all) => !/^authorization$/i.test(all[i - (i % 2)] ?? '')),
      ].join('\n');
      for (const key of Object.values(KEYS)) expect(elsewhere).not.toContain(key);
    }
  });

  test('each variant and the grader sent its own key', () => {
    const keysBy = (model: string) => [
      ...new Set(server.requests.filter((r) => r.model === model).map(authorization)),
    ];
    expect(keysBy('gpt-4o')).toEqual([`Bearer ${ENV_KEY}`]);
    expect(keysBy('gpt-4o-mini')).toEqual([`Bearer ${CONFIG_KEY}`]);
    expect(keysBy('echo-model')).toEqual([`Bearer ${ENV_KEY}`]);
    expect(keysBy('grader-model')).toEqual([`Bearer ${GRADER_KEY}`]);
  });
});
