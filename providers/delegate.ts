/**
 * Calls promptfoo's own providers (OpenAI and compatible servers, Anthropic, Azure, Ollama, any promptfoo id)
 * instead of hand-written HTTP clients.
 *
 * A provider file that imports promptfoo gets a second copy of its modules under the CLI (platform notes),
 * whose response cache ignores the CLI's per-repeat namespace and `--no-cache`: `--repeat 3` would return one
 * cached answer three times. So that copy's cache is switched off, and every call reaches the model.
 */
import type { ChatMessage } from '../src/suite/messages';

export interface DelegateResponse {
  output?: unknown;
  error?: string;
  tokenUsage?: { prompt?: number; completion?: number; total?: number; cached?: number };
  cost?: number;
  cached?: boolean;
  finishReason?: string;
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
const providers = new Map<string, Promise<LoadedProvider>>();

function load(): PromptfooModule {
  if (!promptfoo) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    promptfoo = require('promptfoo') as PromptfooModule;
    promptfoo.cache.disableCache();
  }
  return promptfoo;
}

/**
 * Calls the promptfoo provider `id` with `config` on a chat. `env` is the config's `env:` as promptfoo handed it
 * to our provider: this second module copy never sees the CLI's config, so it must be passed on explicitly.
 * Provider instances are reused per config and env.
 */
export async function callProvider(
  id: string,
  config: Record<string, unknown>,
  messages: ChatMessage[],
  env?: Record<string, string | undefined>,
): Promise<DelegateResponse> {
  const key = `${id}\n${JSON.stringify(config)}\n${JSON.stringify(env ?? {})}`;
  let provider = providers.get(key);
  if (!provider) {
    provider = load().loadApiProvider(id, { options: { config }, ...(env ? { env } : {}) });
    providers.set(key, provider);
  }
  // Empty vars: nothing of the row may be re-rendered by the inner provider.
  return (await provider).callApi(JSON.stringify(messages), { vars: {}, prompt: { raw: '', label: 'promptfile' } });
}
