/** Reading parsed JSON of unknown shape: promptfoo's results files, read by the modules beside this one. */

/** A JSON object. */
export type Json = Record<string, unknown>;

/** `value` when it is a JSON object (not null, not an array), else undefined. */
export function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}
