/**
 * A variant is one column of the evaluation: the prompt file's own model and modelParameters, with
 * overrides. This module maps model names as prompt files write them to promptfoo provider ids, merges
 * settings, labels variants and expands a compact matrix (models × temperatures × ...).
 */
import type { ModelParameters, PromptFile, ResponseFormat } from '../promptfile/model';
import { targetFor } from '../promptfile/modelId';

/** Overrides a variant applies on top of the prompt file's settings. */
export interface VariantOverrides extends ModelParameters {
  model?: string;
}

/** The settings one model call is made with. */
export interface CallSettings extends ModelParameters {
  model: string;
  /** The promptfoo provider id the model maps to. */
  target: string;
  responseFormat?: ResponseFormat;
  jsonSchema?: Record<string, unknown>;
}

/** The segment of a promptfoo id that says which API a provider calls (`openai:chat:x`), when present. */
const API_KINDS = new Set(['chat', 'messages', 'completion', 'responses']);

/**
 * Reasoning models accept no temperature; promptfoo drops it, and we say so instead of hiding it. Takes a
 * target (`openai:chat:o1`, or promptfoo's short `openai:o1`) or a model as a prompt file names it.
 */
export function ignoresTemperature(target: string): boolean {
  const parts = target.split(':');
  const rest = parts.length === 1 ? parts : API_KINDS.has(parts[1] ?? '') ? parts.slice(2) : parts.slice(1);
  const model = rest.join(':').split('/').pop() ?? '';
  return /^(o1|o3|o4)(-|$)/i.test(model) || /^gpt-5(?!.*chat)/i.test(model);
}

/** The environment variable a target needs for its API key, or undefined when none is needed. */
export function keyVariable(target: string): string | undefined {
  const family = target.split(':')[0];
  switch (family) {
    case 'openai':
      return 'OPENAI_API_KEY';
    case 'anthropic':
      return 'ANTHROPIC_API_KEY';
    case 'azure':
      return 'AZURE_API_KEY';
    default:
      return undefined;
  }
}

/** The settings for a call: the file's own, then the variant's overrides. */
export function callSettings(file: PromptFile, overrides: VariantOverrides): CallSettings {
  const model = overrides.model ?? file.model;
  if (!model) {
    throw new Error(`${file.path} sets no 'model' and the variant names none`);
  }
  const settings: CallSettings = { model, target: targetFor(model), ...file.parameters };
  for (const key of ['temperature', 'maxTokens', 'topP'] as const) {
    if (overrides[key] !== undefined) settings[key] = overrides[key];
  }
  if (file.responseFormat) settings.responseFormat = file.responseFormat;
  if (file.jsonSchema !== undefined) settings.jsonSchema = file.jsonSchema;
  return settings;
}

/**
 * The reference variant of a run whose prompt files name different models: one promptfoo column serving each file
 * its own model. Results name each of its rows by that file's own reference (`fileReferenceLabel`) instead, so a
 * file's variant does not depend on which other files run beside it.
 */
export const MIXED_REFERENCE_LABEL = 'reference (each file’s own model)';

/** A prompt file's own model and temperature as a variant: `gpt-4o · T=0.2 (reference)`. */
export function fileReferenceLabel(model: string | undefined, temperature: number | undefined): string {
  return `${model ?? '?'}${temperature !== undefined ? ` · T=${temperature}` : ''} (reference)`;
}

/** A column label such as `gpt-4o · T=0.2`; the file's own settings are the reference. */
export function variantLabel(overrides: VariantOverrides, reference = false): string {
  const parts: string[] = [overrides.model ?? (reference ? 'reference' : 'file model')];
  if (overrides.temperature !== undefined) parts.push(`T=${overrides.temperature}`);
  if (overrides.topP !== undefined) parts.push(`topP=${overrides.topP}`);
  if (overrides.maxTokens !== undefined) parts.push(`max=${overrides.maxTokens}`);
  return parts.join(' · ');
}

/** A compact variant declaration: every combination of the listed values is one variant. */
export interface Matrix {
  model?: string[];
  temperature?: number[];
  topP?: number[];
  maxTokens?: number[];
}

/** Expands a matrix into variants, in a stable order (models outermost). */
export function expandMatrix(matrix: Matrix): VariantOverrides[] {
  let out: VariantOverrides[] = [{}];
  const axes: [keyof Matrix, (string | number)[] | undefined][] = [
    ['model', matrix.model],
    ['temperature', matrix.temperature],
    ['topP', matrix.topP],
    ['maxTokens', matrix.maxTokens],
  ];
  for (const [key, values] of axes) {
    if (!values || values.length === 0) continue;
    out = out.flatMap((v) => values.map((x) => ({ ...v, [key]: x })));
  }
  return out;
}

/**
 * Parses a one-line matrix: `gpt-4o,gpt-4o-mini x 0.2,0.7,1.0` (models × temperatures; `×` also works).
 * A side may be empty (` x 0.2,1.0`: the file's model at two temperatures). An `x` separates only as a word
 * of its own, so model ids such as `xai/grok-3` or `mixtral-8x7b` are safe.
 */
export function parseMatrix(text: string): Matrix {
  const [left = '', right, extra] = text.trim().split(/(?:^|\s+)x(?:\s+|$)|\s*×\s*/);
  if (extra !== undefined) throw new Error(`matrix '${text}' has more than one 'x'`);
  const models = left
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const temps = (right ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const temperature = temps.map((t) => {
    const n = Number(t.replace(/^T=/i, ''));
    if (!Number.isFinite(n) || n < 0 || n > 2)
      throw new Error(`matrix temperature '${t}' is not a number between 0 and 2`);
    return n;
  });
  const m: Matrix = {};
  if (models.length) m.model = models;
  if (temperature.length) m.temperature = temperature;
  return m;
}
