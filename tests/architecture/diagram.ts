/**
 * The part diagram of docs/architecture.md, made from the real imports: a Mermaid flowchart with one box per layer.
 * `npm run architecture` rewrites the block between the markers; the layer test fails when it is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { partEdges, REPO } from './imports';
import { ENTRY_PARTS, isSuite, LAYERS, TOOL_PARTS } from './layers';

export const DOC = path.join(REPO, 'docs/architecture.md');
const BEGIN = '<!-- imports:begin (npm run architecture writes this block) -->';
const END = '<!-- imports:end -->';

const id = (part: string) => part.replace(/[^A-Za-z0-9]/g, '_');

/** The Mermaid block for the current imports. */
export function diagram(): string {
  const edges = [...partEdges().keys()].sort().map((e) => e.split(' -> ') as [string, string]);
  const parts = [...new Set(edges.flat())].sort();
  const lines = ['```mermaid', 'flowchart TD'];
  const group = (name: string, members: string[]) => {
    if (members.length === 0) return;
    lines.push(`  subgraph ${id(name)}["${name}"]`);
    for (const p of members) lines.push(`    ${id(p)}["${p}"]`);
    lines.push('  end');
  };
  group(
    'entry points',
    parts.filter((p) => ENTRY_PARTS.includes(p) || TOOL_PARTS.includes(p)),
  );
  group('suites', parts.filter(isSuite));
  for (let i = LAYERS.length - 1; i >= 0; i--) {
    group(
      `layer ${i}`,
      parts.filter((p) => LAYERS[i]!.includes(p)),
    );
  }
  const placed = new Set(lines.join('\n').match(/\["[^"]+"\]/g) ?? []);
  for (const p of parts) if (!placed.has(`["${p}"]`)) lines.push(`  ${id(p)}["${p}"]`);
  for (const [a, b] of edges) lines.push(`  ${id(a)} --> ${id(b)}`);
  lines.push('```');
  return lines.join('\n');
}

/** The block as docs/architecture.md holds it now. */
export function documented(): string | undefined {
  if (!fs.existsSync(DOC)) return undefined;
  const text = fs.readFileSync(DOC, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  return start < 0 || end < 0 ? undefined : text.slice(start + BEGIN.length, end).trim();
}

/** Rewrites the block in docs/architecture.md. */
export function write(): void {
  const text = fs.readFileSync(DOC, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`${DOC} has no ${BEGIN} ... ${END} block`);
  fs.writeFileSync(DOC, `${text.slice(0, start + BEGIN.length)}\n${diagram()}\n${text.slice(end)}`);
}

if (require.main === module) {
  write();
  process.stdout.write(`wrote the import diagram into ${path.relative(process.cwd(), DOC)}\n`);
}
