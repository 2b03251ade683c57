/**
 * The model stand-in itself: it must log exactly what clients send and inject each scripted fault, or the
 * integration tests built on it prove nothing.
 */
import { startModelServer, type ModelServer, type Reply } from './server';

function chat(server: ModelServer, user: string, extra: Record<string, unknown> = {}) {
  return fetch(`${server.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-x' },
    body: JSON.stringify({
      model: 'm',
      temperature: 0.3,
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: user },
      ],
      ...extra,
    }),
  });
}

describe('the scriptable OpenAI-compatible server', () => {
  let server: ModelServer;
  let next: Reply | string = 'ok';

  beforeAll(async () => {
    server = await startModelServer(() => next);
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  test('answers with the script text as an OpenAI chat completion and logs the request', async () => {
    next = 'hello';
    const body = (await (await chat(server, 'u1 {{x}}', { max_tokens: 7 })).json()) as {
      choices: { message: { content: string } }[];
    };
    expect(body.choices[0]?.message.content).toBe('hello');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      model: 'm',
      temperature: 0.3,
      system: 'S',
      user: 'u1 {{x}}',
      path: '/v1/chat/completions',
    });
    expect(server.requests[0]?.body?.['max_tokens']).toBe(7);
    expect(server.requests[0]?.headers['authorization']).toBe('Bearer sk-x');
  });

  test('sends a scripted status with headers: 429 with Retry-After', async () => {
    next = { status: 429, headers: { 'retry-after': '2' }, text: 'slow down' };
    const res = await chat(server, 'u');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('slow down');
  });

  test('delays an answer', async () => {
    next = { text: 'late', delayMs: 150 };
    const started = Date.now();
    await (await chat(server, 'u')).text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('sends a body that is not JSON', async () => {
    next = { fault: 'bad-json' };
    const res = await chat(server, 'u');
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  test('resets the connection', async () => {
    next = { fault: 'reset' };
    await expect(chat(server, 'u')).rejects.toThrow();
    expect(server.requests).toHaveLength(1);
  });

  test('hangs until the client gives up', async () => {
    next = { fault: 'hang' };
    await expect(
      fetch(`${server.baseUrl}/chat/completions`, {
        method: 'POST',
        body: '{}',
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
  });

  test('logs and refuses unknown routes, so a misrouted client is visible', async () => {
    const res = await fetch(`${server.baseUrl}/embeddings`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/embeddings']);
  });
});
