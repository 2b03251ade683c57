/**
 * The prompt-file model provider: calls the model a prompt file names, with its modelParameters and this
 * variant's overrides, through promptfoo's own providers. With `record` (or PROMPTFILE_RECORD=<dir>) each
 * live response is also saved as a cassette for replay.
 *
 *   providers:
 *     - id: file://providers/promptfile.ts                      # reference: the file's own settings
 *     - { id: file://providers/promptfile.ts, config: { model: gpt-4o-mini, temperature: 1 } }
 *
 * Transient failures (429, 502-504, resets) are retried within `maxRetries`, `retryBudgetMs` and `timeoutMs`
 * (config, or PROMPTFILE_MAX_RETRIES / PROMPTFILE_RETRY_BUDGET_MS / PROMPTFILE_TIMEOUT_MS): see src/variants/retry.ts.
 */
import * as path from 'node:path';
import { cassettePath, cassetteKey, cassetteRequest, writeCassette } from '../../cassettes/cassette';
import type { PromptFile } from '../../promptfile/model';
import { prepareCall, targetConfig } from '../call';
import { limitsFrom } from '../../variants/retry';
import { ignoresTemperature, keyVariable, variantLabel, type VariantOverrides } from '../../variants/variant';
import { callProvider } from '../delegate';
import {
  overridesFrom,
  passThroughFrom,
  variantConnection,
  type ProviderOptions,
  type ProviderContext,
} from '../providerOptions';

const warned = new Set<string>();

/** Longest error message kept: a proxy's 5 MB error page must not become a 5 MB `error` in every artefact. */
const MAX_ERROR_CHARS = 2000;

export default class PromptfileProvider {
  readonly config: Record<string, unknown>;
  readonly env: Record<string, string | undefined>;
  private readonly overrides: VariantOverrides;
  label?: string;

  constructor(options: ProviderOptions = {}) {
    this.config = options.config ?? {};
    this.env = options.env ?? {};
    this.overrides = overridesFrom(this.config);
  }

  id(): string {
    return variantLabel(
      this.overrides,
      this.config['reference'] === true || Object.keys(this.overrides).length === 0,
    );
  }

  /** How this variant reaches the model of `file`'s rows; judges of the same family grade through it. */
  connection(file: PromptFile) {
    return variantConnection(file, this.config, this.env);
  }

  async callApi(prompt: string, context?: ProviderContext) {
    // promptfoo sets label to '' when the config gives none.
    const name = this.label || this.id();
    let call;
    let limits;
    try {
      call = prepareCall(prompt, context, this.overrides);
      limits = limitsFrom(this.config, { ...process.env, ...this.env });
    } catch (error) {
      return { error: `${name}: ${(error as Error).message}` };
    }
    const { settings, messages, file, row } = call;
    const passThrough = passThroughFrom(this.config);
    const keyVar =
      typeof passThrough['apiKeyEnvar'] === 'string'
        ? passThrough['apiKeyEnvar']
        : keyVariable(settings.target);
    const hasKey = Boolean(keyVar && (this.env[keyVar] || process.env[keyVar]));
    if (keyVar && !hasKey && passThrough['apiKey'] === undefined && passThrough['apiKeyRequired'] !== false) {
      return { error: `${name}: ${keyVar} is not set, so ${settings.target} cannot be called` };
    }
    const temperatureIgnored = settings.temperature !== undefined && ignoresTemperature(settings.target);
    if (temperatureIgnored && !warned.has(settings.target)) {
      warned.add(settings.target);
      process.stderr.write(
        `promptfile: ${settings.target} ignores temperature; ${name} runs at the model's own setting\n`,
      );
    }
    const repeat = context?.repeatIndex ?? 0;
    let response;
    try {
      response = await callProvider(
        settings.target,
        targetConfig(settings, passThrough),
        messages,
        this.env,
        limits,
      );
    } catch (error) {
      return { error: clip(`${name}: ${settings.target} failed: ${(error as Error).message}`) };
    }
    const metadata = {
      variant: name,
      model: settings.model,
      target: settings.target,
      temperature: settings.temperature ?? null,
      ...(temperatureIgnored ? { temperatureIgnored: true } : {}),
      ...(response.attempts > 1 ? { attempts: response.attempts } : {}),
      ...(response.waitedMs > 0 ? { retryWaitMs: response.waitedMs } : {}),
    };
    // promptfoo takes a provider's own latencyMs over its timing of callApi, which would hold module loading.
    const latencyMs = response.latencyMs;
    if (response.error) {
      return {
        error: clip(`${name}: ${response.error}`) + (response.gaveUp ? ` [${response.gaveUp}]` : ''),
        latencyMs,
        // Retries are done: promptfoo's scheduler treats rateLimitKind 'quota' as final. Without it, an error that
        // mentions 429 or "rate limit" is retried again and then replaced by an unlabelled RateLimitExhaustedError.
        metadata: { ...metadata, rateLimitKind: 'quota' },
      };
    }
    const output =
      typeof response.output === 'string' ? response.output : JSON.stringify(response.output ?? '');
    const recordDir = (this.config['record'] as string | undefined) ?? process.env['PROMPTFILE_RECORD'];
    if (recordDir) {
      const request = cassetteRequest(settings, messages, repeat);
      writeCassette(cassettePath(path.resolve(recordDir), file.name, request, row.origin.row), {
        key: cassetteKey(request),
        promptFile: file.path,
        row: row.origin.row,
        request,
        response: {
          output,
          ...(response.tokenUsage ? { tokenUsage: response.tokenUsage } : {}),
          ...(response.cost !== undefined ? { cost: response.cost } : {}),
        },
      });
    }
    return {
      output,
      tokenUsage: response.tokenUsage,
      cost: response.cost,
      cached: false,
      latencyMs,
      metadata,
    };
  }
}

function clip(text: string): string {
  return text.length <= MAX_ERROR_CHARS
    ? text
    : `${text.slice(0, MAX_ERROR_CHARS)}… (${text.length - MAX_ERROR_CHARS} more characters)`;
}
