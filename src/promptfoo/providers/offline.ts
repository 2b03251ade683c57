/**
 * The embedded offline baseline: a deterministic reference answer for the prompt files its config names a
 * reference for (`answers:`, src/promptfoo/references.ts; the gossip suite's architect in this repository), so
 * `npm run eval` runs with no API key and no network. It is labelled a baseline, never passed off as a model; for
 * any other prompt file it returns one clear error.
 */
import { prepareCall } from '../call';
import { referenceFor } from '../references';
import type { ProviderContext, ProviderOptions } from '../providerOptions';

export const OFFLINE_LABEL = 'offline reference (baseline, not a model)';

export default class OfflineReferenceProvider {
  readonly config: Record<string, unknown>;
  label?: string;

  constructor(options: ProviderOptions = {}) {
    this.config = options.config ?? {};
  }

  id(): string {
    return OFFLINE_LABEL;
  }

  async callApi(prompt: string, context?: ProviderContext) {
    let call;
    try {
      call = prepareCall(prompt, context, {});
    } catch (error) {
      return { error: `${this.id()}: ${(error as Error).message}` };
    }
    // Latency is the answer's own computation; promptfoo's timing of callApi would hold module loading too.
    const reference = referenceFor(call.file.name, this.config['answers']);
    if ('error' in reference) return { error: `${this.id()}: ${reference.error} (${call.file.path})` };
    const started = performance.now();
    let answer: { output: string };
    try {
      answer = { output: String(reference({ ...call.row.row.variables })) };
    } catch (error) {
      return {
        error: `${this.id()}: the reference for '${call.file.name}' failed: ${(error as Error).message}`,
      };
    }
    const latencyMs = Math.round(performance.now() - started);
    const words = answer.output.split(/\s+/).length;
    return {
      output: answer.output,
      tokenUsage: { prompt: 0, completion: words, total: words },
      cost: 0,
      cached: false,
      latencyMs,
      metadata: { variant: this.id(), model: 'offline-reference', baseline: true },
    };
  }
}
