/**
 * Handing promptfoo text it must not interpret.
 *
 * promptfoo (0.121.20, measured) treats the strings it is handed as instructions in several places: a var that starts
 * with `file://` is read (a `.js` one executed) and glob-expanded, `package:` loads a module, a trailing newline is
 * cut, `{{other}}` inside a var is replaced, and every string of a prompt (and of a metric name, and of an assertion
 * value) is rendered with Nunjucks with `env` in scope, where `{#` and even a lone `#}` are syntax errors.
 *
 * Every one of those steps first checks `typeof value === 'string'`. A row value that would trip one is therefore
 * handed over as a String object: promptfoo leaves it alone, while Nunjucks (`{{expected}}` in an assertion), JSON
 * (results, database, web UI) and CSV all read it as its text. Values that trip nothing stay plain strings, so
 * promptfoo's own features (`--filter-failing`, JavaScript assertions comparing with `===`) see them as in a plain config.
 *
 * Text that must pass through Nunjucks unchanged (a prompt's message content) is written as a Nunjucks string literal,
 * `{{ "..." }}`, which renders to exactly its text whatever it holds.
 */

/** Nunjucks syntax in plain text: the openers, and the comment closer, which throws outside a comment. */
const TEMPLATE_SYNTAX = /\{[{%#]|#\}/;

/** True when promptfoo would do something with `value` other than carry it. */
export function isInterpreted(value: string): boolean {
  return (
    value.startsWith('file://') ||
    value.startsWith('package:') ||
    value.endsWith('\n') ||
    TEMPLATE_SYNTAX.test(value)
  );
}

/** A row value as a promptfoo var: the string itself, or a String object when promptfoo would interpret it. */
export function inertVar(value: string): string {
  // A String object where promptfoo's types say string: see the module comment. JSON.stringify writes its text.
  return isInterpreted(value) ? (new String(value) as unknown as string) : value;
}

/** The text of a var as promptfoo holds it (a string, or a String object made by `inertVar`). */
export function varText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof String) return value.valueOf();
  return undefined;
}

/** `text` as a Nunjucks template that renders to exactly `text`. */
export function nunjucksLiteral(text: string): string {
  // Inside a Nunjucks string literal a backslash escapes the next character; nothing else is special.
  return `{{ "${text.replace(/[\\"]/g, '\\$&')}" }}`;
}

/**
 * `text` for a place promptfoo renders with Nunjucks: as is when rendering cannot change it, else as a literal.
 * With `templating` false (PROMPTFOO_DISABLE_TEMPLATING) promptfoo renders nothing, so the text goes as is.
 */
export function templateText(text: string, templating: boolean): string {
  return templating && TEMPLATE_SYNTAX.test(text) ? nunjucksLiteral(text) : text;
}

/**
 * What promptfoo shows for a string it renders: the text of a `{{ "..." }}` literal (as `templateText` writes one),
 * any other string as is. Used where promptfoo's results keep the unrendered form (an assertion's `metric`).
 */
export function renderedText(text: string): string {
  const m = /^\{\{ "((?:[^\\"]|\\[\s\S])*)" \}\}$/.exec(text);
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
  return m ? (m[1] as string).replace(/\\([\s\S])/g, (_, c: string) => escapes[c] ?? c) : text;
}

/** True when `received` is `text` as `templateText` may have written it, rendered or not. */
export function sameText(received: string, text: string): boolean {
  return received === text || received === nunjucksLiteral(text);
}

/** Whether promptfoo renders templates in this process: off when PROMPTFOO_DISABLE_TEMPLATING is set in the environment. */
export function templatingOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return !envFlag(env, 'PROMPTFOO_DISABLE_TEMPLATING');
}

/** A promptfoo boolean environment variable, read as promptfoo reads it. */
export function envFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  return ['1', 'true', 'yes', 'yup', 'yeppers'].includes((env[name] ?? '').toLowerCase());
}
