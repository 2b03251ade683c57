/**
 * Asks an OpenAI-compatible chat endpoint for a grade. The one place in suites/gossip/src that does network I/O;
 * the rubric assertion calls it only when its config names a grader.
 */
import type { ChatMessage } from './rubric';

export interface GraderEndpoint {
  /** Base URL up to `/v1` (the request goes to `${apiBaseUrl}/chat/completions`). */
  apiBaseUrl: string;
  model: string;
  /** Name of the environment variable that holds the API key; no key is sent without it. */
  apiKeyEnv?: string;
  /** Request timeout in milliseconds (default 60 s). */
  timeoutMs?: number;
}

/** Validates a `config.grader` value; returns the endpoint or a sentence saying what is wrong. */
export function readGraderEndpoint(value: unknown): GraderEndpoint | string {
  if (value === undefined || value === null) return 'no grader configured';
  if (typeof value !== 'object') return 'config.grader must be an object { apiBaseUrl, model, apiKeyEnv? }';
  const g = value as Record<string, unknown>;
  if (typeof g['apiBaseUrl'] !== 'string' || !/^https?:\/\//.test(g['apiBaseUrl'])) {
    return 'config.grader.apiBaseUrl must be an http(s) URL';
  }
  if (typeof g['model'] !== 'string' || g['model'] === '') return 'config.grader.model must be a model name';
  if (g['apiKeyEnv'] !== undefined && typeof g['apiKeyEnv'] !== 'string')
    return 'config.grader.apiKeyEnv must be a string';
  const endpoint: GraderEndpoint = { apiBaseUrl: g['apiBaseUrl'].replace(/\/+$/, ''), model: g['model'] };
  if (typeof g['apiKeyEnv'] === 'string') endpoint.apiKeyEnv = g['apiKeyEnv'];
  if (typeof g['timeoutMs'] === 'number') endpoint.timeoutMs = g['timeoutMs'];
  return endpoint;
}

/** Sends the messages at temperature 0 and returns the first choice's text. Throws with a clear message. */
export async function askGrader(endpoint: GraderEndpoint, messages: ChatMessage[]): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.apiKeyEnv) {
    const key = process.env[endpoint.apiKeyEnv];
    if (!key)
      throw new Error(`environment variable ${endpoint.apiKeyEnv} (config.grader.apiKeyEnv) is not set`);
    headers['authorization'] = `Bearer ${key}`;
  }
  const response = await fetch(`${endpoint.apiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: endpoint.model, messages, temperature: 0, max_tokens: 200 }),
    signal: AbortSignal.timeout(endpoint.timeoutMs ?? 60_000),
  });
  const body = await response.text();
  if (!response.ok)
    throw new Error(`HTTP ${response.status} from ${endpoint.apiBaseUrl}: ${body.slice(0, 200)}`);
  let parsed: { choices?: { message?: { content?: unknown } }[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new Error(`the grader's response is not JSON: ${body.slice(0, 200)}`);
  }
  const content = parsed.choices?.[0]?.message?.content;
  if (typeof content !== 'string')
    throw new Error(`the grader's response has no choices[0].message.content: ${body.slice(0, 200)}`);
  return content;
}
