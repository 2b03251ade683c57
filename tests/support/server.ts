/**
 * The one fake model API of the tests: an OpenAI-compatible chat server on 127.0.0.1 (random port) that also speaks
 * Anthropic's Messages API (`/v1/messages`), standing in for every model API in integration, e2e and hardening tests.
 * It logs every request (body, raw header lines, when it arrived, when its response finished and its connection
 * closed) and answers with whatever the test's script returns for it.
 *
 * A script answers with the assistant's text or a `Reply`: text plus status, headers, delay, usage, or one of the
 * faults (a reset connection, a hang, a body cut short or trickled, a body that is not JSON, no choices). New faults
 * are one more `fault` here; tests only change their scripts. `plan` keys replies by row, so promptfoo's concurrency
 * cannot reorder them. (bench/server.ts is a deliberately minimal server of its own: the benchmark measures it.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One chat message as the server received it. */
export interface LoggedMessage {
  role: string;
  content: string;
}

/** A request as logged: the parsed body plus the parts tests read most. */
export interface LoggedRequest {
  /** 0-based arrival order. */
  index: number;
  /** Milliseconds since the server started, when the request body had fully arrived. */
  at: number;
  /** Milliseconds since the server started, when the whole response had been handed to the socket; unset if never. */
  finishedAt?: number;
  /** Milliseconds since the server started, when the connection that carried the request closed. */
  closedAt?: number;
  /** The raw header lines, name and value alternating, exactly as received. */
  rawHeaders: string[];
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw request body, exactly as received. */
  raw: string;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: Record<string, unknown> | undefined;
  model: string | undefined;
  temperature: number | undefined;
  messages: LoggedMessage[];
  /** Content of the first system message (Anthropic: the `system` field), '' when none. */
  system: string;
  /** Content of the user messages, joined with a blank line. */
  user: string;
  /** Every message's content, joined with newlines. */
  text: string;
  /** What the script answered. */
  reply?: Reply;
}

/** Faults a script can inject; `status` with `headers` covers 429 + Retry-After, 500 and 503. */
export type Fault =
  /** Destroy the socket without answering (ECONNRESET on the client). */
  | 'reset'
  /** Never answer; the connection stays open until the client gives up or the server closes. */
  | 'hang'
  /** Answer 200 with a JSON content type and a body that is not JSON. */
  | 'bad-json'
  /** Answer 200 with a proxy's HTML error page, `bytes` long when given. */
  | 'not-json'
  /** A complete HTTP 200 whose JSON body is cut short: `{"id":"x","choices":[{"mess`. */
  | 'truncated-json'
  /** Send status, headers and half of a completion promising the full Content-Length, then destroy the socket. */
  | 'cut-body'
  /** A valid completion with `choices: []`. */
  | 'empty-choices';

/** What the server sends back for one request. */
export interface Reply {
  /** The assistant's message content (default ''); for a non-2xx status, the error message. */
  text?: string;
  /** HTTP status (default 200). A non-2xx status sends an OpenAI-style error body. */
  status?: number;
  headers?: Record<string, string>;
  /** An error body's type and code (default rate_limit_exceeded for 429, server_error otherwise). */
  code?: string;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
  fault?: Fault;
  /** The length of a `not-json` page. */
  bytes?: number;
  /** Send the completion in `chunks` pieces, `intervalMs` apart, after the headers go out at once. */
  trickle?: { chunks: number; intervalMs: number };
  /** Token counts to report (default 10 prompt, 5 completion); total is their sum. */
  usage?: { prompt: number; completion: number };
}

/** Decides the reply to one request. `request.index` and the log allow counters and stateful scripts. */
export type Script = (
  request: LoggedRequest,
  log: readonly LoggedRequest[],
) => string | Reply | Promise<string | Reply>;

/**
 * A stateful script: the request's key (e.g. a row marker found in its messages) selects a list of replies, and the
 * n-th request with that key gets the n-th (the last one repeats). Keys without a plan get `otherwise`. Keyed by row
 * rather than by arrival order, so promptfoo's concurrency cannot reorder the plan.
 */
export function plan(
  keyOf: (r: LoggedRequest) => string | undefined,
  replies: Record<string, Reply[]>,
  otherwise: Reply = { text: 'ok' },
): Script {
  const seen = new Map<string, number>();
  return (request) => {
    const key = keyOf(request);
    const list = key === undefined ? undefined : replies[key];
    if (!key || !list || list.length === 0) return otherwise;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return list[Math.min(n, list.length - 1)] as Reply;
  };
}

/** The requests whose messages contain `marker`. */
export function requestsFor(server: ModelServer, marker: string): LoggedRequest[] {
  return server.requests.filter((r) => r.text.includes(marker));
}

/** A running server. */
export interface ModelServer {
  /** Base URL for OpenAI clients, ending in /v1. */
  baseUrl: string;
  /** Every request received, in arrival order. */
  requests: LoggedRequest[];
  /** Replaces the script for the requests that follow. */
  setScript(script: Script): void;
  /** Clears the request log. */
  reset(): void;
  /** Stops listening and drops open connections (hung ones included). */
  close(): Promise<void>;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : JSON.stringify(part)))
      .join('');
  }
  return content === undefined ? '' : JSON.stringify(content);
}

function logged(index: number, at: number, req: IncomingMessage, raw: string): LoggedRequest {
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const messages = (
    Array.isArray(body?.['messages']) ? (body['messages'] as { role?: unknown; content?: unknown }[]) : []
  ).map((m) => ({
    role: String(m.role),
    content: textOf(m.content),
  }));
  return {
    index,
    at,
    rawHeaders: [...req.rawHeaders],
    method: req.method ?? '',
    path: req.url ?? '',
    headers: { ...req.headers },
    raw,
    body,
    model: typeof body?.['model'] === 'string' ? body['model'] : undefined,
    temperature: typeof body?.['temperature'] === 'number' ? body['temperature'] : undefined,
    messages,
    system:
      messages.find((m) => m.role === 'system')?.content ??
      (body?.['system'] === undefined ? '' : textOf(body['system'])),
    user: messages
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .join('\n\n'),
    text: messages.map((m) => m.content).join('\n'),
  };
}

function completion(
  request: LoggedRequest,
  text: string,
  usage = { prompt: 10, completion: 5 },
  choices = true,
): string {
  return JSON.stringify({
    id: `chatcmpl-${request.index}`,
    object: 'chat.completion',
    created: 0,
    model: request.model ?? 'unknown',
    choices: choices
      ? [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }]
      : [],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    },
  });
}

/** An Anthropic Messages API answer. */
function message(request: LoggedRequest, text: string, usage = { prompt: 10, completion: 5 }): string {
  return JSON.stringify({
    id: `msg_${request.index}`,
    type: 'message',
    role: 'assistant',
    model: request.model ?? 'unknown',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    usage: { input_tokens: usage.prompt, output_tokens: usage.completion },
  });
}

/** Which API a request path belongs to, or undefined for a path no model API serves. */
function apiOf(path: string): 'openai' | 'anthropic' | undefined {
  if (path.endsWith('/chat/completions')) return 'openai';
  if (path.endsWith('/messages')) return 'anthropic';
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function answer(
  res: ServerResponse,
  socket: Socket,
  request: LoggedRequest,
  reply: Reply,
): Promise<void> {
  if (reply.delayMs) await sleep(reply.delayMs);
  if (socket.destroyed) return;
  const json = { 'content-type': 'application/json' };
  const status = reply.status ?? 200;
  const anthropic = apiOf(request.path) === 'anthropic';
  const body = (text: string) =>
    anthropic ? message(request, text, reply.usage) : completion(request, text, reply.usage);
  switch (reply.fault) {
    case 'reset':
      socket.destroy();
      return;
    case 'hang':
      return;
    case 'bad-json':
      res.writeHead(200, json).end('{"choices": [ this is not json');
      return;
    case 'not-json': {
      const page = '<html><body><h1>502 Bad Gateway</h1></body></html>';
      const padding = ' '.repeat(Math.max(0, (reply.bytes ?? page.length) - page.length));
      res.writeHead(200, { 'content-type': 'text/html' }).end(page + padding);
      return;
    }
    case 'truncated-json':
      res.writeHead(200, json).end('{"id":"chatcmpl-fault","choices":[{"mess');
      return;
    case 'cut-body': {
      const whole = body('this answer is cut off in the middle');
      res.writeHead(200, { ...json, 'content-length': String(Buffer.byteLength(whole)) });
      res.write(whole.slice(0, Math.floor(whole.length / 2)));
      setTimeout(() => socket.destroy(), 20);
      return;
    }
    case 'empty-choices':
      res.writeHead(200, json).end(completion(request, '', reply.usage, false));
      return;
    case undefined:
      break;
  }
  if (status >= 400) {
    const type = reply.code ?? (status === 429 ? 'rate_limit_exceeded' : 'server_error');
    const error = { message: reply.text ?? `scripted ${status}`, type, code: type };
    res.writeHead(status, { ...json, ...reply.headers }).end(JSON.stringify({ error }));
    return;
  }
  const text = body(reply.text ?? '');
  res.writeHead(status, { ...json, ...reply.headers });
  if (!reply.trickle) {
    res.end(text);
    return;
  }
  const size = Math.ceil(text.length / reply.trickle.chunks);
  for (let i = 0; i < text.length && !socket.destroyed; i += size) {
    res.write(text.slice(i, i + size));
    await sleep(reply.trickle.intervalMs);
  }
  if (!socket.destroyed) res.end();
}

/**
 * Starts a server on an ephemeral 127.0.0.1 port. Requests to paths other than `/v1/chat/completions` and
 * `/v1/messages` are logged and answered 404, so a misrouted client shows up in the log instead of going unnoticed.
 */
export async function startModelServer(script: Script = () => 'ok'): Promise<ModelServer> {
  let current = script;
  const started = Date.now();
  const requests: LoggedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = logged(
        requests.length,
        Date.now() - started,
        req,
        Buffer.concat(chunks).toString('utf8'),
      );
      requests.push(request);
      req.socket.once('close', () => (request.closedAt = Date.now() - started));
      res.once('finish', () => (request.finishedAt = Date.now() - started));
      if (!apiOf(request.path)) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `no route ${request.path}` } }));
        return;
      }
      Promise.resolve()
        .then(() => current(request, requests))
        .then((r) => {
          request.reply = typeof r === 'string' ? { text: r } : r;
          return answer(res, req.socket, request, request.reply);
        })
        .catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `test script threw: ${String(error)}` } }));
        });
    });
  });
  const { baseUrl, close } = await listenOnLoopback(server);
  return {
    baseUrl,
    requests,
    setScript: (next) => {
      current = next;
    },
    reset: () => {
      requests.length = 0;
    },
    close,
  };
}

/**
 * Starts `server` on 127.0.0.1 at a free port (never another interface) and returns its OpenAI-style base URL and a
 * `close` that also destroys open connections, so a test's hung or slow requests cannot keep it alive.
 */
export async function listenOnLoopback(
  server: Server,
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
