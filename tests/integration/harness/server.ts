/**
 * A scriptable OpenAI-compatible chat server on 127.0.0.1 (random port), standing in for every model API in
 * integration tests. It logs every request and answers with whatever the test's script returns for it. It speaks
 * Anthropic's Messages API too (`/v1/messages`), so a test can point ANTHROPIC_BASE_URL at it.
 *
 * A script reply is either the assistant's text or a `Reply`: text plus status, headers, delay, or a fault
 * (connection reset, hang until the client gives up, a body that is not JSON). New faults are one more
 * `fault` kind here; tests only change their scripts.
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
}

/** Faults a script can inject; `status` with `headers` covers 429 + Retry-After, 500 and 503. */
export type Fault =
  /** Destroy the socket without answering (ECONNRESET on the client). */
  | 'reset'
  /** Never answer; the client times out. */
  | 'hang'
  /** Answer 200 with a body that is not JSON. */
  | 'bad-json';

/** What the server sends back for one request. */
export interface Reply {
  /** The assistant's message content (default ''). */
  text?: string;
  /** HTTP status (default 200). A non-2xx status sends an OpenAI-style error body with `text` as its message. */
  status?: number;
  headers?: Record<string, string>;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
  fault?: Fault;
  /** Token counts to report (default 10 prompt, 5 completion); total is their sum. */
  usage?: { prompt: number; completion: number };
}

/** Decides the reply to one request. `request.index` and the log allow counters and stateful scripts. */
export type Script = (
  request: LoggedRequest,
  log: readonly LoggedRequest[],
) => string | Reply | Promise<string | Reply>;

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

function logged(index: number, req: IncomingMessage, raw: string): LoggedRequest {
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
  };
}

function completion(request: LoggedRequest, text: string, usage = { prompt: 10, completion: 5 }): string {
  return JSON.stringify({
    id: `chatcmpl-${request.index}`,
    object: 'chat.completion',
    created: 0,
    model: request.model ?? 'unknown',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
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

async function answer(
  res: ServerResponse,
  socket: Socket,
  request: LoggedRequest,
  reply: Reply,
): Promise<void> {
  if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
  if (reply.fault === 'reset') {
    socket.destroy();
    return;
  }
  if (reply.fault === 'hang') return;
  const status = reply.status ?? 200;
  res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
  if (reply.fault === 'bad-json') res.end('{"choices": [ this is not json');
  else if (status >= 400)
    res.end(
      JSON.stringify({
        error: { message: reply.text ?? `scripted ${status}`, type: 'server_error', code: status },
      }),
    );
  else if (apiOf(request.path) === 'anthropic') res.end(message(request, reply.text ?? '', reply.usage));
  else res.end(completion(request, reply.text ?? '', reply.usage));
}

/**
 * Starts a server on an ephemeral 127.0.0.1 port. Requests to paths other than `/v1/chat/completions` and
 * `/v1/messages` are logged and answered 404, so a misrouted client shows up in the log instead of going unnoticed.
 */
export async function startModelServer(script: Script = () => 'ok'): Promise<ModelServer> {
  let current = script;
  const requests: LoggedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = logged(requests.length, req, Buffer.concat(chunks).toString('utf8'));
      requests.push(request);
      if (!apiOf(request.path)) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `no route ${request.path}` } }));
        return;
      }
      Promise.resolve()
        .then(() => current(request, requests))
        .then((r) => answer(res, req.socket, request, typeof r === 'string' ? { text: r } : r))
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
