/**
 * A fault-injecting OpenAI-compatible chat server on 127.0.0.1 (ephemeral port). Each request gets the fault
 * the test's script picks for it: rate limits with Retry-After, 5xx, connection resets, hangs, truncated or
 * non-JSON bodies, empty `choices`, slow or trickled replies, oversized replies. Every request is logged with
 * its raw header lines and body, so tests can count retries, time them, and grep for secrets.
 *
 * Separate from tests/integration/harness/server.ts (owned elsewhere) because hardening needs faults that
 * server does not model (mid-body cuts, trickling, oversized bodies) and timestamps on every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from '../integration/harness/server';

/** What the server does with one request. */
export type Fault =
  /** A normal chat completion whose content is `text` (default 'ok'). */
  | { kind: 'reply'; text?: string }
  /** An HTTP error with an OpenAI-style JSON body; `retryAfter` becomes the Retry-After header (seconds or a date). */
  | { kind: 'status'; status: number; retryAfter?: string; message?: string; code?: string }
  /** Destroys the socket before sending a byte (ECONNRESET / "other side closed" on the client). */
  | { kind: 'reset' }
  /** Sends status, headers and half of a completion promising the full Content-Length, then destroys the socket. */
  | { kind: 'cut-body' }
  /** Never answers; the connection stays open until the client gives up or the server closes. */
  | { kind: 'hang' }
  /** A complete HTTP 200 whose JSON body is cut short: `{"id":"x","choices":[{"mess`. */
  | { kind: 'truncated-json' }
  /** A complete HTTP 200 whose body is not JSON at all (an HTML error page from a proxy), `bytes` long. */
  | { kind: 'not-json'; bytes?: number }
  /** A valid completion with `choices: []`. */
  | { kind: 'empty-choices' }
  /** A completion sent in `chunks` pieces, `intervalMs` apart, after headers go out at once. */
  | { kind: 'trickle'; text?: string; chunks: number; intervalMs: number }
  /** A completion whose content is `bytes` of text. */
  | { kind: 'oversized'; bytes: number };

/** A fault, optionally after a delay before anything is sent. */
export type Step = Fault & { delayMs?: number };

/** One request as received. */
export interface FaultRequest {
  /** 0-based arrival order. */
  index: number;
  /** Milliseconds since the server started, when the request body had fully arrived. */
  at: number;
  method: string;
  url: string;
  /** The raw header lines, name and value alternating, exactly as received. */
  rawHeaders: string[];
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received. */
  raw: string;
  model?: string;
  /** All message contents, joined with newlines. */
  text: string;
  /** The fault the script picked. */
  step?: Step;
  /** Milliseconds since the server started, when the connection that carried the request closed. */
  closedAt?: number;
  /** Milliseconds since the server started, when the whole response had been handed to the socket; unset if never. */
  finishedAt?: number;
}

/** Picks the step for a request; may keep state (per-row attempt counters, see `plan`). */
export type Script = (request: FaultRequest, log: readonly FaultRequest[]) => Step;

export interface FaultServer {
  /** Base URL for OpenAI clients, ending in /v1. */
  baseUrl: string;
  requests: FaultRequest[];
  setScript(script: Script): void;
  /** Closes the listener and destroys every open connection (hung ones included). */
  close(): Promise<void>;
}

/** The text of an OpenAI-style chat completion. */
export function completionBody(content: string, model = 'unknown', choices = true): string {
  return JSON.stringify({
    id: 'chatcmpl-fault',
    object: 'chat.completion',
    created: 0,
    model,
    choices: choices ? [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] : [],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function messageText(body: unknown): string {
  const messages = (body as { messages?: { content?: unknown }[] } | undefined)?.messages;
  if (!Array.isArray(messages)) return '';
  return messages
    .map((m) => (typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content)))
    .join('\n');
}

async function respond(req: FaultRequest, res: ServerResponse, socket: Socket, step: Step): Promise<void> {
  if (step.delayMs) await sleep(step.delayMs);
  if (socket.destroyed) return;
  const json = { 'content-type': 'application/json' };
  switch (step.kind) {
    case 'reply':
      res.writeHead(200, json).end(completionBody(step.text ?? 'ok', req.model));
      return;
    case 'status': {
      const headers: Record<string, string> = { ...json };
      if (step.retryAfter !== undefined) headers['retry-after'] = step.retryAfter;
      const type = step.code ?? (step.status === 429 ? 'rate_limit_exceeded' : 'server_error');
      res
        .writeHead(step.status, headers)
        .end(
          JSON.stringify({ error: { message: step.message ?? `scripted ${step.status}`, type, code: type } }),
        );
      return;
    }
    case 'reset':
      socket.destroy();
      return;
    case 'cut-body': {
      const body = completionBody('this answer is cut off in the middle', req.model);
      res.writeHead(200, { ...json, 'content-length': String(Buffer.byteLength(body)) });
      res.write(body.slice(0, Math.floor(body.length / 2)));
      setTimeout(() => socket.destroy(), 20);
      return;
    }
    case 'hang':
      return;
    case 'truncated-json':
      res.writeHead(200, json).end('{"id":"chatcmpl-fault","choices":[{"mess');
      return;
    case 'not-json': {
      const page = '<html><body><h1>502 Bad Gateway</h1></body></html>';
      const bytes = step.bytes ?? page.length;
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(page + ' '.repeat(Math.max(0, bytes - page.length)));
      return;
    }
    case 'empty-choices':
      res.writeHead(200, json).end(completionBody('', req.model, false));
      return;
    case 'trickle': {
      const body = completionBody(step.text ?? 'slowly, but surely', req.model);
      res.writeHead(200, json);
      const size = Math.ceil(body.length / step.chunks);
      for (let i = 0; i < body.length && !socket.destroyed; i += size) {
        res.write(body.slice(i, i + size));
        await sleep(step.intervalMs);
      }
      if (!socket.destroyed) res.end();
      return;
    }
    case 'oversized':
      res.writeHead(200, json).end(completionBody('x'.repeat(step.bytes), req.model));
      return;
  }
}

/** Starts a fault server; `script` defaults to answering 'ok' to everything. */
export async function startFaultServer(script: Script = () => ({ kind: 'reply' })): Promise<FaultServer> {
  let current = script;
  const started = Date.now();
  const requests: FaultRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const model = (body as { model?: unknown } | undefined)?.model;
      const request: FaultRequest = {
        index: requests.length,
        at: Date.now() - started,
        method: req.method ?? '',
        url: req.url ?? '',
        rawHeaders: [...req.rawHeaders],
        headers: { ...req.headers },
        raw,
        ...(typeof model === 'string' ? { model } : {}),
        text: messageText(body),
      };
      requests.push(request);
      req.socket.once('close', () => (request.closedAt = Date.now() - started));
      res.once('finish', () => (request.finishedAt = Date.now() - started));
      if (!request.url.endsWith('/chat/completions')) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"error":{"message":"no such route"}}');
        return;
      }
      let step: Step;
      try {
        step = current(request, requests);
      } catch (error) {
        step = { kind: 'status', status: 500, message: `test script threw: ${String(error)}` };
      }
      request.step = step;
      void respond(request, res, req.socket, step).catch(() => req.socket.destroy());
    });
  });
  const { baseUrl, close } = await listenOnLoopback(server);
  return {
    baseUrl,
    requests,
    setScript: (next) => {
      current = next;
    },
    close,
  };
}

/**
 * A stateful script: the request's key (e.g. a row marker found in its messages) selects a list of steps, and the
 * n-th request with that key gets the n-th step (the last one repeats). Keys without a plan get `otherwise`.
 * Keyed by row rather than by arrival order, so promptfoo's concurrency cannot reorder the plan.
 */
export function plan(
  keyOf: (r: FaultRequest) => string | undefined,
  steps: Record<string, Step[]>,
  otherwise: Step = { kind: 'reply' },
): Script {
  const seen = new Map<string, number>();
  return (request) => {
    const key = keyOf(request);
    const list = key === undefined ? undefined : steps[key];
    if (!key || !list || list.length === 0) return otherwise;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return list[Math.min(n, list.length - 1)] as Step;
  };
}

/** The requests whose messages contain `marker`. */
export function requestsFor(server: FaultServer, marker: string): FaultRequest[] {
  return server.requests.filter((r) => r.text.includes(marker));
}
