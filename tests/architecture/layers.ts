/**
 * The layers of the plugin, bottom to top, and what may point where. A part may import parts of its own layer
 * or below; entry folders may import the plugin; suites may import the plugin; the plugin imports no suite and
 * no entry folder. docs/architecture.md explains the parts; the layer test holds the code to this table.
 */
import { partEdges, partOf, type Edge } from './imports';

export const LAYERS: readonly (readonly string[])[] = [
  ['src/errors', 'src/format', 'src/stats'],
  ['src/evaluators'],
  ['src/promptfile'],
  ['src/variants', 'src/cassettes', 'src/models'],
  ['src/suite', 'src/promptfoo', 'src/results'],
  ['src/compare', 'src/gate'],
  ['src/report'],
  ['src/cli'],
];

/** What promptfoo and the shell load: thin files that delegate to the plugin. */
export const ENTRY_PARTS = ['providers', 'assertions', 'prompts', 'extensions', 'bin'];

/** Measurement code: may use anything, is used by nothing. */
export const TOOL_PARTS = ['bench'];

/** Suites live in suites/<name>/: they may import the plugin, which imports none of them. */
export function isSuite(part: string): boolean {
  return part.startsWith('suites/');
}

export function rankOf(part: string): number | undefined {
  const i = LAYERS.findIndex((layer) => layer.includes(part));
  return i < 0 ? undefined : i;
}

/** One dependency that breaks the rules, with the reason. */
export interface Violation {
  edge: string;
  why: string;
  example: Edge;
}

/** Every part-to-part import that breaks the rules. */
export function violations(edges: Map<string, Edge> = partEdges()): Violation[] {
  const out: Violation[] = [];
  for (const [edge, example] of edges) {
    const [from, to] = edge.split(' -> ') as [string, string];
    const add = (why: string) => out.push({ edge, why, example });
    if (TOOL_PARTS.includes(to)) add(`${to} is measurement code: nothing may import it`);
    else if (ENTRY_PARTS.includes(to) && !ENTRY_PARTS.includes(from))
      add(`${to} holds entry files promptfoo loads: the code they delegate to must not import them`);
    else if (isSuite(to) && !isSuite(from) && !TOOL_PARTS.includes(from))
      add(`the plugin must not know a suite: ${from} imports ${to}`);
    else if (!isSuite(from) && !ENTRY_PARTS.includes(from) && !TOOL_PARTS.includes(from)) {
      const a = rankOf(from);
      const b = rankOf(to);
      if (a === undefined) add(`${from} is in no layer: add it to LAYERS in tests/architecture/layers.ts`);
      else if (b === undefined) add(`${to} is in no layer: add it to LAYERS in tests/architecture/layers.ts`);
      else if (b > a) add(`upward: ${from} (layer ${a}) imports ${to} (layer ${b})`);
    }
  }
  return out;
}

export { partOf };
