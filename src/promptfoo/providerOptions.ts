/** What promptfoo hands our providers, and how their config splits into variant overrides and pass-through. */
import type { PromptFile } from '../promptfile/model';
import type { RowContext } from './row';
import { connectionOf, type Connection } from '../variants/grader';
import { LIMIT_KEYS } from '../variants/retry';
import { targetFor } from '../promptfile/modelId';
import type { VariantOverrides } from '../variants/variant';

export interface ProviderOptions {
  id?: string;
  config?: Record<string, unknown>;
  /** promptfooconfig.yaml's `env:` merged with the provider entry's own `env:`; wins over process.env, as in promptfoo. */
  env?: Record<string, string | undefined>;
}

export interface ProviderContext extends RowContext {
  repeatIndex?: number;
}

const OURS = new Set([
  'model',
  'temperature',
  'maxTokens',
  'topP',
  'reference',
  'record',
  'cassettes',
  'label',
  ...LIMIT_KEYS,
]);

/** The variant's overrides of the prompt file's model and modelParameters. */
export function overridesFrom(config: Record<string, unknown>): VariantOverrides {
  const o: VariantOverrides = {};
  if (typeof config['model'] === 'string') o.model = config['model'];
  for (const key of ['temperature', 'maxTokens', 'topP'] as const) {
    const v = config[key];
    if (typeof v === 'number') o[key] = v;
  }
  return o;
}

/** Options for promptfoo's own provider (apiBaseUrl, apiKey, headers, ...), everything we do not interpret. */
export function passThroughFrom(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !OURS.has(k)));
}

/**
 * How a variant reaches its model for rows of `file`: what a grader of the same provider family reuses
 * (src/variants/grader.ts). Undefined when neither the file nor the variant names a model.
 */
export function variantConnection(
  file: PromptFile,
  config: Record<string, unknown>,
  env?: Record<string, string | undefined>,
): Connection | undefined {
  const model = overridesFrom(config).model ?? file.model;
  if (model === undefined) return undefined;
  return { target: targetFor(model), config: connectionOf(passThroughFrom(config)), ...(env ? { env } : {}) };
}
