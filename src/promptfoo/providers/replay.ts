/**
 * Replays recorded cassettes: offline, deterministic, no model called. A missing cassette is an error on its
 * row naming what is missing, never a silent pass.
 *
 *   - { id: file://providers/replay.ts, config: { cassettes: cassettes, model: gpt-4o, temperature: 1 } }
 */
import * as path from 'node:path';
import { cassettePath, cassetteRequest, readCassette } from '../../cassettes/cassette';
import { prepareCall } from '../call';
import { variantLabel, type VariantOverrides } from '../../variants/variant';
import type { PromptFile } from '../../promptfile/model';
import {
  overridesFrom,
  variantConnection,
  type ProviderContext,
  type ProviderOptions,
} from '../providerOptions';

export default class ReplayProvider {
  readonly config: Record<string, unknown>;
  private readonly overrides: VariantOverrides;
  label?: string;

  constructor(options: ProviderOptions = {}) {
    this.config = options.config ?? {};
    this.overrides = overridesFrom(this.config);
  }

  id(): string {
    return `${variantLabel(this.overrides, this.config['reference'] === true || Object.keys(this.overrides).length === 0)} (replay)`;
  }

  /** Where the recorded variant reached its model (its config, no key): judges of the same family grade there. */
  connection(file: PromptFile) {
    return variantConnection(file, this.config);
  }

  async callApi(prompt: string, context?: ProviderContext) {
    // promptfoo sets label to '' when the config gives none.
    const name = this.label || this.id();
    let call;
    try {
      call = prepareCall(prompt, context, this.overrides);
    } catch (error) {
      return { error: `${name}: ${(error as Error).message}` };
    }
    const dir = path.resolve(
      String(this.config['cassettes'] ?? process.env['PROMPTFILE_CASSETTES'] ?? 'cassettes'),
    );
    const repeat = context?.repeatIndex ?? 0;
    const request = cassetteRequest(call.settings, call.messages, repeat);
    const row = call.row.origin.row;
    const file = cassettePath(dir, call.file.name, request, row);
    const started = performance.now();
    const cassette = readCassette(file, request);
    // Latency is the cassette's lookup; promptfoo's timing of callApi would hold module loading too.
    const latencyMs = Math.round(performance.now() - started);
    if (!cassette) {
      return {
        latencyMs,
        error: `${name}: no cassette for ${call.file.path} row ${row}, ${call.settings.target} T=${call.settings.temperature ?? 'default'}, repeat ${repeat}: expected ${path.relative(process.cwd(), file)} (record it with --record)`,
      };
    }
    return {
      output: cassette.response.output,
      tokenUsage: cassette.response.tokenUsage,
      cost: cassette.response.cost,
      cached: true,
      latencyMs,
      metadata: {
        variant: name,
        model: call.settings.model,
        target: call.settings.target,
        temperature: call.settings.temperature ?? null,
        replayed: true,
      },
    };
  }
}
