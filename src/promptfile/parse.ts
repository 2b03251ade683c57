/**
 * Parses a prompt file's bytes into plain data plus a way to find the source position of any key or value.
 * Bounded: file size, alias expansion and nesting depth, so a hostile file cannot exhaust memory.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from './errors';

/** Largest prompt file we read. Real ones are a few KB; this leaves room for thousands of rows. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Largest number of alias dereferences (`*ref`) per file: blocks "billion laughs" expansion. */
export const MAX_ALIASES = 100;
/** Deepest nesting of mappings and sequences; the format needs 5. */
export const MAX_DEPTH = 32;

export type PathSegment = string | number;

/** A parsed file: its data and how to point at a path inside it. */
export interface ParsedSource {
  file: string;
  value: unknown;
  /** 1-based line and column of the value at `path`, or of its key when `at` is 'key'. */
  position(path: readonly PathSegment[], at?: 'key' | 'value'): { line: number; column: number };
}

/** Parses YAML text. Returns the data, or diagnostics for every syntax problem found. */
export function parseSource(
  file: string,
  bytes: Buffer | string,
): { source?: ParsedSource; diagnostics: Diagnostic[] } {
  const problem = (line: number, column: number, message: string): Diagnostic => ({
    severity: 'error',
    file,
    line,
    column,
    key: '',
    message,
  });

  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (size > MAX_FILE_BYTES) {
    return {
      diagnostics: [
        problem(0, 0, `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a prompt file`),
      ],
    };
  }
  let text: string;
  if (typeof bytes === 'string') {
    text = bytes;
  } else {
    const bad = firstInvalidUtf8(bytes);
    if (bad !== -1) {
      const before = bytes.subarray(0, bad).toString('utf8');
      const lines = before.split('\n');
      return {
        diagnostics: [
          problem(
            lines.length,
            (lines[lines.length - 1]?.length ?? 0) + 1,
            `file is not valid UTF-8 (byte 0x${bytes[bad]?.toString(16).padStart(2, '0')} at offset ${bad})`,
          ),
        ],
      };
    }
    text = bytes.toString('utf8');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, logLevel: 'error' });
  const diagnostics: Diagnostic[] = [];
  for (const e of [...doc.errors, ...doc.warnings.filter((w) => w.code === 'DUPLICATE_KEY')]) {
    const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
    diagnostics.push(problem(pos.line, pos.col, yamlMessage(e.code, e.message)));
  }
  if (diagnostics.length > 0) return { diagnostics };

  const depth = maxDepth(doc.contents as Node | null);
  if (depth > MAX_DEPTH) {
    return { diagnostics: [problem(1, 1, `nesting is ${depth} levels deep, over the limit of ${MAX_DEPTH}`)] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const excessive = /alias/i.test(message);
    return {
      diagnostics: [
        problem(
          1,
          1,
          excessive
            ? `YAML aliases expand too far (more than ${MAX_ALIASES} dereferences): refusing a possible alias bomb`
            : `YAML could not be read: ${message}`,
        ),
      ],
    };
  }
  return { source: { file, value, position: (path, at = 'value') => locate(doc, lineCounter, path, at) }, diagnostics };
}

function yamlMessage(code: string, message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY') {
    return `duplicate key: ${firstLine.replace(/^Map keys must be unique;?\s*/, '') || 'a key appears twice in one mapping'}`;
  }
  return `YAML syntax error: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}`;
}

/** Index of the first byte that is not valid UTF-8, or -1. */
function firstInvalidUtf8(bytes: Buffer): number {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // Find it: decode growing prefixes is quadratic, so scan by hand.
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i] ?? 0;
      const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
      if (need < 0) return i;
      for (let k = 1; k <= need; k++) {
        const c = bytes[i + k];
        if (c === undefined || (c & 0xc0) !== 0x80) return i;
      }
      i += need + 1;
    }
    return -1;
  }
}

function maxDepth(node: Node | null, depth = 0): number {
  if (isMap(node)) {
    let d = depth + 1;
    for (const pair of node.items) d = Math.max(d, maxDepth(pair.value as Node | null, depth + 1));
    return d;
  }
  if (isSeq(node)) {
    let d = depth + 1;
    for (const item of node.items) d = Math.max(d, maxDepth(item as Node | null, depth + 1));
    return d;
  }
  return depth;
}

function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
  at: 'key' | 'value',
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let best: number = (node as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const keyStart = (pair.key as Node).range?.[0];
      if (last && at === 'key' && keyStart !== undefined) {
        best = keyStart;
        break;
      }
      node = pair.value;
      const start = (node as Node | null)?.range?.[0] ?? keyStart;
      if (start !== undefined) best = start;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      const start = (node as Node | null)?.range?.[0];
      if (start !== undefined) best = start;
      if (node === undefined) break;
    } else {
      break;
    }
  }
  const pos = lineCounter.linePos(best);
  return { line: pos.line, column: pos.col };
}
