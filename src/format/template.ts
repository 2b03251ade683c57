/**
 * Prompt-file templating: `{{key}}` replaced literally from a row, as gh models does, in one pass; `{{ name }}`
 * (spaces inside the braces) is replaced too when the name is an identifier. Nothing else is syntax. A value is
 * never re-scanned, so a row value such as `{{other}}`, `{{ env.HOME }}` or `{% if %}` reaches the model byte for
 * byte, and a placeholder the row does not give stays as written.
 */

/** A pair of double braces with no brace inside; group 1 is what stands between them. */
const BRACES = /\{\{([^{}]*)\}\}/g;
/** An identifier with optional spaces or tabs around it; group 1 is the identifier. */
const PADDED_NAME = /^[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*$/;

const has = (values: Readonly<Record<string, string>>, key: string) =>
  Object.prototype.hasOwnProperty.call(values, key);

/**
 * Replaces each `{{key}}` whose key the row gives (any key, exactly as gh models does), and each `{{ name }}` whose
 * trimmed identifier it gives; leaves everything else as written.
 */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(BRACES, (whole, inner: string) => {
    if (has(values, inner)) return values[inner] as string;
    const name = PADDED_NAME.exec(inner)?.[1];
    return name !== undefined && has(values, name) ? (values[name] as string) : whole;
  });
}

/** The identifier placeholder names in `text` (`{{name}}` or `{{ name }}`), in order of first appearance. */
export function placeholders(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(BRACES)) {
    const name = PADDED_NAME.exec(m[1] as string)?.[1];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}
