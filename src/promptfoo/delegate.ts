/**
 * Calls a model: OpenAI-compatible chat endpoints through our small client (src/models/openaiChat.ts), every other
 * target (Anthropic, Azure, Ollama, any promptfoo id, or an OpenAI config with keys that client does not serve)
 * through promptfoo's own providers.
 *
 * A provider file that imports promptfoo gets a second copy of its modules under the CLI (platform notes), whose
 * response cache ignores the CLI's per-repeat namespace and `--no-cache`: `--repeat 3` would return one cached answer
 * three times. So that copy is loaded only when a target needs it, with its cache switched off, and every call
 * reaches the model.
 *
 * That copy's own retries are switched off too (`maxRetries: 0`): they wait as long as Retry-After says without a
 * cap and time out only the response headers. Calls are retried and timed out here instead, within CallLimits.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as path from 'node:path';
import { openAiChatClient, type ChatClient, type ModelResponse } from '../models/openaiChat';
import type { ChatMessage } from '../promptfile/messages';
import { decide, DEFAULT_LIMITS, type CallLimits, type Failure } from '../variants/retry';
import { keyVariable } from '../variants/variant';

export type DelegateResponse = ModelResponse;

/**
 * A response after retries: how many attempts it took, why retrying stopped when it ended in an error, how long
 * the retry loop waited between attempts, and the call's latency: from the first attempt's start to the last one's
 * end. Loading promptfoo's provider modules (seconds, on a row's first call) and the evaluator's queueing happen
 * before that and are not latency.
 */
export interface CallOutcome extends DelegateResponse {
  attempts: number;
  gaveUp?: string;
  waitedMs: number;
  latencyMs: number;
}

interface LoadedProvider {
  callApi(prompt: string, context?: unknown): Promise<DelegateResponse>;
}

// The promptfoo module is typed loosely here on purpose: its CJS entry is loaded lazily, only for live calls.
type PromptfooModule = {
  loadApiProvider(
    id: string,
    context: { options: { config: Record<string, unknown> }; env?: Record<string, string | undefined> },
  ): Promise<LoadedProvider>;
  cache: { disableCache(): void };
};

let promptfoo: PromptfooModule | undefined;
const clients = new Map<string, Promise<ChatClient>>();

/**
 * promptfoo's CJS build reads chalk through an interop helper that, under Node's require(esm), finds chalk's module
 * namespace where it expects the chalk instance: every `logger.error`/`logger.warn` of that copy then throws
 * `chalk.default.red is not a function`, so a 429, a reset or a bad body surfaced as that TypeError instead of its
 * own message. Handing that copy an object that is both the instance and the namespace fixes it.
 */
function patchChalkForCjs(): void {
  try {
    const file = require.resolve('chalk', { paths: [path.dirname(require.resolve('promptfoo'))] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const namespace = require(file) as { default?: object };
    const entry = require.cache[file];
    if (entry && namespace.default && !('red' in namespace))
      entry.exports = Object.assign(Object.create(namespace.default), namespace);
  } catch {
    // A chalk that loads as CommonJS needs nothing.
  }
}

function load(): PromptfooModule {
  if (!promptfoo) {
    patchChalkForCjs();
    // promptfoo sizes its connection pool from the CLI's --max-concurrency, which this copy never sees: it fell back
    // to 4 connections per host, so with -j 16 twelve calls queued (their timeouts running) behind four slow ones.
    // A pool this size leaves the limit to the evaluator's concurrency, in this copy and the CLI's alike.
    process.env['PROMPTFOO_FETCH_CONNECTIONS'] ??= '64';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    promptfoo = require('promptfoo') as PromptfooModule;
    promptfoo.cache.disableCache();
  }
  return promptfoo;
}

/**
 * Calls the promptfoo provider `id` with `config` on a chat, retrying transient failures within `limits` (see
 * src/variants/retry.ts). `env` is the config's `env:` as promptfoo handed it to our provider: this second module
 * copy never sees the CLI's config, so it must be passed on explicitly. Provider instances are reused per config
 * and env.
 */
export async function callProvider(
  id: string,
  config: Record<string, unknown>,
  messages: ChatMessage[],
  env?: Record<string, string | undefined>,
  limits: CallLimits = DEFAULT_LIMITS,
): Promise<CallOutcome> {
  const inner = { ...withKeyFromEnvar(config, env), maxRetries: 0 };
  const key = `${id}\n${JSON.stringify(inner)}\n${JSON.stringify(env ?? {})}`;
  let client = clients.get(key);
  if (!client) {
    const direct = openAiChatClient(id, inner, env);
    client = direct ? Promise.resolve(direct) : promptfooClient(id, inner, env);
    clients.set(key, client);
  }
  const loaded = await client;
  const secrets = secretsOf(id, inner, env);
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  let waited = 0;
  for (let attempts = 1; ; attempts++) {
    const response = redact(await attempt(loaded, messages, limits.timeoutMs), secrets);
    if (!response.error) return { ...response, attempts, waitedMs: waited, latencyMs: latencyMs() };
    const decision = decide(failureOf(response), attempts, waited, limits);
    if (!decision.retry) {
      const gaveUp = decision.why ? { gaveUp: decision.why } : {};
      return { ...response, attempts, waitedMs: waited, latencyMs: latencyMs(), ...gaveUp };
    }
    await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    waited += decision.delayMs;
  }
}

/** The API keys a call carries: the config's own, else the target family's variable from `env` or the process. */
function secretsOf(
  id: string,
  config: Record<string, unknown>,
  env?: Record<string, string | undefined>,
): string[] {
  const variable = keyVariable(id);
  const candidates = [config['apiKey'], variable && env?.[variable], variable && process.env[variable]];
  return candidates.filter((k): k is string => typeof k === 'string' && k.length >= 8);
}

/**
 * A response with the call's API keys cut out of its error and output. A server or proxy that echoes the
 * Authorization header (as some 401 pages do) would otherwise put the key into results, promptfoo.db and the
 * cassettes meant to be committed.
 */
function redact<T extends DelegateResponse>(response: T, secrets: string[]): T {
  if (secrets.length === 0) return response;
  const scrub = (text: string) => secrets.reduce((t, k) => t.split(k).join('[redacted API key]'), text);
  const out = { ...response };
  if (typeof out.error === 'string') out.error = scrub(out.error);
  if (typeof out.output === 'string') out.output = scrub(out.output);
  else if (out.output !== undefined && secrets.some((k) => JSON.stringify(out.output).includes(k))) {
    out.output = JSON.parse(scrub(JSON.stringify(out.output)));
  }
  return out;
}

/** A chat client over promptfoo's provider `id` (loading promptfoo's second copy on first use). */
async function promptfooClient(
  id: string,
  config: Record<string, unknown>,
  env?: Record<string, string | undefined>,
): Promise<ChatClient> {
  const provider = await load().loadApiProvider(id, { options: { config }, ...(env ? { env } : {}) });
  abortableFetch();
  return {
    // No vars at all: nothing of the row may be re-rendered by the inner provider, and with vars (even empty ones) it
    // renders the strings of its config with Nunjucks, so a jsonSchema description holding `{{` or `{%` would change.
    chat: (messages, signal) =>
      attemptSignal.run(signal, () =>
        provider.callApi(JSON.stringify(messages), { prompt: { raw: '', label: 'promptfile' } }),
      ),
  };
}

/**
 * The abort signal of the attempt running in this async context. promptfoo's providers take no signal, and a call
 * abandoned at our timeout would keep its connection until promptfoo's own REQUEST_TIMEOUT_MS (5 minutes) or for
 * ever (a trickled body): four such calls fill the second copy's pool of 4 connections per host, and every later
 * call waits behind them. So fetch, which promptfoo looks up on globalThis for every request, is wrapped once to
 * add the attempt's signal; outside an attempt it is left untouched.
 */
const attemptSignal = new AsyncLocalStorage<AbortSignal>();
let fetchWrapped = false;

function abortableFetch(): void {
  if (fetchWrapped) return;
  fetchWrapped = true;
  const original = globalThis.fetch;
  globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const signal = attemptSignal.getStore();
    if (!signal) return original(input, init);
    return original(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
    });
  };
}

/** One call, ended after `timeoutMs` whatever the server does (promptfoo's own timeout stops at the headers). */
async function attempt(
  client: ChatClient,
  messages: ChatMessage[],
  timeoutMs: number,
): Promise<DelegateResponse & { timedOut?: boolean }> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DelegateResponse & { timedOut: boolean }>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`no complete answer within ${timeoutMs} ms`));
      resolve({ error: `no complete answer within ${timeoutMs} ms (timeoutMs)`, timedOut: true });
    }, timeoutMs);
  });
  const call = client.chat(messages, controller.signal).catch((error: unknown): DelegateResponse => ({
    error: error instanceof Error ? error.message : String(error),
  }));
  try {
    return await Promise.race([call, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function failureOf(response: DelegateResponse & { timedOut?: boolean }): Failure {
  const http = response.metadata?.http;
  return {
    message: response.error ?? '',
    ...(typeof http?.status === 'number' ? { status: http.status } : {}),
    ...(http?.headers ? { headers: http.headers } : {}),
    ...(typeof response.metadata?.rateLimitKind === 'string'
      ? { rateLimitKind: response.metadata.rateLimitKind }
      : {}),
    ...(response.timedOut ? { timedOut: true } : {}),
  };
}

/**
 * promptfoo's `apiKeyEnvar` for every target family: only its OpenAI-style providers read it themselves.
 * `promptfile eval` relies on it to keep literal keys out of the config promptfoo stores (src/promptfoo/runConfig.ts).
 */
function withKeyFromEnvar(
  config: Record<string, unknown>,
  env?: Record<string, string | undefined>,
): Record<string, unknown> {
  const name = config['apiKeyEnvar'];
  if (typeof name !== 'string' || config['apiKey'] !== undefined) return config;
  const value = env?.[name] ?? process.env[name];
  return value ? { ...config, apiKey: value } : config;
}
