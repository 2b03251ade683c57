/** What promptfoo hands our providers, and how their config splits into variant overrides and pass-through. */
import type { RowContext } from '../src/promptfoo/row';
import { LIMIT_KEYS } from '../src/variants/retry';
import type { VariantOverrides } from '../src/variants/variant';

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
