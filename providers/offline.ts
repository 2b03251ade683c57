/**
 * The embedded offline baseline: a deterministic reference answer for prompt files we have a reference for
 * (the gossip architect), so `npm run eval` runs with no API key and no network. It is labelled a baseline,
 * never passed off as a model; for any other prompt file it returns one clear error.
 */
import { prepareCall } from '../src/promptfoo/call';
import { referenceAnswer } from '../src/reference/registry';
import type { ProviderContext, ProviderOptions } from './options';

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
    const started = performance.now();
    const answer = referenceAnswer(call.file, call.row.row.variables);
    const latencyMs = Math.round(performance.now() - started);
    if ('error' in answer) return { error: `${this.id()}: ${answer.error}`, latencyMs };
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
