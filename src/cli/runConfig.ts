/**
 * Builds the promptfoo config `promptfile eval` runs: the user's promptfooconfig.yaml, plus variants from a
 * matrix, with record/replay applied, and live variants whose API key is missing skipped with one line each.
 * Pure: the caller reads and writes files.
 */
import { UserError } from '../promptfile/errors';
import type { PromptFile } from '../promptfile/model';
import { expandMatrix, keyVariable, targetFor, variantLabel, type Matrix, type VariantOverrides } from '../variants/variant';

export interface RunOptions {
  matrix?: Matrix;
  /** Directory to record cassettes into. */
  record?: string;
  /** Directory to replay cassettes from (live variants become replay variants). */
  replay?: string;
  /** Run only the offline reference (and replays), never a live model. */
  offline?: boolean;
  env: Record<string, string | undefined>;
}

interface ProviderEntry {
  id: string;
  label?: string;
  config?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface RunConfig {
  config: Record<string, unknown>;
  /** One line per decision worth telling the user (skipped variants, replay, reference label). */
  notes: string[];
  variants: string[];
}

type Kind = 'live' | 'offline' | 'replay' | 'other';

const kindOf = (id: string): Kind =>
  /providers\/promptfile\.ts$/.test(id) ? 'live' : /providers\/offline\.ts$/.test(id) ? 'offline' : /providers\/replay\.ts$/.test(id) ? 'replay' : 'other';

function normalise(entry: unknown): ProviderEntry {
  if (typeof entry === 'string') return { id: entry };
  if (entry && typeof entry === 'object' && typeof (entry as ProviderEntry).id === 'string') return { ...(entry as ProviderEntry) };
  throw new UserError(`promptfooconfig.yaml: a provider entry has no 'id': ${JSON.stringify(entry)}`);
}

function overridesOf(config: Record<string, unknown> | undefined): VariantOverrides {
  const o: VariantOverrides = {};
  if (typeof config?.['model'] === 'string') o.model = config['model'];
  for (const k of ['temperature', 'maxTokens', 'topP'] as const) if (typeof config?.[k] === 'number') o[k] = config[k] as number;
  return o;
}

/** The label of the reference variant: the files' own model and temperature when they agree. */
export function referenceLabel(files: PromptFile[]): string {
  const models = new Set(files.map((f) => `${f.model ?? '?'}${f.parameters.temperature !== undefined ? ` · T=${f.parameters.temperature}` : ''}`));
  return models.size === 1 ? `${[...models][0]} (reference)` : 'reference (each file’s own model)';
}

/** Builds the run config. */
export function buildRunConfig(base: Record<string, unknown>, files: PromptFile[], options: RunOptions): RunConfig {
  const notes: string[] = [];
  const rawProviders = base['providers'];
  const entries = (Array.isArray(rawProviders) ? rawProviders : rawProviders === undefined ? [] : [rawProviders]).map(normalise);
  const liveTemplate = entries.find((e) => kindOf(e.id) === 'live');
  const liveId = liveTemplate?.id ?? 'file://providers/promptfile.ts';
  for (const cell of options.matrix ? expandMatrix(options.matrix) : []) {
    entries.push({ id: liveId, label: variantLabel(cell), config: { ...cell } });
  }

  const out: ProviderEntry[] = [];
  for (const entry of entries) {
    const kind = kindOf(entry.id);
    const overrides = overridesOf(entry.config);
    if (kind === 'live' && Object.keys(overrides).length === 0 && (entry.label === undefined || entry.label === 'reference')) {
      entry.label = referenceLabel(files);
    }
    if (kind !== 'live') {
      out.push(entry);
      continue;
    }
    const label = entry.label ?? variantLabel(overrides);
    if (options.replay !== undefined) {
      out.push({ ...entry, id: entry.id.replace(/promptfile\.ts$/, 'replay.ts'), label: `${label} (replay)`, config: { ...entry.config, cassettes: options.replay } });
      continue;
    }
    if (options.offline) {
      notes.push(`skipping ${label}: --offline runs no live model`);
      continue;
    }
    const missing = new Set<string>();
    for (const f of files) {
      const model = overrides.model ?? f.model;
      if (!model) continue;
      const keyVar = keyVariable(targetFor(model));
      const hasKey = entry.config?.['apiKey'] !== undefined || entry.config?.['apiKeyRequired'] === false;
      if (keyVar && !options.env[keyVar] && !hasKey) missing.add(keyVar);
    }
    if (missing.size > 0) {
      notes.push(`skipping ${label}: ${[...missing].join(', ')} ${missing.size === 1 ? 'is' : 'are'} not set`);
      continue;
    }
    out.push(options.record !== undefined ? { ...entry, label, config: { ...entry.config, record: options.record } } : { ...entry, label });
  }
  if (out.length === 0) {
    throw new UserError('promptfile eval: no variant can run (every live variant lacks its API key and there is no offline or replay provider)');
  }
  const labels = out.map((e) => e.label ?? e.id);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup) throw new UserError(`promptfile eval: two variants are both labelled '${dup}'; give each a distinct label`);
  return { config: { ...base, providers: out }, notes, variants: labels };
}
