/**
 * Read: a prompt file's bytes into YAML with positions, a mapping at the top, and scalars read as the text written
 * where the format wants text. Nothing here judges what the file says (./validate.ts does).
 */
import type { Diagnostic, PathSegment } from '../errors/diagnostics';
import type { Kinds } from '../evaluators/registry';
import { parseSource, type ParsedSource } from './parse';
import { asArray, isRecord, valueAt, type Raw } from './raw';

/** The parsed source of a prompt file, or why it is not one. */
export function readSource(
  path: string,
  bytes: Buffer | string,
  kinds: Kinds,
): { source?: ParsedSource; diagnostics: Diagnostic[] } {
  const parsed = parseSource(path, bytes);
  if (!parsed.source) return { diagnostics: parsed.diagnostics };
  const source = parsed.source;
  if (!isRecord(source.value)) {
    const found =
      source.value === null
        ? 'the file is empty'
        : Array.isArray(source.value)
          ? 'the top level is a list'
          : 'the top level is a single value';
    const { line, column } = source.position([]);
    const message = `${found}; a prompt file is a YAML mapping with at least 'messages'`;
    return { diagnostics: [{ severity: 'error', file: path, line, column, key: '', message }] };
  }
  textOfScalars(source, kinds);
  return { source, diagnostics: [] };
}

/**
 * gh models reads a number or boolean where the format wants text as the text written (`contains: 4` is "4"); so do
 * we, from the source (`1.10` keeps its zero). Mappings, lists and null stay as they are and fail the schema.
 */
function textOfScalars(source: ParsedSource, kinds: Kinds): void {
  const root = source.value as Raw;
  const paths: PathSegment[][] = [['name'], ['description'], ['model']];
  asArray(root['messages']).forEach((_, i) => paths.push(['messages', i, 'content']));
  asArray(root['evaluators']).forEach((e, i) => {
    paths.push(['evaluators', i, 'name']);
    if (!isRecord(e)) return;
    for (const kind of kinds) for (const p of kind.textPaths?.(e) ?? []) paths.push(['evaluators', i, ...p]);
  });
  for (const p of paths) {
    const parent = valueAt(root, p.slice(0, -1));
    const key = p[p.length - 1] as string;
    if (!isRecord(parent)) continue;
    const v = parent[key];
    if (typeof v === 'number' || typeof v === 'boolean') parent[key] = source.writtenAs(p) ?? String(v);
  }
}
