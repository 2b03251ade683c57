/**
 * Totals add up through the real `promptfile eval`: rows x variants x repeats results, each a pass, a fail or an
 * error, none lost and none counted twice; and the gate fails closed on a run with errors, on an empty run and on a
 * results file that is not whole.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { live } from '../support/eval';
import { type CliRun } from '../support/cli';
import { promptfile, readResults, variantOf, workspace, type Workspace } from '../support/workspace';
import { startModelServer, type ModelServer, type Reply } from '../support/server';

const ROWS: Record<string, Reply> = {
  pass: { text: 'ROW OK' },
  fail: { text: 'not what was asked' },
  server_error: { status: 500 },
  hang: { fault: 'hang' },
  empty_choices: { fault: 'empty-choices' },
};
const VARIANTS = ['alpha', 'beta'];
const REPEATS = 3;
const rowOf = (text: string) => /ROW=(\w+);/.exec(text)?.[1] ?? '';

let server: ModelServer;
let ws: Workspace;
let evalRun: CliRun;
let results: ReturnType<typeof readResults>['results'];

beforeAll(async () => {
  server = await startModelServer((r) => ROWS[rowOf(r.text)] ?? { status: 404 });
  ws = workspace({
    files: {
      'prompts/totals.prompt.yml': stringify({
        name: 'totals',
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'ROW={{row}};' }],
        testData: Object.keys(ROWS).map((row) => ({ row })),
        evaluators: [{ name: 'Says OK', type: 'regex', pattern: 'OK' }],
      }),
    },
    providers: VARIANTS.map((v) => live({ apiBaseUrl: server.baseUrl, model: `${v}-model` }, v)),
    env: { OPENAI_API_KEY: 'sk-totals', PROMPTFILE_TIMEOUT_MS: '2000' },
  });
  evalRun = await promptfile(ws, ['eval', '--repeat', String(REPEATS), '--', '--max-concurrency', '30']);
  results = readResults(path.join(ws.dir, 'results/latest.json')).results;
});

afterAll(() => server.close());

describe('rows x variants x repeats results, each a pass, a fail or an error', () => {
  const total = Object.keys(ROWS).length * VARIANTS.length * REPEATS;

  test(`${Object.keys(ROWS).length} rows x ${VARIANTS.length} variants x ${REPEATS} repeats = ${total} results`, () => {
    expect(results.results).toHaveLength(total);
    expect(results.stats.successes + results.stats.failures + results.stats.errors).toBe(total);
    expect(results.stats).toMatchObject({ successes: 6, failures: 6, errors: 18 });
  });

  test('every (variant, row) has exactly one result per repeat, with the outcome its row calls for', () => {
    const outcomes: Record<string, string[]> = {};
    for (const r of results.results) {
      const key = `${variantOf(r)} ${r.vars['row'] ?? ''}`;
      const outcome = r.success
        ? 'pass'
        : r.failureReason === 2
          ? 'error'
          : r.failureReason === 1
            ? 'fail'
            : '?';
      (outcomes[key] ??= []).push(outcome);
    }
    const expected: Record<string, string[]> = {};
    for (const v of VARIANTS) {
      for (const row of Object.keys(ROWS)) {
        const outcome = row === 'pass' ? 'pass' : row === 'fail' ? 'fail' : 'error';
        expected[`${v} ${row}`] = Array(REPEATS).fill(outcome);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  test('each error names its variant', () => {
    for (const r of results.results.filter((x) => x.failureReason === 2)) {
      expect(r.error).toMatch(new RegExp(`^${variantOf(r)}: `));
    }
  });

  test("each variant's column counts 3 passes, 3 fails and 9 errors", () => {
    expect(
      results.prompts.map((p) => [
        p.provider,
        p.metrics?.testPassCount,
        p.metrics?.testFailCount,
        p.metrics?.testErrorCount,
      ]),
    ).toEqual(VARIANTS.map((v) => [v, 3, 3, 9]));
  });

  test('one request per call, all sent: nothing permanent retried, nothing queued behind hung calls', () => {
    const counts: Record<string, number> = {};
    for (const r of server.requests)
      counts[`${r.model} ${rowOf(r.text)}`] = (counts[`${r.model} ${rowOf(r.text)}`] ?? 0) + 1;
    expect(counts).toEqual(
      Object.fromEntries(
        VARIANTS.flatMap((v) => Object.keys(ROWS).map((row) => [`${v}-model ${row}`, REPEATS])),
      ),
    );
  });

  test('promptfile eval reports the errors and exits 1', () => {
    expect(evalRun.code).toBe(1);
    expect(evalRun.stderr).toContain('promptfile eval: 18 rows ended in an error');
  });
});

describe('the gate fails closed', () => {
  const json = () => path.join(ws.dir, 'results/latest.json');

  test('on a run with errors: exit 1, naming each variant and its error count', async () => {
    const gate = await promptfile(ws, ['gate', json(), '--no-baseline']);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/alpha errored on 9 of 15 calls/);
    expect(gate.stdout).toMatch(/beta errored on 9 of 15 calls/);
  });

  test('against a baseline taken from the same run: still exit 1', async () => {
    expect((await promptfile(ws, ['baseline', json(), '-o', 'baselines/main.json'])).code).toBe(0);
    const gate = await promptfile(ws, ['gate', json(), '--baseline', 'baselines/main.json']);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/errored on 9 of 15 calls/);
  });

  test('the errors are the only reason: tolerating them lets the same run pass', async () => {
    // Without a baseline every variant is new and must meet a floor: 0 here, so errors are all that is judged.
    const gate = ['gate', json(), '--no-baseline', '--floor', '0', '--max-error-rate', '1'];
    expect((await promptfile(ws, gate)).code).toBe(0);
    // With no floor at all, a gate without a baseline holds the run to nothing, and fails.
    const unfloored = await promptfile(ws, ['gate', json(), '--no-baseline', '--max-error-rate', '1']);
    expect(unfloored.code).toBe(1);
    expect(unfloored.stdout).toContain('is accepted as new, but no floor applies to');
  });

  test('on a run where every call errored, even with errors tolerated: nothing was measured', async () => {
    const document = JSON.parse(fs.readFileSync(json(), 'utf8'));
    document.results.results = document.results.results.filter(
      (r: { failureReason: number }) => r.failureReason === 2,
    );
    fs.writeFileSync(path.join(ws.dir, 'errors-only.json'), JSON.stringify(document));
    const gate = await promptfile(ws, ['gate', 'errors-only.json', '--no-baseline', '--max-error-rate', '1']);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('no graded trials (all 18 errored)');
  });

  test('on a results file cut in half (a run killed while writing): exit 2, one line, no stack trace', async () => {
    const text = fs.readFileSync(json(), 'utf8');
    fs.writeFileSync(path.join(ws.dir, 'half.json'), text.slice(0, text.length / 2));
    const gate = await promptfile(ws, ['gate', 'half.json', '--no-baseline']);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toMatch(/^half\.json: error: not valid JSON at byte \d+: the file ends inside /);
    expect(gate.stderr).not.toMatch(/\n\s+at /);
  });

  test('on a results file that is missing: exit 2', async () => {
    const gate = await promptfile(ws, ['gate', 'nowhere.json', '--no-baseline']);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toContain('results file not found');
  });
});
