/** The part of promptfoo's assertion context our adapters read. */
import type { EvaluatorAssertionConfig } from '../tests';
import type { RowContext } from '../row';
import type { AssertionValueFunctionContext } from '../types';

export type AssertionContext = RowContext &
  Partial<Pick<AssertionValueFunctionContext, 'prompt' | 'provider'>> & {
    config?: EvaluatorAssertionConfig & Record<string, unknown>;
  };

/** The assertion's evaluator config, or an explanation of why it is missing. */
export function evaluatorConfig(context: AssertionContext): EvaluatorAssertionConfig {
  const config = context.config;
  if (!config?.evaluator) throw new Error('promptfile assertion called without an evaluator in its config');
  return config;
}
