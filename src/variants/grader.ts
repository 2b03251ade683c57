/**
 * Which model grades a model-graded evaluator (`llm`, `uses: github/...`), and with which key. gh models graded with
 * its own model through the same account as the model under test; here the default grader is the prompt file's own
 * model, reached the way its live variant reaches it (endpoint and key), or through its family's key variable. A
 * `grader:` in promptfooconfig.yaml replaces that default. A judge's `modelId` picks its model, as in gh, and is only
 * ever sent its own provider family's key: never the grader's or the variant's key of another family.
 *
 * Pure: the caller hands in the environment and the live variant's connection; nothing is called here.
 */
import type { Evaluator } from '../evaluators/registry';
import type { PromptFile } from '../promptfile/model';
import { targetFor } from '../promptfile/modelId';
import { keyVariable } from './variant';

/** A grader configured in promptfooconfig.yaml: a promptfoo provider id and its options. */
export interface GraderConfig {
  id: string;
  config?: Record<string, unknown>;
  label?: string;
}

/** How a live variant reaches its model: its promptfoo target and the connection part of its config. */
export interface Connection {
  target: string;
  config: Record<string, unknown>;
  env?: Record<string, string | undefined>;
}

/** A grader that can be called. */
export interface Grader {
  reachable: true;
  /** The promptfoo provider id called. */
  id: string;
  config: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  /** Where the grader came from, for reasons and notes. */
  source: 'configured' | 'file model' | 'modelId';
}

/** No grader can be called: why, in one line, and the cause shared by every row it stops (for one run-level line). */
export interface NoGrader {
  reachable: false;
  reason: string;
  /** The same for every row and evaluator this cause stops, so the run says it once. */
  cause: string;
}

/** The config keys that say where a model is and how to authenticate: what a grader of the same family reuses. */
const CONNECTION_KEYS = [
  'apiBaseUrl',
  'apiHost',
  'apiKey',
  'apiKeyEnvar',
  'apiKeyRequired',
  'apiVersion',
  'organization',
  'headers',
] as const;

/** The connection part of a provider config (no model, parameters or options of ours). */
export function connectionOf(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    CONNECTION_KEYS.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]),
  );
}

/** The provider family of a promptfoo id: `openai`, `anthropic`, `azure`, `ollama`, ... */
export function familyOf(target: string): string {
  return (target.split(':')[0] ?? target).toLowerCase();
}

/**
 * The grader for `evaluator` of `file` on a row answered by `variant` (absent for the offline reference and replays).
 * `env` is the environment the call would see (the provider's `env:` over the process's).
 */
export function resolveGrader(input: {
  file: PromptFile;
  evaluator: Evaluator;
  configured?: GraderConfig;
  variant?: Connection;
  env: Record<string, string | undefined>;
}): Grader | NoGrader {
  const { file, evaluator, configured, variant, env } = input;
  const modelId = evaluator.kind === 'llm' ? evaluator.judge.modelId : undefined;
  // The connection a target may use: the configured grader's or the live variant's, only within their own family.
  const connection = (target: string): Connection | undefined => {
    if (configured && familyOf(configured.id) === familyOf(target))
      return { target: configured.id, config: configured.config ?? {} };
    if (variant && familyOf(variant.target) === familyOf(target))
      return { target: variant.target, config: connectionOf(variant.config), ...envOf(variant) };
    return undefined;
  };

  if (modelId !== undefined) {
    const id = targetFor(modelId);
    const own = connection(id);
    const grader: Grader = { reachable: true, id, config: own?.config ?? {}, source: 'modelId' };
    if (own?.env) grader.env = own.env;
    const missing = missingKey(id, grader.config, { ...env, ...own?.env });
    if (!missing) return grader;
    const at = evaluator.kind === 'llm' ? evaluator.judge.modelIdAt : undefined;
    const where = `${file.path}:${at?.line ?? evaluator.line}:${at?.column ?? 1}`;
    // Keys at hand that belong to another family, named so the refusal says what is never sent. Not the variant's:
    // the line is the same for every variant, so the run prints it once.
    const foreign = [
      configured && { target: configured.id, config: configured.config ?? {} },
      file.model !== undefined && { target: targetFor(file.model), config: {} },
    ]
      .filter((c): c is { target: string; config: Record<string, unknown> } => Boolean(c))
      .filter((c) => familyOf(c.target) !== familyOf(id) && !missingKey(c.target, c.config, env))
      .map((c) => keyName(c.target, c.config))
      .filter((k): k is string => k !== undefined);
    const names = [...new Set(foreign)];
    const never =
      names.length > 0
        ? `; ${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} never sent to ${familyOf(id)}`
        : '';
    const reason = `${where}: evaluator '${evaluator.name}' is not graded: its llm.modelId '${modelId}' may only use ${familyOf(id)}'s own key, and ${missing} is not set${never}`;
    return { reachable: false, reason, cause: reason };
  }

  const base = configured
    ? { id: configured.id, source: 'configured' as const }
    : file.model !== undefined
      ? { id: targetFor(file.model), source: 'file model' as const }
      : variant
        ? { id: variant.target, source: 'file model' as const }
        : undefined;
  if (!base) {
    const cause =
      'model-graded evaluators are not graded: the prompt file names no model and promptfooconfig.yaml configures no grader';
    return { reachable: false, reason: cause, cause };
  }
  const own = configured ? { target: configured.id, config: configured.config ?? {} } : connection(base.id);
  const grader: Grader = { reachable: true, id: base.id, config: own?.config ?? {}, source: base.source };
  if (own?.env) grader.env = own.env;
  const missing = missingKey(base.id, grader.config, { ...env, ...own?.env });
  if (!missing) return grader;
  const cause =
    base.source === 'configured'
      ? `model-graded evaluators are not graded: the configured grader ${base.id} needs ${missing}, which is not set`
      : `model-graded evaluators are not graded: ${missing} is not set, and the default grader is each prompt file's own model; set it, or configure grader: in promptfooconfig.yaml`;
  return {
    reachable: false,
    reason: base.source === 'configured' ? cause : `${cause} (here ${base.id})`,
    cause,
  };
}

function envOf(variant: Connection): { env?: Record<string, string | undefined> } {
  return variant.env ? { env: variant.env } : {};
}

/** What a call to `target` with `config` would authenticate with, named for people: a variable, or the config. */
function keyName(target: string, config: Record<string, unknown>): string | undefined {
  const named = config['apiKeyEnvar'];
  // `promptfile eval` moves a key written in promptfooconfig.yaml into PROMPTFILE_API_KEY_<n> (src/promptfoo/runConfig.ts).
  if (
    typeof config['apiKey'] === 'string' ||
    (typeof named === 'string' && /^PROMPTFILE_API_KEY_\d+$/.test(named))
  )
    return `the ${familyOf(target)} key in promptfooconfig.yaml`;
  return typeof named === 'string' ? named : keyVariable(target);
}

/** The key variable a call to `target` lacks, or undefined when it has a key or needs none. */
function missingKey(
  target: string,
  config: Record<string, unknown>,
  env: Record<string, string | undefined>,
): string | undefined {
  if (typeof config['apiKey'] === 'string' || config['apiKeyRequired'] === false) return undefined;
  const named = typeof config['apiKeyEnvar'] === 'string' ? config['apiKeyEnvar'] : undefined;
  const family = keyVariable(target);
  if ((named && env[named]) || (family && env[family]) || (!named && !family)) return undefined;
  return named ?? family;
}
