/**
 * The published JSON Schema (schema/prompt-file.schema.json), compiled once, and its errors turned into
 * one clear sentence each, pointing at the YAML line.
 */
import Ajv, { type ErrorObject } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../errors/diagnostics';
import { EVALUATOR_KINDS, type Kinds } from '../evaluators/registry';
import { packageRoot } from './packageRoot';
import { keyName, type PathSegment } from '../errors/diagnostics';
import type { ParsedSource } from './parse';
import { closest, didYouMean } from '../format/suggest';

export const SCHEMA_PATH = path.join(packageRoot(), 'schema/prompt-file.schema.json');

export type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  [k: string]: unknown;
};

/** The published schema as it is on disk; its evaluator keys are the kinds' own (see `schemaFor`). */
let published: JsonSchema | undefined;

export function publishedSchema(): JsonSchema {
  published ??= JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as JsonSchema;
  return published;
}

/**
 * The schema for a set of evaluator kinds: the published one with an evaluator entry's keys (`name`, `type`) and
 * each kind's own keys. For the registered kinds it is the published file, which a test holds to this.
 */
export function schemaFor(kinds: Kinds = EVALUATOR_KINDS): JsonSchema {
  const base = publishedSchema();
  const entry = base.properties?.['evaluators']?.items as JsonSchema;
  const properties: Record<string, JsonSchema> = {
    name: entry.properties?.['name'] ?? {},
    type: { enum: kinds.map((k) => k.kind) },
  };
  for (const kind of kinds) Object.assign(properties, kind.schema as Record<string, JsonSchema>);
  return {
    ...base,
    properties: {
      ...base.properties,
      evaluators: { ...base.properties?.['evaluators'], items: { ...entry, properties } },
    },
  };
}

const compiled = new WeakMap<Kinds, { schema: JsonSchema; check: ReturnType<Ajv['compile']> }>();

function forKinds(kinds: Kinds): { schema: JsonSchema; check: ReturnType<Ajv['compile']> } {
  let hit = compiled.get(kinds);
  if (!hit) {
    const schema = schemaFor(kinds);
    hit = { schema, check: new Ajv({ allErrors: true, strict: false }).compile(schema) };
    compiled.set(kinds, hit);
  }
  return hit;
}

/** Validates data against the schema; returns one diagnostic per problem. */
export function schemaDiagnostics(source: ParsedSource, kinds: Kinds = EVALUATOR_KINDS): Diagnostic[] {
  const { schema, check } = forKinds(kinds);
  if (check(source.value)) return [];
  const errors = dedupe(check.errors ?? []);
  return errors.map((e) => toDiagnostic(source, e, schema));
}

/** Drops errors that only restate another (ajv reports each failed branch of a type union). */
function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    const key = `${e.instancePath}|${e.keyword}|${e.keyword === 'additionalProperties' ? String(e.params['additionalProperty']) : ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The schema node that describes the value at `p`. */
function schemaAt(schema: JsonSchema, p: readonly PathSegment[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const seg of p) {
    if (!node) return undefined;
    if (typeof seg === 'number') node = node.items;
    else node = node.properties?.[seg] ?? (node['additionalProperties'] as JsonSchema | undefined);
  }
  return node;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string "${v.length > 30 ? v.slice(0, 29) + '…' : v}"`;
  return String(v);
}

/** `{{ x }}` unquoted parses as a mapping whose single key is a mapping. */
function isBraceMapping(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && /^\{.*\}$/.test(keys[0] ?? '');
}

function valueAt(root: unknown, p: readonly PathSegment[]): unknown {
  let v = root;
  for (const seg of p) v = (v as Record<string | number, unknown> | undefined)?.[seg];
  return v;
}

function expectedType(t: unknown): string {
  const list = Array.isArray(t) ? t.map(String) : [String(t)];
  // A row value: every scalar is fine, only mappings and lists are not.
  if (['string', 'number', 'boolean', 'null'].every((x) => list.includes(x)))
    return 'a single value (text, a number, true or false)';
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    object: 'a mapping',
    array: 'a list',
    null: 'empty',
  };
  const words = list.map((x) => names[x] ?? x);
  return words.length <= 1
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

const COMPARISONS: Record<string, string> = {
  '>=': 'at least',
  '<=': 'at most',
  '>': 'more than',
  '<': 'less than',
};

function isNumeric(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

function where(p: readonly PathSegment[]): string {
  return p.length === 0 ? 'at the top level' : `in '${keyName(p)}'`;
}

/** Names people write for the format's model parameters, and the key the format uses. */
const PARAMETER_SYNONYMS: Record<string, string> = {
  maxCompletionTokens: 'maxTokens',
  max_completion_tokens: 'maxTokens',
  maxOutputTokens: 'maxTokens',
  max_output_tokens: 'maxTokens',
};

/** `; did you mean ...?` for an unknown key: a misspelling, a synonym, or a model parameter one level too high. */
function unknownKeyHint(schema: JsonSchema, extra: string, at: readonly PathSegment[]): string {
  const parameters = Object.keys(schemaAt(schema, ['modelParameters'])?.properties ?? {});
  if (keyName(at) === 'modelParameters' && PARAMETER_SYNONYMS[extra])
    return `; did you mean '${PARAMETER_SYNONYMS[extra]}'?`;
  if (at.length === 0 && (parameters.includes(extra) || PARAMETER_SYNONYMS[extra])) {
    const key = PARAMETER_SYNONYMS[extra] ?? extra;
    return `; did you mean 'modelParameters.${key}'?`;
  }
  const here = Object.keys(schemaAt(schema, at)?.properties ?? {});
  if (at.length === 2 && at[0] === 'evaluators' && !closest(extra, here)) {
    // A string check written one level too high: `contains:` beside `name:` instead of under `string:`.
    const check = closest(
      extra,
      Object.keys(schemaAt(schema, ['evaluators', 0, 'string'])?.properties ?? {}),
    );
    if (check) return `; did you mean 'string.${check}'?`;
  }
  return didYouMean(extra, here);
}

function toDiagnostic(source: ParsedSource, e: ErrorObject, schema: JsonSchema): Diagnostic {
  const at = pointerToPath(e.instancePath);
  const value = valueAt(source.value, at);
  let keyPath: PathSegment[] = at;
  let message: string;
  let severity: Diagnostic['severity'] = 'error';
  switch (e.keyword) {
    case 'additionalProperties': {
      // gh models ignores keys it does not know; so do we, but we say so, with the key that was probably meant.
      const extra = String(e.params['additionalProperty']);
      keyPath = [...at, extra];
      severity = 'warning';
      message = `unknown key '${extra}' ${where(at)} is ignored${unknownKeyHint(schema, extra, at)}`;
      break;
    }
    case 'required': {
      const missing = String(e.params['missingProperty']);
      message =
        missing === 'messages' && at.length === 0
          ? "missing messages: a prompt file needs a 'messages' list with at least one message to send"
          : `missing required key '${missing}' ${where(at)}`;
      break;
    }
    case 'type':
      message = `'${keyName(at)}' must be ${expectedType(e.params['type'])}, not ${typeOf(value)}`;
      if (isBraceMapping(value)) message += `; quote it, as YAML reads an unquoted {{...}} as a mapping`;
      else if (
        typeof value === 'string' &&
        /number|integer/.test(String(e.params['type'])) &&
        isNumeric(value)
      ) {
        message += '; remove the quotes';
      }
      break;
    case 'enum': {
      const allowed = (e.params['allowedValues'] as unknown[]).map(String);
      const last = at[at.length - 1];
      const what = last === 'role' ? 'message role' : `value for '${keyName(at)}'`;
      message = `unknown ${what} '${String(value)}'; expected one of ${allowed.join(', ')}${didYouMean(String(value), allowed)}`;
      break;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      message = `'${keyName(at)}' must be ${COMPARISONS[String(e.params['comparison'])] ?? e.params['comparison']} ${e.params['limit']}, not ${String(value)}`;
      break;
    case 'minItems':
      message =
        e.params['limit'] === 1
          ? `'${keyName(at)}' must not be empty`
          : `'${keyName(at)}' must have at least ${e.params['limit']} items`;
      break;
    case 'minLength':
      message = `'${keyName(at)}' must not be empty`;
      break;
    case 'pattern':
      if (at[at.length - 1] === 'role') {
        const roles = ['system', 'user', 'assistant', 'developer'];
        message = `unknown message role '${String(value)}'; expected one of ${roles.join(', ')}${didYouMean(String(value), roles)}`;
        break;
      }
      message = `'${keyName(at)}' value '${String(value)}' is not a valid name (letters, digits, _ and -, not starting with a digit)`;
      break;
    default:
      message = `'${keyName(at) || 'file'}' ${e.message ?? 'is invalid'}`;
  }
  const pos = source.position(keyPath);
  return {
    severity,
    file: source.file,
    line: pos.line,
    column: pos.column,
    key: keyName(keyPath),
    message,
  };
}
