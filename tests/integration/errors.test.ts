/**
 * Errors are labelled, never silent: a failing model call ends its row as an error (failureReason 2) that
 * names the variant, without taking other rows down; a missing API key makes every row of that variant an
 * error saying which key is not set, rather than a pass, a skip or a call without credentials. Variants are
 * named by their label, or by their model and settings when the config gives no label.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { live, runEval, variantOf, verdict, type EvalRun, type RowResult } from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures/beta.prompt.yml'), 'utf8');
const BROKEN_ROW = 'beta row one';

function rowValue(r: RowResult): string {
  return /beta row \w+/.exec(JSON.stringify(r.vars))?.[0] ?? '?';
}

describe('errors are labelled, never silent', () => {
  let server: ModelServer;
  let run: EvalRun;

  beforeAll(async () => {
    server = await startModelServer((r) =>
      r.user.includes(BROKEN_ROW)
        ? { status: 500, text: 'scripted outage' }
        : `summary of ${r.user.length} chars`,
    );
    run = await runEval({
      files: { 'prompts/beta.prompt.yml': FIXTURE },
      providers: [
        live({ apiBaseUrl: server.baseUrl, apiKey: 'sk-config' }, 'keyed'),
        live({ apiBaseUrl: server.baseUrl, model: 'gpt-4o-mini' }),
        {
          ...live({ apiBaseUrl: server.baseUrl, model: 'env-keyed' }),
          env: { OPENAI_API_KEY: 'sk-promptfoo-env' },
        },
        live({ apiBaseUrl: server.baseUrl, model: 'envar-keyed', apiKeyEnvar: 'TEAM_OPENAI_KEY' }),
      ],
      env: { OPENAI_API_KEY: undefined, TEAM_OPENAI_KEY: 'sk-team' },
    });
  });

  afterAll(() => server.close());

  test('a 500 from the model ends that row as an error naming the variant; the other rows pass', () => {
    const keyed = Object.fromEntries(
      (run.results?.results ?? []).filter((r) => variantOf(r) === 'keyed').map((r) => [rowValue(r), r]),
    );
    expect(Object.keys(keyed).sort()).toEqual(['beta row one', 'beta row two', 'beta row zero']);
    expect(verdict(keyed['beta row zero']!)).toBe('PASS');
    expect(verdict(keyed['beta row two']!)).toBe('PASS');
    const broken = keyed[BROKEN_ROW]!;
    expect(broken.success).toBe(false);
    expect(broken.failureReason).toBe(2);
    expect(broken.error).toMatch(/^keyed: /);
    expect(broken.error).toMatch(/500/);
  });

  test('a missing API key makes every row of that variant an error saying the key is not set', () => {
    const keyless = (run.results?.results ?? []).filter((r) => variantOf(r) === 'gpt-4o-mini');
    expect(keyless).toHaveLength(3);
    for (const r of keyless) {
      expect({ success: r.success, failureReason: r.failureReason, error: r.error }).toEqual({
        success: false,
        failureReason: 2,
        error: 'gpt-4o-mini: OPENAI_API_KEY is not set, so openai:chat:gpt-4o-mini cannot be called',
      });
    }
  });

  test.each([
    ['env-keyed', "promptfoo's env:", 'sk-promptfoo-env'],
    ['envar-keyed', 'the variable apiKeyEnvar names', 'sk-team'],
  ])('%s: a key from %s counts as set, and is the one sent', (variant, _where, key) => {
    const rows = (run.results?.results ?? []).filter((r) => variantOf(r) === variant);
    expect(rows.map((r) => verdict(r)).sort()).toEqual([
      `ERROR: ${variant}: API error: 500 Internal Server Error\n{"error":{"message":"scripted outage","type":"server_error","code":"server_error"}}`,
      'PASS',
      'PASS',
    ]);
    expect(server.requests.filter((r) => r.model === variant).map((r) => r.headers['authorization'])).toEqual(
      Array(3).fill(`Bearer ${key}`),
    );
  });

  test('the keyless variant never called the model; the others called once per row, each with its own key', () => {
    // One request per row: promptfoo 0.121.20 does not retry a 500 here.
    expect(server.requests.filter((r) => r.model === 'gpt-4o-mini')).toHaveLength(0);
    expect(
      server.requests.filter((r) => r.model === 'gpt-4o').map((r) => r.headers['authorization']),
    ).toEqual(Array(3).fill('Bearer sk-config'));
    expect(server.requests.filter((r) => r.user.includes(BROKEN_ROW))).toHaveLength(3);
  });

  test('the run reports the errors and exits 100', () => {
    expect(run.results?.stats).toMatchObject({ successes: 6, errors: 6 });
    expect(run.results?.prompts.map((p) => [p.provider, p.metrics?.testErrorCount])).toEqual([
      ['keyed', 1],
      ['gpt-4o-mini', 3],
      ['env-keyed', 1],
      ['envar-keyed', 1],
    ]);
    expect(run.code).toBe(100);
  });
});
