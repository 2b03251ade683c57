/**
 * Prompt-file templating: `{{name}}` and `{{ name }}` replaced literally from a row, in one pass.
 * Nothing else is syntax. A value is never re-scanned, so a row value such as `{{other}}`, `{{ env.HOME }}`
 * or `{% if %}` reaches the model byte for byte.
 */

/** Matches a placeholder; group 1 is the variable name. */
export const PLACEHOLDER = /\{\{[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\}\}/g;

/** Replaces each placeholder whose name is in `values`; leaves unknown placeholders as written. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? (values[name] as string) : whole,
  );
}

/** The placeholder names in `text`, in order of first appearance. */
export function placeholders(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
