/**
 * Builds the promptfoo config `promptfile eval` runs: the user's promptfooconfig.yaml, plus variants from a
 * matrix, with record/replay applied, and live variants whose API key is missing skipped with one line each.
 * Pure: the caller reads and writes files.
 */
import * as path from 'node:path';
import { UserError } from '../errors/diagnostics';
import { packageRoot } from '../promptfile/packageRoot';
import { answeredFiles } from './references';
import type { PromptFile } from '../promptfile/model';
import {
  expandMatrix,
  fileReferenceLabel,
  keyVariable,
  MIXED_REFERENCE_LABEL,
  variantLabel,
  type Matrix,
  type VariantOverrides,
} from '../variants/variant';
import { targetFor } from '../promptfile/modelId';

export interface RunOptions {
  matrix?: Matrix;
  /** Directory to record cassettes into. */
  record?: string;
  /** Directory to replay cassettes from (live variants become replay variants). */
  replay?: string;
  /** Run only the offline reference (and replays), never a live model. */
  offline?: boolean;
  /**
   * Paths and names of prompt files the config covers that this run leaves out (invalid, or not named on the command
   * line). The test generator is handed exactly the files to run, and scope entries for these are set aside.
   */
  notRun?: string[];
  /**
   * A JSON file listing the prompt files to run, which the test generator reads (`filesFrom`). Paths go through a
   * file, not the config: promptfoo renders config strings as templates, and a file name may hold `{{`.
   */
  filesList?: string;
  env: Record<string, string | undefined>;
}

interface ProviderEntry {
  id: string;
  label?: string;
  config?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface RunConfig {
  /** The config to write and run. It holds no literal API key: those are moved to `env`. */
  config: Record<string, unknown>;
  /**
   * Environment for promptfoo: API keys written literally in the config, under names the config now refers to with
   * `apiKeyEnvar`. promptfoo stores the config it runs in promptfoo.db verbatim (it redacts `apiKey` only in its
   * JSON output), and `promptfile eval` writes it to .promptfile-run.yaml; neither may hold a key.
   */
  env: Record<string, string>;
  /** One line per decision worth telling the user (skipped variants, replay, reference label). */
  notes: string[];
  variants: string[];
}

type Kind = 'live' | 'offline' | 'replay' | 'other';

const kindOf = (id: string): Kind =>
  /providers\/promptfile\.[jt]s$/.test(id)
    ? 'live'
    : /providers\/offline\.[jt]s$/.test(id)
      ? 'offline'
      : /providers\/replay\.[jt]s$/.test(id)
        ? 'replay'
        : 'other';

function normalise(entry: unknown): ProviderEntry {
  if (typeof entry === 'string') return { id: entry };
  if (entry && typeof entry === 'object' && typeof (entry as ProviderEntry).id === 'string')
    return { ...(entry as ProviderEntry) };
  throw new UserError(`promptfooconfig.yaml: a provider entry has no 'id': ${JSON.stringify(entry)}`);
}

function overridesOf(config: Record<string, unknown> | undefined): VariantOverrides {
  const o: VariantOverrides = {};
  if (typeof config?.['model'] === 'string') o.model = config['model'];
  for (const k of ['temperature', 'maxTokens', 'topP'] as const)
    if (typeof config?.[k] === 'number') o[k] = config[k] as number;
  return o;
}

/** The label of the reference variant: the files' own model and temperature when they agree. */
export function referenceLabel(files: PromptFile[]): string {
  const labels = new Set(files.map((f) => fileReferenceLabel(f.model, f.parameters.temperature)));
  return labels.size === 1 ? ([...labels][0] as string) : MIXED_REFERENCE_LABEL;
}

/** The files' own models, for telling the user what the reference variant calls. */
function ownModels(files: PromptFile[]): string {
  const models = [...new Set(files.map((f) => f.model ?? '(no model)'))];
  return models.length > 3 ? `${models.slice(0, 3).join(', ')}, …` : models.join(', ');
}

/** Builds the run config. */
export function buildRunConfig(
  base: Record<string, unknown>,
  files: PromptFile[],
  options: RunOptions,
): RunConfig {
  const notes: string[] = [];
  const rawProviders = base['providers'];
  const entries = (
    Array.isArray(rawProviders) ? rawProviders : rawProviders === undefined ? [] : [rawProviders]
  ).map(normalise);
  const liveTemplate = entries.find((e) => kindOf(e.id) === 'live');
  const liveId = liveTemplate?.id ?? `file://${path.join(packageRoot(), 'dist/providers/promptfile.js')}`;
  for (const cell of options.matrix ? expandMatrix(options.matrix) : []) {
    entries.push({ id: liveId, label: variantLabel(cell), config: { ...cell } });
  }

  const out: ProviderEntry[] = [];
  for (const entry of entries) {
    const kind = kindOf(entry.id);
    const overrides = overridesOf(entry.config);
    const reference = kind === 'live' && Object.keys(overrides).length === 0;
    if (reference && (entry.label === undefined || entry.label === 'reference')) {
      entry.label = referenceLabel(files);
    }
    if (kind !== 'live') {
      out.push(entry);
      continue;
    }
    const label = entry.label ?? variantLabel(overrides);
    // What the user reads in a note: the reference variant names the models it would call.
    const named = label === MIXED_REFERENCE_LABEL ? `${label}: ${ownModels(files)}` : label;
    if (options.replay !== undefined) {
      out.push({
        ...entry,
        id: entry.id.replace(/promptfile\.([jt]s)$/, 'replay.$1'),
        label: `${label} (replay)`,
        config: { ...entry.config, cassettes: options.replay },
      });
      continue;
    }
    if (options.offline) {
      notes.push(`skipping ${named}: --offline runs no live model`);
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
      notes.push(
        `skipping ${named}: ${[...missing].join(', ')} ${missing.size === 1 ? 'is' : 'are'} not set`,
      );
      continue;
    }
    out.push(
      options.record !== undefined
        ? { ...entry, label, config: { ...entry.config, record: options.record } }
        : { ...entry, label },
    );
  }
  if (out.length === 0) {
    throw new UserError(
      'promptfile eval: no variant can run (every live variant lacks its API key and there is no offline or replay provider)',
    );
  }
  const labels = out.map((e) => e.label ?? e.id);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup)
    throw new UserError(
      `promptfile eval: two variants are both labelled '${dup}'; give each a distinct label`,
    );
  const env: Record<string, string> = {};
  const providers = out.map((entry) => ({ ...entry, config: keyless(entry, env) }));
  // The offline reference says in its entry which prompt files it answers (`answers:`); without that list it runs
  // on every row, as in plain promptfoo.
  const offline = out.find((e) => kindOf(e.id) === 'offline');
  const answers = answeredFiles(offline?.config?.['answers']);
  const offlineRouting =
    offline && answers
      ? {
          label: offline.label ?? offline.id,
          answers,
          others: labels.filter((l) => l !== (offline.label ?? offline.id)),
        }
      : undefined;
  const tests = withRunFiles(base['tests'], files, options.notRun ?? [], options.filesList, offlineRouting);
  const config = {
    ...base,
    providers,
    ...(tests !== undefined ? { tests: keylessGrader(tests, env) } : {}),
  };
  return { config, env, notes, variants: labels };
}

/** The tests section with the promptfile generator told to load the run's files, and no scope for files left out. */
function withRunFiles(
  tests: unknown,
  files: PromptFile[],
  notRun: string[],
  filesList: string | undefined,
  offline: { label: string; answers: string[]; others: string[] } | undefined,
): unknown {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '');
  const running = new Set(files.flatMap((f) => [norm(f.path), f.name]));
  const left = new Set(notRun.map(norm).filter((k) => !running.has(k)));
  const rewrite = (t: unknown): unknown => {
    if (!isGenerator(t)) return t;
    const config = { ...(t.config ?? {}) } as Record<string, unknown>;
    if (filesList !== undefined) config['filesFrom'] = filesList;
    if (offline) config['offline'] = offline;
    const scope = config['scope'];
    if (scope && typeof scope === 'object') {
      config['scope'] = Object.fromEntries(Object.entries(scope).filter(([key]) => !left.has(norm(key))));
    }
    return { ...t, config };
  };
  return Array.isArray(tests) ? tests.map(rewrite) : rewrite(tests);
}

function isGenerator(t: unknown): t is { path: string; config?: Record<string, unknown> } {
  return (
    t !== null &&
    typeof t === 'object' &&
    /promptfile\.[jt]s:tests$/.test(String((t as { path?: unknown }).path))
  );
}

/**
 * A provider's config without a literal `apiKey`: our live provider gets `apiKeyEnvar` naming a variable set in
 * `env` (src/promptfoo/delegate.ts resolves it for every target family), a replay needs no key at all.
 */
function keyless(entry: ProviderEntry, env: Record<string, string>): Record<string, unknown> | undefined {
  const kind = kindOf(entry.id);
  if (!entry.config || typeof entry.config['apiKey'] !== 'string' || (kind !== 'live' && kind !== 'replay'))
    return entry.config;
  const { apiKey, ...rest } = entry.config;
  if (kind === 'replay') return rest;
  return { ...rest, apiKeyEnvar: secretVariable(apiKey as string, env) };
}

/** The promptfile test generator's `grader.config` without a literal `apiKey` (judges call it through delegate.ts). */
function keylessGrader(tests: unknown, env: Record<string, string>): unknown {
  if (!Array.isArray(tests)) return tests;
  return tests.map((t: unknown) => {
    const grader = (t as { config?: { grader?: { config?: Record<string, unknown> } } } | null)?.config
      ?.grader;
    if (typeof grader?.config?.['apiKey'] !== 'string') return t;
    const { apiKey, ...rest } = grader.config;
    const test = t as { config: Record<string, unknown> };
    return {
      ...test,
      config: {
        ...test.config,
        grader: { ...grader, config: { ...rest, apiKeyEnvar: secretVariable(apiKey as string, env) } },
      },
    };
  });
}

function secretVariable(value: string, env: Record<string, string>): string {
  const existing = Object.entries(env).find(([, v]) => v === value)?.[0];
  if (existing) return existing;
  const name = `PROMPTFILE_API_KEY_${Object.keys(env).length + 1}`;
  env[name] = value;
  return name;
}
