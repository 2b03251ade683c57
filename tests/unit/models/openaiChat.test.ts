/**
 * The small OpenAI-compatible chat client, against a real HTTP server on 127.0.0.1: what it sends (only what the
 * config sets, where promptfoo's OpenAI provider would send it), what it reads back, and which configs it leaves to
 * promptfoo's provider.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openAiChatClient, openAiKey } from '../../../src/models/openaiChat';
import { chatCost } from '../../../src/models/prices';
import type { ChatMessage } from '../../../src/promptfile/messages';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
/** The next answer: status, body text, headers. */
let answer: { status: number; body: string; headers?: Record<string, string> };

const ok = (message: Record<string, unknown>, usage?: Record<string, unknown>) => ({
  status: 200,
  body: JSON.stringify({ choices: [{ message, finish_reason: 'stop' }], ...(usage ? { usage } : {}) }),
});

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, raw });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  seen.length = 0;
  answer = ok({ role: 'assistant', content: 'hello' });
});

const messages: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Say {{hi}} %} #}' },
];
const signal = () => new AbortController().signal;

function client(id: string, config: Record<string, unknown>, env: Record<string, string> = {}) {
  const c = openAiChatClient(id, { apiBaseUrl: base, ...config }, env);
  if (!c) throw new Error(`no client for ${id}`);
  return c;
}

describe('what it sends', () => {
  test('the model, the messages byte for byte, and only the parameters the config sets, in promptfoo order', async () => {
    await client('openai:chat:gpt-4o', {
      apiKey: 'sk-test-123456',
      temperature: 0.2,
      max_tokens: 4096,
      top_p: 0.9,
      response_format: { type: 'json_object' },
      omitDefaults: true,
      maxRetries: 0,
      basePath: '/somewhere',
    }).chat(messages, signal());
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe('/v1/chat/completions');
    expect(seen[0]?.raw).toBe(
      JSON.stringify({
        model: 'gpt-4o',
        messages,
        max_tokens: 4096,
        temperature: 0.2,
        top_p: 0.9,
        response_format: { type: 'json_object' },
      }),
    );
    expect(seen[0]?.headers['authorization']).toBe('Bearer sk-test-123456');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
  });

  test('nothing but model and messages when the config sets nothing', async () => {
    await client('openai:chat:my-org/llama-3', {}).chat(messages, signal());
    expect(JSON.parse(seen[0]?.raw ?? '')).toEqual({ model: 'my-org/llama-3', messages });
    expect(seen[0]?.headers['authorization']).toBeUndefined();
  });

  test('a reasoning model gets no temperature and no max_tokens (it refuses them)', async () => {
    await client('openai:chat:o3-mini', { temperature: 1, max_tokens: 10, max_completion_tokens: 99 }).chat(
      messages,
      signal(),
    );
    expect(JSON.parse(seen[0]?.raw ?? '')).toEqual({ model: 'o3-mini', messages, max_completion_tokens: 99 });
  });

  test('headers, organization and passthrough are sent as configured', async () => {
    await client('openai:chat:gpt-4o', {
      organization: 'org-1',
      headers: { 'X-Team': 'evals' },
      passthrough: { logit_bias: { '50256': -100 } },
    }).chat(messages, signal());
    expect(seen[0]?.headers['openai-organization']).toBe('org-1');
    expect(seen[0]?.headers['x-team']).toBe('evals');
    expect(JSON.parse(seen[0]?.raw ?? '')['logit_bias']).toEqual({ '50256': -100 });
  });
});

describe('where it sends, with which key (promptfoo precedence)', () => {
  test('apiKey, then apiKeyEnvar, then the env: block, then the process', () => {
    const before = process.env['OPENAI_API_KEY'];
    process.env['OPENAI_API_KEY'] = 'sk-process';
    process.env['PF_TEST_KEY'] = 'sk-envar';
    try {
      expect(openAiKey({ apiKey: 'sk-own', apiKeyEnvar: 'PF_TEST_KEY' }, {})).toBe('sk-own');
      expect(openAiKey({ apiKeyEnvar: 'PF_TEST_KEY' }, { OPENAI_API_KEY: 'sk-block' })).toBe('sk-envar');
      expect(openAiKey({}, { OPENAI_API_KEY: 'sk-block' })).toBe('sk-block');
      expect(openAiKey({}, {})).toBe('sk-process');
    } finally {
      if (before === undefined) delete process.env['OPENAI_API_KEY'];
      else process.env['OPENAI_API_KEY'] = before;
      delete process.env['PF_TEST_KEY'];
    }
  });

  test('OPENAI_BASE_URL from the env: block when the config names no endpoint', async () => {
    const c = openAiChatClient('openai:chat:gpt-4o', {}, { OPENAI_BASE_URL: `${base}/` });
    await c?.chat(messages, signal());
    expect(seen[0]?.url).toBe('/v1/chat/completions');
  });
});

describe('what it reads back', () => {
  test('the content, token usage, finish reason and a cost from the price table', async () => {
    answer = ok(
      { role: 'assistant', content: 'hi there' },
      { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 },
    );
    const r = await client('openai:chat:gpt-4o', {}).chat(messages, signal());
    expect(r.output).toBe('hi there');
    expect(r.tokenUsage).toEqual({ prompt: 1000, completion: 100, total: 1100 });
    expect(r.finishReason).toBe('stop');
    expect(r.cost).toBeCloseTo(1000 * 2.5e-6 + 100 * 10e-6, 12);
  });

  test('an unknown model has no cost unless the config prices it', async () => {
    answer = ok({ content: 'x' }, { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 });
    expect((await client('openai:chat:local-llama', {}).chat(messages, signal())).cost).toBeUndefined();
    expect(
      (await client('openai:chat:local-llama', { cost: 1e-6 }).chat(messages, signal())).cost,
    ).toBeCloseTo(2e-5, 12);
    expect(chatCost('gpt-4o-2024-08-06', {}, 1e6, 0)).toBeCloseTo(2.5, 9);
  });

  test('a refusal is the output; tool calls are the output when there is no content', async () => {
    answer = ok({ content: null, refusal: 'I cannot help with that.' });
    expect((await client('openai:chat:gpt-4o', {}).chat(messages, signal())).output).toBe(
      'I cannot help with that.',
    );
    const calls = [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }];
    answer = ok({ content: null, tool_calls: calls });
    expect((await client('openai:chat:gpt-4o', {}).chat(messages, signal())).output).toEqual(calls);
  });

  test('an HTTP error keeps its status and headers for the retry policy', async () => {
    answer = { status: 503, body: '{"error":{"message":"busy"}}', headers: { 'retry-after': '2' } };
    const r = await client('openai:chat:gpt-4o', {}).chat(messages, signal());
    expect(r.error).toBe('API error: 503 Service Unavailable\n{"error":{"message":"busy"}}');
    expect(r.metadata?.http?.status).toBe(503);
    expect(r.metadata?.http?.headers?.['retry-after']).toBe('2');
    expect(r.metadata?.rateLimitKind).toBeUndefined();
  });

  test('a 429 for an exhausted quota is marked final (retrying cannot help)', async () => {
    answer = {
      status: 429,
      body: JSON.stringify({ error: { message: 'You exceeded your quota.', code: 'insufficient_quota' } }),
    };
    const r = await client('openai:chat:gpt-4o', {}).chat(messages, signal());
    expect(r.error).toBe('Quota exceeded (insufficient_quota): You exceeded your quota.');
    expect(r.metadata?.rateLimitKind).toBe('quota');
  });

  test('a body that is not JSON, or has no choice, is a labelled error', async () => {
    answer = { status: 200, body: '<html>proxy</html>' };
    expect((await client('openai:chat:gpt-4o', {}).chat(messages, signal())).error).toMatch(
      /^API answered 200 with a body that is not valid JSON \(.+\): <html>proxy<\/html>$/,
    );
    answer = { status: 200, body: '{"choices":[]}' };
    expect((await client('openai:chat:gpt-4o', {}).chat(messages, signal())).error).toBe(
      'API answered 200 with no choice to read: {"choices":[]}',
    );
  });

  test('a refused connection names its cause (the retry policy reads it)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const c = openAiChatClient('openai:chat:gpt-4o', { apiBaseUrl: `http://127.0.0.1:${port}/v1` });
    const r = await c?.chat(messages, signal());
    expect(r?.error).toMatch(/^API call error: fetch failed \(ECONNREFUSED/);
    expect(r?.metadata?.http?.status).toBe(0);
  });
});

describe('what it leaves to promptfoo', () => {
  test.each([
    ['anthropic:messages:claude-3-5-sonnet', {}],
    ['azure:chat:my-deployment', {}],
    ['openai:responses:gpt-4o', {}],
    ['openai:chat:gpt-4o', { tools: [{ type: 'function' }] }],
    ['openai:chat:gpt-4o', { response_format: 'file://format.json' }],
    ['openai:chat:gpt-4o', { omitDefaults: false }],
    ['openai:chat:gpt-4o', { headers: { 'X-Count': 3 } }],
  ])('%s with %j', (id, config) => {
    expect(openAiChatClient(id, config as Record<string, unknown>)).toBeUndefined();
  });
});
