/**
 * What promptfoo 0.121.20's own OpenAI provider does under the same faults, without this plugin: the measurements
 * behind our provider doing its own retries and timeouts (src/variants/retry.ts). If promptfoo changes, these fail
 * and the reasoning in docs/hardening.md must be checked again.
 */
import { runEval, type EvalRun, type PromptfooConfig, type RowResult } from '../support/eval';
import { plan, startModelServer, type ModelServer, type Reply } from '../support/server';

const FAULTS: Record<string, Reply[]> = {
  rate_limited_always: [{ status: 429, headers: { 'retry-after': '0' } }],
  unavailable_always: [{ status: 503 }],
  server_error: [{ status: 500 }],
  trickle_3s: [{ text: 'slowly, but surely', trickle: { chunks: 6, intervalMs: 500 } }],
};
const caseOf = (text: string) => /CASE=(\w+);/.exec(text)?.[1];

/** A plain promptfoo config: promptfoo's built-in OpenAI provider pointed at the test model server (tests/support/server.ts). */
function plainConfig(baseUrl: string, cases: string[]): PromptfooConfig {
  // Plain promptfoo tests (vars), not the promptfile test generator the harness's type describes.
  return {
    prompts: ['CASE={{c}};'],
    providers: [{ id: 'openai:chat:gpt-4o', config: { apiBaseUrl: baseUrl } }],
    tests: cases.map((c) => ({ vars: { c } })),
  } as unknown as PromptfooConfig;
}

/** Aborts `graceMs` after `server` has seen its first request. */
function afterFirstRequest(server: ModelServer, graceMs: number): AbortSignal {
  const controller = new AbortController();
  const poll = setInterval(() => {
    if (server.requests.length === 0) return;
    clearInterval(poll);
    setTimeout(() => controller.abort(`${graceMs} ms after the first request`), graceMs).unref();
  }, 50).unref();
  controller.signal.addEventListener('abort', () => clearInterval(poll));
  return controller.signal;
}

let faults: ModelServer;
let slow: ModelServer;
let run: EvalRun;
let hourLong: EvalRun;
const rows = new Map<string, RowResult>();

beforeAll(async () => {
  faults = await startModelServer(plan((r) => caseOf(r.text), FAULTS));
  slow = await startModelServer(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
  const env = { OPENAI_API_KEY: 'sk-plain', REQUEST_TIMEOUT_MS: '1000' };
  [run, hourLong] = await Promise.all([
    runEval({
      config: plainConfig(faults.baseUrl, Object.keys(FAULTS)),
      env,
      args: ['-j', '4'],
      timeoutMs: 150_000,
    }),
    // Killed once the 429 has been answered and promptfoo has had 5 s to retry or give up (it does neither):
    // an event, not a fixed time, since promptfoo alone can take seconds to start on a loaded machine.
    runEval({
      config: plainConfig(slow.baseUrl, ['hour']),
      env,
      timeoutMs: 120_000,
      signal: afterFirstRequest(slow, 5_000),
    }),
  ]);
  for (const r of run.results?.results ?? []) rows.set(String(r.vars['c']), r);
});

afterAll(async () => {
  const count = (c: string) => faults.requests.filter((r) => caseOf(r.text) === c).length;
  process.stderr.write(
    `[hardening] promptfoo alone: persistent 429 -> ${count('rate_limited_always')} requests; 503 -> ${count('unavailable_always')}; ` +
      `500 -> ${count('server_error')}; Retry-After 3600 -> ${slow.requests.length} request, still waiting when killed 5 s after it\n`,
  );
  await Promise.all([faults.close(), slow.close()]);
});

describe("promptfoo's OpenAI provider on its own (0.121.20)", () => {
  test('retries a persistent 429 twenty times: 5 attempts in the provider x 4 in the evaluator', () => {
    expect(faults.requests.filter((r) => caseOf(r.text) === 'rate_limited_always')).toHaveLength(20);
  });

  test('and then ends the row with an error that names no variant', () => {
    const r = rows.get('rate_limited_always');
    expect(r?.failureReason).toBe(2);
    expect(r?.error).toMatch(
      /^RateLimitExhaustedError: Rate limit exceeded for openai:chat:gpt-4o\[\w+\] after 4 attempts/,
    );
  });

  test('waits as long as Retry-After says, with no cap: Retry-After 3600 is still waiting when the run is killed', () => {
    expect(hourLong.results).toBeUndefined();
    expect(hourLong.stderr).toContain('killed on request: 5000 ms after the first request');
    expect(slow.requests).toHaveLength(1);
  });

  test('does not retry a 503 or a 500', () => {
    expect(faults.requests.filter((r) => caseOf(r.text) === 'unavailable_always')).toHaveLength(1);
    expect(faults.requests.filter((r) => caseOf(r.text) === 'server_error')).toHaveLength(1);
  });

  test('times out the response headers only: a body trickled over 3 s passes with REQUEST_TIMEOUT_MS=1000', () => {
    const r = rows.get('trickle_3s');
    // The server spends 3 s sending the body (6 chunks, 500 ms apart); promptfoo's latencyMs stops at the headers.
    expect(r?.success).toBe(true);
    expect(r?.response?.output).toBe('slowly, but surely');
  });
});
