/**
 * A small client for OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp, LM Studio, Ollama's /v1, any proxy).
 *
 * Why not promptfoo's own OpenAI provider: a provider file that imports promptfoo gets a second copy of its modules
 * under the CLI (about 0.85 s of start-up per eval, measured in BENCHMARKS.md, and twice the memory), and that copy
 * needs its cache, retries and connection pool switched off to behave. This client is one fetch per attempt; retries
 * and timeouts stay in src/promptfoo/delegate.ts. It reads the provider config as promptfoo's OpenAI provider does (same
 * keys, same environment variables, same precedence), and sends only what the config sets. A config with any key it
 * does not know (tools, functions, file:// formats, ...) is not its to serve: `openAiChatClient` returns undefined and
 * the call goes through promptfoo's provider as before.
 */
import type { ChatMessage } from '../promptfile/messages';
import { chatCost } from './prices';

/** What a model call returns: promptfoo's ProviderResponse fields this project reads. */
export interface ModelResponse {
  output?: unknown;
  error?: string;
  tokenUsage?: { prompt?: number; completion?: number; total?: number; cached?: number };
  cost?: number;
  cached?: boolean;
  finishReason?: string;
  metadata?: {
    http?: { status?: number; statusText?: string; headers?: Record<string, string> };
    rateLimitKind?: string;
    [k: string]: unknown;
  };
}

/** A model endpoint that answers a chat; `signal` ends the attempt (headers and body). */
export interface ChatClient {
  chat(messages: ChatMessage[], signal: AbortSignal): Promise<ModelResponse>;
}

type Env = Record<string, string | undefined>;

/** Body parameters sent as the config spells them, in promptfoo's order. */
const BODY_KEYS = [
  'seed',
  'max_tokens',
  'max_completion_tokens',
  'reasoning_effort',
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'stop',
] as const;

/** Config keys that shape the request without being body parameters, and promptfoo keys that send nothing here. */
const REQUEST_KEYS = [
  'apiBaseUrl',
  'apiHost',
  'apiKey',
  'apiKeyEnvar',
  'apiKeyRequired',
  'organization',
  'headers',
  'passthrough',
  'omitDefaults',
  'maxRetries',
  // promptfoo adds the config's directory to every provider config.
  'basePath',
  'cost',
  'inputCost',
  'outputCost',
  'user',
  'service_tier',
  'store',
] as const;

const KNOWN = new Set<string>([...BODY_KEYS, ...REQUEST_KEYS]);

/** Reasoning models refuse temperature and max_tokens (promptfoo drops them for these too). */
function isReasoningModel(model: string): boolean {
  const name = model.split('/').pop() ?? '';
  return /^(o1|o3|o4)(-|$)/i.test(name) || /^gpt-5/i.test(name);
}

/** Why `config` needs promptfoo's provider (a key or value this client does not serve), or undefined. */
function unserved(config: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (!KNOWN.has(key)) return key;
    if (key === 'omitDefaults' && value !== true) return key; // promptfoo's defaults (T=0, max_tokens 1024) wanted
    if (key === 'response_format' && (typeof value !== 'object' || value === null)) return key; // file://...
    if (key === 'headers' && !stringRecord(value)) return key;
    if (key === 'passthrough' && (typeof value !== 'object' || value === null || Array.isArray(value)))
      return key;
  }
  return undefined;
}

function stringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The endpoint, as promptfoo's OpenAI provider picks it: apiHost, apiBaseUrl, then the environment, then OpenAI. */
function baseUrl(config: Record<string, unknown>, env: Env): string {
  const host = text(config['apiHost']);
  if (host) return `https://${host}/v1`;
  const base = text(config['apiBaseUrl']);
  if (base) return base;
  const envHost = text(env['OPENAI_API_HOST']) ?? text(process.env['OPENAI_API_HOST']);
  if (envHost) return `https://${envHost}/v1`;
  return (
    text(env['OPENAI_API_BASE_URL']) ??
    text(env['OPENAI_BASE_URL']) ??
    text(process.env['OPENAI_API_BASE_URL']) ??
    text(process.env['OPENAI_BASE_URL']) ??
    'https://api.openai.com/v1'
  );
}

/** The API key, as promptfoo's OpenAI provider picks it. */
export function openAiKey(config: Record<string, unknown>, env: Env): string | undefined {
  const envar = text(config['apiKeyEnvar']);
  return (
    text(config['apiKey']) ??
    (envar ? (text(process.env[envar]) ?? text(env[envar])) : undefined) ??
    text(env['OPENAI_API_KEY']) ??
    text(process.env['OPENAI_API_KEY'])
  );
}

/**
 * A client for promptfoo id `id` (`openai:chat:MODEL`) with promptfoo provider config `config` and the config's `env:`,
 * or undefined when the id or config needs promptfoo's own provider.
 */
export function openAiChatClient(
  id: string,
  config: Record<string, unknown>,
  env: Env = {},
): ChatClient | undefined {
  const model = /^openai:chat:(.+)$/s.exec(id)?.[1];
  if (!model || unserved(config) !== undefined) return undefined;
  const url = `${baseUrl(config, env).replace(/\/+$/, '')}/chat/completions`;
  const key = openAiKey(config, env);
  const organization =
    text(config['organization']) ??
    text(env['OPENAI_ORGANIZATION']) ??
    text(process.env['OPENAI_ORGANIZATION']);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    ...(key ? { Authorization: `Bearer ${key}` } : {}),
    ...(organization ? { 'OpenAI-Organization': organization } : {}),
    ...((config['headers'] as Record<string, string> | undefined) ?? {}),
  };
  const reasoning = isReasoningModel(model);
  return {
    async chat(messages, signal) {
      const body: Record<string, unknown> = { model, messages };
      for (const k of BODY_KEYS) {
        if (config[k] === undefined) continue;
        if (reasoning && (k === 'temperature' || k === 'max_tokens')) continue;
        body[k] = config[k];
      }
      Object.assign(body, config['passthrough'] ?? {});
      for (const k of ['service_tier', 'user', 'store'] as const) {
        if (config[k] !== undefined) body[k] = config[k];
      }
      return post(url, headers, body, signal, (usage) =>
        chatCost(model, config, usage.prompt, usage.completion),
      );
    },
  };
}

type Usage = NonNullable<ModelResponse['tokenUsage']>;

async function post(
  url: string,
  headers: Record<string, string>,
  body: Record<string, unknown>,
  signal: AbortSignal,
  cost: (usage: Usage) => number | undefined,
): Promise<ModelResponse> {
  let response: Response;
  let raw: string;
  try {
    response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    raw = await response.text();
  } catch (error) {
    return { error: `API call error: ${describe(error)}`, metadata: { http: { status: 0 } } };
  }
  const http = {
    status: response.status,
    statusText: response.statusText,
    headers: Object.fromEntries([...response.headers].map(([k, v]) => [k.toLowerCase(), v])),
  };
  let data: unknown;
  let parseError: string | undefined;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    parseError = (error as Error).message;
  }
  if (!response.ok) {
    const detail = (data as { error?: { code?: unknown; type?: unknown; message?: unknown } } | undefined)
      ?.error;
    if (
      response.status === 429 &&
      (detail?.code === 'insufficient_quota' || detail?.type === 'insufficient_quota')
    ) {
      return {
        error: `Quota exceeded (insufficient_quota): ${typeof detail.message === 'string' ? detail.message : raw}`,
        metadata: { http, rateLimitKind: 'quota' },
      };
    }
    return { error: `API error: ${response.status} ${response.statusText}\n${raw}`, metadata: { http } };
  }
  if (parseError !== undefined) {
    return {
      error: `API answered ${response.status} with a body that is not valid JSON (${parseError}): ${raw}`,
      metadata: { http },
    };
  }
  const answer = data as {
    choices?: { message?: Record<string, unknown>; finish_reason?: unknown }[];
    usage?: {
      prompt_tokens?: number;
      completion_tokens?: number;
      total_tokens?: number;
      prompt_tokens_details?: { cached_tokens?: number };
    };
  };
  const choice = Array.isArray(answer?.choices) ? answer.choices[0] : undefined;
  const message = choice?.message;
  if (!message || typeof message !== 'object') {
    return {
      error: `API answered ${response.status} with no choice to read: ${raw.slice(0, 500)}`,
      metadata: { http },
    };
  }
  const usage: Usage = {};
  if (answer.usage) {
    const u = answer.usage;
    if (typeof u.prompt_tokens === 'number') usage.prompt = u.prompt_tokens;
    if (typeof u.completion_tokens === 'number') usage.completion = u.completion_tokens;
    if (typeof u.total_tokens === 'number') usage.total = u.total_tokens;
    const cached = u.prompt_tokens_details?.cached_tokens;
    if (typeof cached === 'number') usage.cached = cached;
  }
  const price = cost(usage);
  return {
    output: outputOf(message),
    ...(answer.usage ? { tokenUsage: usage } : {}),
    ...(price !== undefined ? { cost: price } : {}),
    cached: false,
    ...(typeof choice?.finish_reason === 'string' ? { finishReason: choice.finish_reason } : {}),
    metadata: { http },
  };
}

/** The answer: a refusal's text, else the content, else the tool or function calls it made. */
function outputOf(message: Record<string, unknown>): unknown {
  if (typeof message['refusal'] === 'string' && message['refusal'] !== '') return message['refusal'];
  const content = message['content'];
  const calls = message['tool_calls'] ?? message['function_call'];
  if ((content === null || content === undefined || content === '') && calls !== undefined) return calls;
  return typeof content === 'string' ? content : (content ?? '');
}

/** fetch's own message and, as undici nests it, the socket error under it (`other side closed`, ECONNRESET). */
function describe(error: unknown): string {
  // Read by shape: an Error from fetch may come from another realm (a test sandbox), where instanceof fails.
  const e = error as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  if (typeof e?.message !== 'string') return String(error);
  const cause = e.cause;
  const inner = [cause?.code, cause?.message].filter((x) => typeof x === 'string' && x !== '').join(' ');
  return inner ? `${e.message} (${inner})` : e.message;
}
