/**
 * Names that reach people: variant labels, evaluator names, prompt-file paths and row keys come from whoever edits
 * the repository, and end up in terminals, CI logs, job summaries and annotations. Shown on one line, with every
 * control character (line breaks and tabs included) and every bidirectional override as a visible `\uXXXX`, they
 * can neither start a line of their own (a forged heading, a forged "Gate passed") nor hide what they say.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, without the global flag: `exec` then keeps no state between calls, so one object serves every call. */
const FIRST_CONTROL = new RegExp(CONTROL.source);

/** `text` on one line, its control characters and bidi overrides shown as `\uXXXX`. */
export function visible(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The first control character or bidi override in `text`, as `U+000A`, or undefined when it has none. */
export function controlCharacter(text: string): string | undefined {
  const match = FIRST_CONTROL.exec(text);
  return match
    ? `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
    : undefined;
}
