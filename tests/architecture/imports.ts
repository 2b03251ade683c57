/**
 * The import graph of the repository, read from the source text: which file imports which, and which part (a folder
 * of `src/`, an entry folder, a suite) depends on which. The layer test and the diagram in docs/architecture.md are
 * both made from it, so neither can drift from the code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');

/** Folders whose TypeScript and JavaScript make up the product, its suites, benchmarks and entry points. */
const ROOTS = ['src', 'providers', 'assertions', 'prompts', 'extensions', 'bin', 'bench', 'suites'];

/** One import, as written and as resolved to a repository file. */
export interface Edge {
  from: string;
  to: string;
  /** The specifier as written, for messages. */
  spec: string;
}

const SPECIFIERS = [
  /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Every source file under the roots, repository-relative, with `/` separators. */
export function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      // A suite's tests are tests, as tests/ is: not part of the house the layers describe.
      if (entry.isDirectory() && /^suites[\\/][^\\/]+[\\/]tests$/.test(path.relative(REPO, full))) continue;
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|js|cjs|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
        out.push(path.relative(REPO, full).split(path.sep).join('/'));
    }
  };
  for (const root of ROOTS) walk(path.join(REPO, root));
  return out.sort();
}

/** Comments out of the way, so an example in a comment is not an import. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function resolveLocal(from: string, spec: string, files: Set<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.js`,
    `${base}.cjs`,
    `${base}/index.ts`,
    `${base}/index.js`,
  ];
  return candidates.find((c) => files.has(c));
}

/** Every local import between source files. */
export function importEdges(files = sourceFiles()): Edge[] {
  const known = new Set(files);
  const edges: Edge[] = [];
  for (const file of files) {
    const text = withoutComments(fs.readFileSync(path.join(REPO, file), 'utf8'));
    const seen = new Set<string>();
    for (const pattern of SPECIFIERS) {
      for (const match of text.matchAll(pattern)) {
        const spec = match[1] as string;
        const to = resolveLocal(file, spec, known);
        if (to && !seen.has(to)) {
          seen.add(to);
          edges.push({ from: file, to, spec });
        }
      }
    }
  }
  return edges;
}

/**
 * The part a file belongs to: `src/<folder>` for the plugin's modules, `suites/<name>` for a suite, the folder
 * itself for the entry folders (`providers`, `assertions`, `prompts`, `bin`, `bench`).
 */
export function partOf(file: string): string {
  const [top, second] = file.split('/');
  if ((top === 'src' || top === 'suites') && second && !/\.\w+$/.test(second)) return `${top}/${second}`;
  return top as string;
}

/** The strongly connected components with more than one member: each is a cycle. */
export function cycles(nodes: string[], edges: [string, string][]): string[][] {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const [a, b] of edges) if (a !== b) next.get(a)?.push(b);
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const n of nodes) if (!order.has(n)) visit(n);
  return found;
}

/** Part-to-part dependencies, each with one example import that makes it. */
export function partEdges(edges = importEdges()): Map<string, Edge> {
  const parts = new Map<string, Edge>();
  for (const e of edges) {
    const a = partOf(e.from);
    const b = partOf(e.to);
    if (a !== b && !parts.has(`${a} -> ${b}`)) parts.set(`${a} -> ${b}`, e);
  }
  return parts;
}
