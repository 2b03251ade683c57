/** A prompt file's YAML as parsed, before it is typed: the small readers validate and normalise share. */

export type Raw = Record<string, unknown>;

export const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
export const isRecord = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A row's variables, from either dialect; undefined when the row is not a mapping. */
export function rowValues(raw: unknown): Record<string, unknown> | undefined {
  if (!isRecord(raw)) return undefined;
  if (isRecord(raw['variables'])) return raw['variables'];
  return raw;
}

/** gh models' jsonSchema: OpenAI's response_format wrapper `{"name": ..., "strict": ..., "schema": {...}}`. */
export function isWrapper(schema: unknown): schema is Raw {
  return isRecord(schema) && 'name' in schema && 'schema' in schema;
}

/** The value at `path` under `root`, or undefined. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (isRecord(v) || Array.isArray(v) ? (v as Raw)[k] : undefined), root);
}
