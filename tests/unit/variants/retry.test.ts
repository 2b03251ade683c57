import {
  DEFAULT_LIMITS,
  decide,
  limitsFrom,
  retryAfterMs,
  type CallLimits,
} from '../../../src/variants/retry';

const limits: CallLimits = { maxRetries: 3, retryBudgetMs: 10_000, timeoutMs: 5_000 };
const noJitter = () => 0;

describe('the limits come from the provider config, then the environment, then the defaults', () => {
  test('defaults: 3 retries, 60 s of waiting, 300 s per attempt', () => {
    expect(limitsFrom({}, {})).toEqual({ maxRetries: 3, retryBudgetMs: 60_000, timeoutMs: 300_000 });
    expect(limitsFrom({}, {})).toEqual(DEFAULT_LIMITS);
  });

  test('config wins over the environment; numeric strings are accepted', () => {
    const env = {
      PROMPTFILE_MAX_RETRIES: '5',
      PROMPTFILE_RETRY_BUDGET_MS: '1000',
      PROMPTFILE_TIMEOUT_MS: '2000',
    };
    expect(limitsFrom({}, env)).toEqual({ maxRetries: 5, retryBudgetMs: 1000, timeoutMs: 2000 });
    expect(limitsFrom({ maxRetries: 0, timeoutMs: '700' }, env)).toEqual({
      maxRetries: 0,
      retryBudgetMs: 1000,
      timeoutMs: 700,
    });
  });

  test("promptfoo's REQUEST_TIMEOUT_MS sets the timeout when ours is not set", () => {
    expect(limitsFrom({}, { REQUEST_TIMEOUT_MS: '1234' }).timeoutMs).toBe(1234);
    expect(limitsFrom({}, { REQUEST_TIMEOUT_MS: '1234', PROMPTFILE_TIMEOUT_MS: '99' }).timeoutMs).toBe(99);
  });

  test.each([
    [{ maxRetries: -1 }, {}, 'config.maxRetries must be a non-negative whole number, not -1'],
    [{ timeoutMs: 0 }, {}, 'config.timeoutMs must be a positive whole number, not 0'],
    [
      {},
      { PROMPTFILE_RETRY_BUDGET_MS: '1e9' },
      'PROMPTFILE_RETRY_BUDGET_MS must be a non-negative whole number, not "1e9"',
    ],
    [{ retryBudgetMs: 1.5 }, {}, 'config.retryBudgetMs must be a non-negative whole number, not 1.5'],
  ])('%j %j is refused, naming where it came from', (config, env, message) => {
    expect(() => limitsFrom(config, env)).toThrow(message);
  });
});

describe('Retry-After is read as seconds, milliseconds or a date', () => {
  test.each([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after-ms': '150', 'retry-after': '9' }, 150],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, 5000],
    [{ 'retry-after': 'Thu, 01 Jan 2025 00:00:05 GMT' }, 0],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j -> %s ms', (headers, ms) => {
    expect(retryAfterMs(headers, Date.parse('2026-01-01T00:00:00Z'))).toBe(ms);
  });
});

describe('what is retried', () => {
  test.each([429, 502, 503, 504, 408])('HTTP %i is retried', (status) => {
    expect(decide({ status, message: '' }, 1, 0, limits, noJitter)).toEqual({ retry: true, delayMs: 1000 });
  });

  test.each([400, 401, 403, 404, 500])(
    'HTTP %i is not (a 500 is usually the same answer again)',
    (status) => {
      expect(decide({ status, message: `API error: ${status}` }, 1, 0, limits)).toEqual({ retry: false });
    },
  );

  test('a billing quota 429 is not retried: waiting cannot help', () => {
    expect(decide({ status: 429, rateLimitKind: 'quota', message: '' }, 1, 0, limits)).toEqual({
      retry: false,
    });
  });

  test.each([
    'API call error: Error: Request failed after 0 retries: TypeError: fetch failed (Cause: SocketError: other side closed)',
    'Error reading response body from http://x/v1/chat/completions: terminated. HTTP 200 OK',
    'connect ECONNREFUSED 127.0.0.1:1234',
  ])('a dropped connection is retried: %s', (message) => {
    expect(decide({ status: 0, message }, 1, 0, limits, noJitter)).toMatchObject({ retry: true });
  });

  test.each([
    'Error parsing response: Unterminated string in JSON at position 40. HTTP 200 OK',
    'TypeError: fetch failed (Cause: Error: bad port)',
    'API error: TypeError: Cannot read properties of undefined',
  ])('a broken answer or a bad address is not: %s', (message) => {
    expect(decide({ status: 0, message }, 1, 0, limits)).toEqual({ retry: false });
  });

  test('a timed-out attempt is not retried, so a hung server costs one timeout', () => {
    expect(decide({ message: 'x', timedOut: true }, 1, 0, limits)).toEqual({
      retry: false,
      why: 'a timed-out call is not retried',
    });
  });
});

describe('how long to wait, and when to give up', () => {
  test('Retry-After is honoured exactly, never shortened', () => {
    expect(decide({ status: 429, headers: { 'retry-after': '3' }, message: '' }, 1, 0, limits)).toEqual({
      retry: true,
      delayMs: 3000,
    });
  });

  test('a Retry-After longer than what is left of the budget ends the call at once, saying why', () => {
    expect(decide({ status: 429, headers: { 'retry-after': '3600' }, message: '' }, 1, 0, limits)).toEqual({
      retry: false,
      why: 'Retry-After asks for 3600 s, more than the 10 s left of the retry budget (retryBudgetMs 10000); gave up after 1 attempt',
    });
    expect(
      decide({ status: 503, headers: { 'retry-after': '3' }, message: '' }, 2, 8000, limits),
    ).toMatchObject({
      retry: false,
    });
  });

  test('without Retry-After: 1 s, 2 s, 4 s with up to 20% jitter, clipped to the budget', () => {
    const waits = [1, 2, 3].map((n) => decide({ status: 503, message: '' }, n, 0, limits, () => 1));
    expect(waits).toEqual([
      { retry: true, delayMs: 1200 },
      { retry: true, delayMs: 2400 },
      { retry: true, delayMs: 4800 },
    ]);
    expect(decide({ status: 503, message: '' }, 3, 9500, limits, noJitter)).toEqual({
      retry: true,
      delayMs: 500,
    });
    expect(decide({ status: 503, message: '' }, 3, 10_000, limits)).toEqual({
      retry: false,
      why: 'the retry budget of 10000 ms is spent; gave up after 3 attempts',
    });
  });

  test('maxRetries bounds the attempts: 1 + maxRetries in all', () => {
    expect(decide({ status: 429, message: '' }, 3, 0, limits, noJitter)).toMatchObject({ retry: true });
    expect(decide({ status: 429, message: '' }, 4, 0, limits)).toEqual({
      retry: false,
      why: 'gave up after 4 attempts (maxRetries 3)',
    });
    expect(decide({ status: 429, message: '' }, 1, 0, { ...limits, maxRetries: 0 })).toEqual({
      retry: false,
      why: 'gave up after 1 attempt (maxRetries 0)',
    });
  });
});
