/**
 * Carries prompt-file data through promptfoo without promptfoo interpreting it.
 *
 * promptfoo treats strings it is handed as instructions in several places: a var that starts with
 * `file://` is read (and a `.js` one executed), `package:` loads a module, every var and every string of a
 * chat prompt is rendered with Nunjucks (with `env` in scope), `{{other}}` inside a var is resolved, and a
 * trailing newline is stripped. A value encoded here is inert to all of that: it starts and ends with U+2060
 * (WORD JOINER, invisible), and every `{` that could open a Nunjucks tag is followed by U+2060, so no `{{`,
 * `{%` or `{#` remains. `decode(encode(s)) === s` for every string.
 */

const MARK = '\u2060';
const OPENERS = /\{(?=[{%#\u2060])/g;
const ESCAPED = /\{\u2060/g;

/** Makes `value` inert to promptfoo's file loading, package loading and templating. */
export function encode(value: string): string {
  return MARK + value.replace(OPENERS, '{' + MARK) + MARK;
}

/** Inverts `encode`. A string that was not encoded is returned unchanged. */
export function decode(value: string): string {
  if (!isEncoded(value)) return value;
  return value.slice(1, -1).replace(ESCAPED, '{');
}

/** True when `value` has the shape `encode` produces. */
export function isEncoded(value: string): boolean {
  return value.length >= 2 && value.startsWith(MARK) && value.endsWith(MARK);
}

/** Encodes every value of a record. */
export function encodeRecord(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encode(v)]));
}

/** Decodes every string value of a record; other values become their JSON text. */
export function decodeRecord(values: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values ?? {})) {
    out[k] = typeof v === 'string' ? decode(v) : JSON.stringify(v);
  }
  return out;
}
