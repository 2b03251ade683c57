/**
 * Which row a result belongs to, by what the row is rather than where it sits. A row's identity is the prompt
 * file's `name`, the row's values and the definitions of the evaluators that apply to it (with whether each must
 * match or must not). So inserting a row above it, moving it, or renaming the file keeps its history; changing its
 * values or its evaluators makes it another row, which the gate reports as changed instead of comparing it with
 * what it used to be. The prompt's messages, the model and its parameters are not part of it: those are what a
 * run is compared across.
 */
import { createHash } from 'node:crypto';
import type { PromptFile, TestRow } from '../promptfile/model';
import type { RowPlan } from './scope';

/** A row's identity within its file: 12 hex digits of a SHA-256 over its content. */
export function rowIdentity(file: PromptFile, row: TestRow, plan: RowPlan): string {
  const evaluators = plan.evaluators.map(({ evaluator, expect }) => {
    // Position and line are where the evaluator is written, not what it is.
    const { index: _index, line: _line, ...definition } = evaluator;
    if (definition.kind === 'llm' && definition.judge.modelIdAt) {
      const { modelIdAt: _at, ...judge } = definition.judge;
      return { ...definition, judge, expect };
    }
    return { ...definition, expect };
  });
  const extra = plan.assert.map((a) => located(a));
  const content = canonicalJson({ name: file.name, values: row.variables, evaluators, extra });
  return createHash('sha256').update(content).digest('hex').slice(0, 12);
}

/**
 * Identities for all rows of a file, in order; a row identical to an earlier one gets `-2`, `-3`... so every row
 * of a file stays a row of its own.
 */
export function rowIdentities(ids: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return ids.map((id) => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? id : `${id}-${n}`;
  });
}

/**
 * An assertion from the config without where the checkout lives or what it is compiled to: a `file://` reference
 * by its file name without the extension (`file://dist/assertions/gossip.js:numbers` and
 * `file://assertions/gossip.ts:numbers` are the same check, `file://gossip:numbers`), so building the plugin
 * or moving its output does not turn every row into a new one.
 */
export function located(value: unknown): unknown {
  if (typeof value === 'string')
    return value.startsWith('file://') ? `file://${checkFile(value.slice(7))}` : value;
  if (Array.isArray(value)) return value.map(located);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, located(v)]));
  return value;
}

/** `dir/gossip.js:numbers` → `gossip:numbers`: the file's name without directory or script extension. */
function checkFile(reference: string): string {
  const name = reference.split(/[\\/]/).pop() ?? '';
  return name.replace(/\.(?:[cm]?[jt]s|tsx|jsx)(?=:|$)/, '');
}

/** JSON with object keys sorted, so equal content gives equal text whatever the key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
