/**
 * Every evaluator kind a prompt file may use, in one list: the loader, the schema, the test generator and the
 * promptfoo adapter read it. A new kind is its file (see ./kind.ts) and one line here.
 */
import type { Entry, EvaluatorKind } from './kind';
import { llmKind } from './llm';
import { regexKind } from './regex';
import { stringKind } from './string';
import { usesKind } from './uses';

export const EVALUATOR_KINDS = [stringKind, regexKind, llmKind, usesKind] as const;

/** What an evaluator does: one kind's method. */
export type EvaluatorMethod = ReturnType<(typeof EVALUATOR_KINDS)[number]['read']>;

/** An evaluator of a prompt file: its method, with its name and where it is written. */
export type Evaluator = EvaluatorMethod & {
  name: string;
  /** 0-based position in evaluators. */
  index: number;
  line: number;
};

export type Kinds = readonly EvaluatorKind[];

/** The kind of a method (`evaluator.kind`). */
export function kindOf(kind: string, kinds: Kinds = EVALUATOR_KINDS): EvaluatorKind {
  const found = kinds.find((k) => k.kind === kind);
  if (!found) throw new Error(`no evaluator kind '${kind}' is registered`);
  return found;
}

/** Why an entry has no single method, or its kind. Decided here once, for the checks and the reading alike. */
export type Selection =
  | { kind: EvaluatorKind }
  | { problem: 'type-without-key'; type: string; missing: string }
  | { problem: 'none'; give: string }
  | { problem: 'several'; keys: string[] };

export function selectKind(entry: Entry, kinds: Kinds = EVALUATOR_KINDS): Selection {
  const present = Object.keys(entry).filter((key) => kinds.some((k) => k.keys.includes(key)));
  const type = entry['type'];
  if (typeof type === 'string') {
    const named = kinds.find((k) => k.kind === type);
    if (named && !present.some((key) => named.keys.includes(key))) {
      const missing = named.keys.length > 1 ? `'${named.keys[0]}'` : `'${type}' section`;
      return { problem: 'type-without-key', type, missing };
    }
  }
  if (present.length === 0) {
    const ways = kinds.map((k) => k.howToWrite);
    return { problem: 'none', give: `${ways.slice(0, -1).join(', ')} or ${ways[ways.length - 1]}` };
  }
  if (present.length > 1) return { problem: 'several', keys: present };
  return { kind: kinds.find((k) => k.keys.includes(present[0] as string)) as EvaluatorKind };
}
