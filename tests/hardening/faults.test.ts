/**
 * Every model API fault, through the real `promptfoo eval` and our live provider: the run completes, every row ends
 * with an output or an error naming its variant (never lost, never a silent pass), transient faults are retried
 * honouring Retry-After within the budget, permanent ones are not retried, and nothing can hang the run.
 *
 * One row per fault, all in one run (rows run concurrently, so the run takes as long as the slowest fault).
 * Limits for the run: timeoutMs 3000, retryBudgetMs 8000, maxRetries 3 (the default).
 */
import { parse, stringify } from 'yaml';
import { live, runEval, variantOf, type EvalRun, type RowResult } from '../support/eval';
import { KILLED } from '../support/cli';
import { plan, startModelServer, type ModelServer, type LoggedRequest, type Reply } from '../support/server';

const TIMEOUT_MS = 3000;
const BUDGET_MS = 8000;
const FIVE_MB = 5 * 1024 * 1024;
/**
 * Bounds in wall-clock time are kept only an order of magnitude away from what is expected, so a loaded 2-core
 * machine cannot trip them: each behaviour is proven by what happened (requests, the server's close and finish
 * events, the attempts and waits the retry loop recorded, the reason it gave up).
 */
const ORDER_OF_MAGNITUDE = 10;
const RUN_LIMIT_MS = 150_000;

const ok: Reply = { text: 'recovered' };
const rateLimited = (retryAfter?: string): Reply => ({
  status: 429,
  ...(retryAfter ? { headers: { 'retry-after': retryAfter } } : {}),
});

/** The fault plan per row: the n-th request for a row gets the n-th step; the last step repeats. */
const FAULTS: Record<string, Reply[]> = {
  ok: [{ text: 'fine' }],
  rate_limited_once: [rateLimited('1'), ok],
  rate_limited_always: [rateLimited('1')],
  rate_limited_for_an_hour: [rateLimited('3600')],
  rate_limited_without_header: [rateLimited(), ok],
  quota_exhausted: [{ status: 429, code: 'insufficient_quota' }],
  server_error: [{ status: 500 }],
  unavailable_once: [{ status: 503, headers: { 'retry-after': '1' } }, ok],
  unavailable_always: [{ status: 503 }],
  reset_once: [{ fault: 'reset' }, ok],
  reset_always: [{ fault: 'reset' }],
  cut_mid_body_once: [{ fault: 'cut-body' }, ok],
  hang: [{ fault: 'hang' }],
  trickle_past_timeout: [{ text: 'slowly, but surely', trickle: { chunks: 10, intervalMs: 500 } }],
  slow_within_timeout: [{ text: 'late but fine', delayMs: 1500 }],
  truncated_json: [{ fault: 'truncated-json' }],
  not_json: [{ fault: 'not-json' }],
  not_json_5mb: [{ fault: 'not-json', bytes: FIVE_MB }],
  empty_choices: [{ fault: 'empty-choices' }],
  oversized_5mb: [{ text: 'x'.repeat(FIVE_MB) }],
};

/** How each row must end, and how many requests it may make. */
const EXPECTED: Record<string, { outcome: 'PASS' | RegExp; requests: number }> = {
  ok: { outcome: 'PASS', requests: 1 },
  rate_limited_once: { outcome: 'PASS', requests: 2 },
  rate_limited_always: { outcome: /429.*\[gave up after 4 attempts \(maxRetries 3\)\]$/s, requests: 4 },
  rate_limited_for_an_hour: {
    outcome:
      /429.*\[Retry-After asks for 3600 s, more than the 8 s left of the retry budget \(retryBudgetMs 8000\); gave up after 1 attempt\]$/s,
    requests: 1,
  },
  rate_limited_without_header: { outcome: 'PASS', requests: 2 },
  quota_exhausted: { outcome: /Quota exceeded.*insufficient_quota/s, requests: 1 },
  server_error: { outcome: /API error: 500 Internal Server Error/, requests: 1 },
  unavailable_once: { outcome: 'PASS', requests: 2 },
  unavailable_always: {
    outcome: /503 Service Unavailable.*\[gave up after 4 attempts \(maxRetries 3\)\]$/s,
    requests: 4,
  },
  reset_once: { outcome: 'PASS', requests: 2 },
  reset_always: {
    outcome: /other side closed.*\[gave up after 4 attempts \(maxRetries 3\)\]$/s,
    requests: 4,
  },
  cut_mid_body_once: { outcome: 'PASS', requests: 2 },
  hang: {
    outcome: /no complete answer within 3000 ms \(timeoutMs\) \[a timed-out call is not retried\]$/,
    requests: 1,
  },
  trickle_past_timeout: { outcome: /no complete answer within 3000 ms/, requests: 1 },
  slow_within_timeout: { outcome: 'PASS', requests: 1 },
  truncated_json: { outcome: /Unterminated string in JSON/, requests: 1 },
  not_json: { outcome: /is not valid JSON/, requests: 1 },
  not_json_5mb: { outcome: /is not valid JSON.*… \(\d+ more characters\)$/s, requests: 1 },
  empty_choices: { outcome: /API answered 200 with no choice to read/, requests: 1 },
  oversized_5mb: { outcome: 'PASS', requests: 1 },
};

const caseOf = (text: string) => /CASE=(\w+);/.exec(text)?.[1];

const PROMPT_FILE = stringify({
  name: 'faults',
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'CASE={{case}};' }],
  testData: Object.keys(FAULTS).map((c) => ({ case: c })),
  evaluators: [{ name: 'Answers', type: 'regex', pattern: '\\S' }],
});

let server: ModelServer;
let run: EvalRun;
/** promptfoo's per-row latency (ms), which the harness's RowResult leaves out. */
type Row = RowResult & { latencyMs?: number };
const rows = new Map<string, Row>();
const requestsFor = (c: string): LoggedRequest[] => server.requests.filter((r) => caseOf(r.text) === c);
const gaps = (c: string): number[] =>
  requestsFor(c)
    .map((r, i, all) => r.at - (all[i - 1]?.at ?? r.at))
    .slice(1);

/** A second run whose limits come from the provider config instead of the environment. */
let configured: { server: ModelServer; run: EvalRun };
const CONFIGURED_FAULTS: Record<string, Reply[]> = {
  rate_limited_always: [rateLimited('1')],
  hang: [{ fault: 'hang' }],
};

beforeAll(async () => {
  server = await startModelServer(plan((r) => caseOf(r.text), FAULTS));
  const configuredServer = await startModelServer(plan((r) => caseOf(r.text), CONFIGURED_FAULTS));
  const [main, other] = await Promise.all([
    runEval({
      files: { 'prompts/faults.prompt.yml': PROMPT_FILE },
      providers: [live({ apiBaseUrl: server.baseUrl }, 'live')],
      args: ['--max-concurrency', String(Object.keys(FAULTS).length)],
      env: {
        OPENAI_API_KEY: 'sk-faults',
        PROMPTFILE_TIMEOUT_MS: String(TIMEOUT_MS),
        PROMPTFILE_RETRY_BUDGET_MS: String(BUDGET_MS),
      },
      // A backstop, not a measurement: the run needs ~10-30 s; a call left to promptfoo would hang 5 minutes per try.
      timeoutMs: RUN_LIMIT_MS,
    }),
    runEval({
      files: {
        'prompts/faults.prompt.yml': stringify({
          ...parse(PROMPT_FILE),
          testData: Object.keys(CONFIGURED_FAULTS).map((c) => ({ case: c })),
        }),
      },
      providers: [
        live({ apiBaseUrl: configuredServer.baseUrl, maxRetries: 1, timeoutMs: 1500 }, 'configured'),
      ],
      env: { OPENAI_API_KEY: 'sk-faults', PROMPTFILE_TIMEOUT_MS: '60000', PROMPTFILE_MAX_RETRIES: '9' },
      timeoutMs: RUN_LIMIT_MS,
    }),
  ]);
  run = main;
  configured = { server: configuredServer, run: other };
  for (const r of run.results?.results ?? []) rows.set(r.vars['case'] ?? '?', r);
});

afterAll(async () => {
  // The figures docs/hardening.md quotes, printed so a CI log shows them for this machine.
  const latency = (c: string) => rows.get(c)?.latencyMs;
  process.stderr.write(
    `[hardening] faults: run ${run.durationMs} ms; requests per row ${JSON.stringify(Object.fromEntries(Object.keys(FAULTS).map((c) => [c, requestsFor(c).length])))}; ` +
      `gaps ms: 429 ${JSON.stringify(gaps('rate_limited_always'))}, 503 ${JSON.stringify(gaps('unavailable_always'))}, reset ${JSON.stringify(gaps('reset_always'))}; ` +
      `latency ms: hang ${latency('hang')}, trickle ${latency('trickle_past_timeout')}, Retry-After 3600 ${latency('rate_limited_for_an_hour')}, 5 MB ${latency('oversized_5mb')}\n`,
  );
  await Promise.all([server.close(), configured.server.close()]);
});

function outcome(r: Row | undefined): string {
  if (!r) return 'MISSING';
  if (r.success) return 'PASS';
  return r.failureReason === 2 ? `ERROR ${r.error ?? ''}` : `FAIL ${r.error ?? ''}`;
}

describe('under every fault the run completes and every row ends with an output or a labelled error', () => {
  test('the run finishes on its own, well before any hung connection would', () => {
    expect(run.results).toBeDefined();
    expect(run.stderr).not.toContain(KILLED);
    expect(run.code).toBe(100); // errors count as failures for promptfoo's pass-rate threshold
  });

  test('one result per row, none lost, none twice', () => {
    expect(run.results?.results).toHaveLength(Object.keys(FAULTS).length);
    expect([...rows.keys()].sort()).toEqual(Object.keys(FAULTS).sort());
  });

  test('totals add up: successes + failures + errors = rows', () => {
    const stats = run.results?.stats;
    const passes = Object.values(EXPECTED).filter((e) => e.outcome === 'PASS').length;
    expect(stats).toMatchObject({
      successes: passes,
      failures: 0,
      errors: Object.keys(FAULTS).length - passes,
    });
  });

  test.each(Object.keys(FAULTS))('%s', (name) => {
    const r = rows.get(name);
    const want = EXPECTED[name]!;
    if (want.outcome === 'PASS') {
      expect(outcome(r)).toBe('PASS');
    } else {
      // An error, labelled with the variant, never a pass or an assertion failure.
      expect(r?.failureReason).toBe(2);
      expect(r?.success).toBe(false);
      expect(r?.error).toMatch(/^live: /);
      expect(r?.error).toMatch(want.outcome);
      expect(variantOf(r!)).toBe('live');
    }
    expect(requestsFor(name)).toHaveLength(want.requests);
  });
});

describe('retries honour Retry-After within a bounded budget', () => {
  test('a 429 with Retry-After: 1 is retried no sooner than 1 s later', () => {
    expect(gaps('rate_limited_once')).toHaveLength(1);
    expect(gaps('rate_limited_once')[0]).toBeGreaterThanOrEqual(990);
  });

  test('a persistent 429 gets 1 + maxRetries attempts, each wait at least the Retry-After', () => {
    expect(gaps('rate_limited_always')).toHaveLength(3);
    for (const gap of gaps('rate_limited_always')) expect(gap).toBeGreaterThanOrEqual(990);
  });

  test('a Retry-After beyond the budget ends the call at once instead of waiting an hour', () => {
    // The retry loop's own record: one attempt, no wait, and why it stopped (the error's [...] suffix, above).
    const metadata = rows.get('rate_limited_for_an_hour')?.response?.metadata;
    expect(metadata?.['rateLimitKind']).toBe('quota');
    expect(metadata?.['attempts']).toBeUndefined();
    expect(metadata?.['retryWaitMs']).toBeUndefined();
    expect(requestsFor('rate_limited_for_an_hour')).toHaveLength(1);
  });

  test('without Retry-After, backoff starts at 1 s and doubles, and all waits fit the budget', () => {
    const waits = gaps('unavailable_always');
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(990);
    expect(waits[1]).toBeGreaterThanOrEqual(1990);
    // What the retry loop chose to wait (1 + 2 + 4 s, up to 20% jitter each, clipped to the budget), which the
    // gaps above show it really waited at least.
    const metadata = rows.get('unavailable_always')?.response?.metadata;
    expect(metadata?.['attempts']).toBe(4);
    expect(metadata?.['retryWaitMs']).toBeGreaterThanOrEqual(7000);
    expect(metadata?.['retryWaitMs']).toBeLessThanOrEqual(BUDGET_MS);
    expect(waits[2]).toBeGreaterThanOrEqual(3990);
  });

  test('a 503 with Retry-After is retried after it; a reset and a cut body are retried after backoff', () => {
    expect(gaps('unavailable_once')[0]).toBeGreaterThanOrEqual(990);
    expect(gaps('reset_once')[0]).toBeGreaterThanOrEqual(990);
    expect(gaps('cut_mid_body_once')[0]).toBeGreaterThanOrEqual(990);
  });

  test('the retried rows record how many attempts they took', () => {
    expect(rows.get('rate_limited_once')?.response?.metadata?.['attempts']).toBe(2);
    expect(rows.get('ok')?.response?.metadata?.['attempts']).toBeUndefined();
  });
});

describe("the limits can be set in the provider's config, which wins over the environment", () => {
  const configuredRow = (c: string) =>
    configured.run.results?.results.find((r) => r.vars['case'] === c) as Row | undefined;

  test('maxRetries: 1 gives a persistent 429 two attempts', () => {
    expect(configuredRow('rate_limited_always')?.error).toMatch(
      /^configured: .*\[gave up after 2 attempts \(maxRetries 1\)\]$/s,
    );
    expect(configured.server.requests.filter((r) => caseOf(r.text) === 'rate_limited_always')).toHaveLength(
      2,
    );
  });

  test('timeoutMs: 1500 ends a hung call after 1.5 s', () => {
    expect(configuredRow('hang')?.error).toBe(
      'configured: no complete answer within 1500 ms (timeoutMs) [a timed-out call is not retried]',
    );
  });
});

describe('timeouts are bounded, the answer body included', () => {
  test('a server that never answers costs one timeout, not promptfoo 5 x 5 minutes', () => {
    const row = rows.get('hang');
    // A timer cannot fire early, so the lower bound holds on any machine; the upper one is 10x away.
    expect(row?.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(row?.latencyMs).toBeLessThan(ORDER_OF_MAGNITUDE * TIMEOUT_MS);
    expect(row?.response?.metadata?.['attempts']).toBeUndefined();
    expect(requestsFor('hang')).toHaveLength(1);
  });

  test('a server that trickles its body past the timeout is cut off (promptfoo times out headers only)', () => {
    const [request] = requestsFor('trickle_past_timeout');
    // The body was never finished: our side closed the connection while the server was still sending.
    expect(request?.finishedAt).toBeUndefined();
    expect(request?.closedAt).toBeDefined();
    expect(rows.get('trickle_past_timeout')?.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(requestsFor('trickle_past_timeout')).toHaveLength(1);
  });

  test('the abandoned connection is closed at the timeout, not left to promptfoo for 5 minutes', () => {
    for (const c of ['hang', 'trickle_past_timeout']) {
      const [r] = requestsFor(c);
      expect(r?.closedAt).toBeDefined();
      expect(r?.finishedAt).toBeUndefined();
      // Closed by our abort, long before promptfoo's 300 s; the run's own end would close it too, so this is
      // checked against the run's length as well.
      expect((r?.closedAt ?? Infinity) - (r?.at ?? 0)).toBeLessThan(ORDER_OF_MAGNITUDE * TIMEOUT_MS);
    }
  });

  test("a row's latency is the model call alone, not promptfoo's loading of provider modules", () => {
    // The first rows used to show seconds of module loading: a 1.5 s server must read as ~1.5 s, a quick one as quick.
    const slow = rows.get('slow_within_timeout')?.latencyMs ?? -1;
    expect(slow).toBeGreaterThanOrEqual(1450);
    const quick = rows.get('ok')?.latencyMs ?? -1;
    expect(quick).toBeGreaterThanOrEqual(0);
    expect(quick).toBeLessThan(slow);
  });
});

describe('odd bodies', () => {
  test('a 5 MB answer arrives whole', () => {
    expect(String(rows.get('oversized_5mb')?.response?.output)).toHaveLength(FIVE_MB);
  });

  test("a 5 MB error page is clipped in the row's error, not copied into every artefact", () => {
    expect(rows.get('not_json_5mb')?.error?.length).toBeLessThan(2200);
  });
});
