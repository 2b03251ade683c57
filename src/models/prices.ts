/**
 * Prices of OpenAI chat models, in US dollars per token, for the cost column of results. The figures are OpenAI's
 * published list prices (standard tier, uncached input), the same that promptfoo's own table holds for these ids. A
 * model not listed has no cost (reports show "–"), unless the provider config sets `cost`, `inputCost` or
 * `outputCost` per token, as promptfoo's providers accept.
 */

const PER_MILLION: Record<string, [input: number, output: number]> = {
  'gpt-4o': [2.5, 10],
  'gpt-4o-mini': [0.15, 0.6],
  'gpt-4.1': [2, 8],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1-nano': [0.1, 0.4],
  'gpt-4-turbo': [10, 30],
  'gpt-3.5-turbo': [0.5, 1.5],
  o1: [15, 60],
  'o1-mini': [1.1, 4.4],
  o3: [2, 8],
  'o3-mini': [1.1, 4.4],
  'o4-mini': [1.1, 4.4],
  'gpt-5': [1.25, 10],
  'gpt-5-mini': [0.25, 2],
  'gpt-5-nano': [0.05, 0.4],
};

/**
 * The cost of a call to `model` with these token counts, or undefined when neither the table nor `config` prices it.
 * A dated snapshot (`gpt-4o-2024-08-06`) is priced as its model.
 */
export function chatCost(
  model: string,
  config: Record<string, unknown>,
  promptTokens: number | undefined,
  completionTokens: number | undefined,
): number | undefined {
  if (!Number.isFinite(promptTokens) || !Number.isFinite(completionTokens)) return undefined;
  const listed = PER_MILLION[model] ?? PER_MILLION[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')];
  const price = (key: 'inputCost' | 'outputCost', fallback: number | undefined) => {
    const own = config[key] ?? config['cost'];
    return typeof own === 'number' ? own : fallback;
  };
  const input = price('inputCost', listed && listed[0] / 1e6);
  const output = price('outputCost', listed && listed[1] / 1e6);
  if (input === undefined || output === undefined) return undefined;
  return input * (promptTokens as number) + output * (completionTokens as number);
}
