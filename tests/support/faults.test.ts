/**
 * The test model server's faults: each must be what it claims on the wire, or the tests built on it prove nothing.
 */
import { plan, startModelServer, type ModelServer, type Reply } from './server';

let server: ModelServer;
let next: Reply = { text: 'ok' };

beforeAll(async () => {
  server = await startModelServer(() => next);
});
afterAll(() => server.close());

function chat(user = 'hello', signal?: AbortSignal) {
  return fetch(`${server.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: user }] }),
    ...(signal ? { signal } : {}),
  });
}

describe('the model server answers each request with the scripted fault', () => {
  test('reply: an OpenAI chat completion with the text', async () => {
    next = { text: 'hi there' };
    const body = (await (await chat()).json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('hi there');
  });

  test('status: 429 with Retry-After and an OpenAI error body; 503 and 500 likewise', async () => {
    next = { status: 429, headers: { 'retry-after': '7' } };
    const res = await chat();
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '7']);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
    next = { status: 429, code: 'insufficient_quota' };
    expect(((await (await chat()).json()) as { error: { code: string } }).error.code).toBe(
      'insufficient_quota',
    );
    for (const status of [500, 503]) {
      next = { status };
      expect((await chat()).status).toBe(status);
    }
  });

  test('reset: the connection is dropped before any byte', async () => {
    next = { fault: 'reset' };
    await expect(chat()).rejects.toThrow('fetch failed');
  });

  test('cut-body: headers promise a full body, half arrives, then the connection drops', async () => {
    next = { fault: 'cut-body' };
    const res = await chat();
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  test('hang: no answer at all', async () => {
    next = { fault: 'hang' };
    await expect(chat('x', AbortSignal.timeout(300))).rejects.toThrow();
  });

  test('truncated-json, not-json and empty-choices are complete HTTP 200 answers with a broken body', async () => {
    next = { fault: 'truncated-json' };
    await expect((await chat()).json()).rejects.toThrow();
    next = { fault: 'not-json', bytes: 1000 };
    const page = await (await chat()).text();
    expect(page).toHaveLength(1000);
    expect(page).toMatch(/^<html>/);
    next = { fault: 'empty-choices' };
    expect(((await (await chat()).json()) as { choices: unknown[] }).choices).toEqual([]);
  });

  test('trickle: headers at once, the body spread over time', async () => {
    next = { text: 'slow', trickle: { chunks: 4, intervalMs: 100 } };
    const started = Date.now();
    const res = await chat();
    // The headers arrived while the server was still sending the body: an event, not a timing.
    expect(server.requests.at(-1)?.finishedAt).toBeUndefined();
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  test('delayMs holds any step back', async () => {
    next = { text: 'ok', delayMs: 200 };
    const started = Date.now();
    await (await chat()).text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  test('oversized: a 5 MB answer', async () => {
    next = { text: 'x'.repeat(5 * 1024 * 1024) };
    const body = (await (await chat()).json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toHaveLength(5 * 1024 * 1024);
  });

  test('the log keeps raw header lines, the body and arrival times in order', async () => {
    const before = server.requests.length;
    next = { text: 'ok' };
    await (await chat('logged')).text();
    const r = server.requests[before];
    expect(r?.rawHeaders).toEqual(expect.arrayContaining(['authorization', 'Bearer sk-test']));
    expect(r?.text).toBe('logged');
    expect(r?.raw).toContain('"model":"m"');
    expect(r?.at).toBeGreaterThanOrEqual(server.requests[before - 1]?.at ?? 0);
  });
});

describe('plan: the n-th request for a key gets the n-th step, whatever the arrival order', () => {
  test('each key walks its own list and then repeats the last step', () => {
    const script = plan((r) => r.text, {
      a: [{ status: 429 }, { text: 'ok' }],
      b: [{ fault: 'hang' }],
    });
    const request = (text: string, index: number) =>
      ({ index, at: 0, method: 'POST', path: '/', rawHeaders: [], headers: {}, raw: '', text }) as never;
    const replies = ['a', 'b', 'a', 'a', 'c'].map((text, index) => script(request(text, index), []));
    expect(replies).toEqual([
      { status: 429 },
      { fault: 'hang' },
      { text: 'ok' },
      { text: 'ok' },
      { text: 'ok' },
    ]);
  });
});
