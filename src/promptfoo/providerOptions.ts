/** What promptfoo hands our providers, and how their config splits into variant overrides and pass-through. */
import type { PromptFile } from '../promptfile/model';
import type { RowContext } from './row';
import type { CallApiContextParams, ProviderOptions as PromptfooProviderOptions } from './types';
import { connectionOf, type Connection } from '../variants/grader';
import { LIMIT_KEYS } from '../variants/retry';
import { targetFor } from '../promptfile/modelId';
import type { VariantOverrides } from '../variants/variant';

/**
 * What promptfoo constructs our providers with (its ProviderOptions): the id, the entry's config, and `env`
 * (promptfooconfig.yaml's `env:` merged with the entry's own, which wins over process.env, as in promptfoo).
 */
export type ProviderOptions = Pick<PromptfooProviderOptions, 'id' | 'env'> & {
  config?: Record<string, unknown>;
};

/** What promptfoo calls our providers with: the row's context and which repeat this call is. */
export type ProviderContext = RowContext & Pick<CallApiContextParams, 'repeatIndex'>;

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
