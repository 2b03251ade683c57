/**
 * Parses a prompt file's bytes into plain data plus a way to find the source position of any key or value.
 * Bounded: file size, alias expansion and nesting depth, so a hostile file cannot exhaust memory.
 */
import {
  CST,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import { type Diagnostic, keyName, type PathSegment } from '../errors/diagnostics';

/** Largest prompt file we read. Real ones are a few KB; this leaves room for thousands of rows. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Largest number of alias dereferences (`*ref`) per file: blocks "billion laughs" expansion. */
export const MAX_ALIASES = 100;
/** Deepest nesting of mappings and sequences; the format needs 5. */
export const MAX_DEPTH = 32;

/** A parsed file: its data and how to point at a path inside it. */
export interface ParsedSource {
  file: string;
  value: unknown;
  /**
   * 1-based line and column of the key at `path`, or of the item for a list index: errors point at the
   * offending key's own line, even when its value (a block mapping or list) starts below it.
   */
  position(path: readonly PathSegment[]): { line: number; column: number };
  /** The text of the unquoted scalar at `path` exactly as written (`02134`, `1.10`), or undefined. */
  writtenAs(path: readonly PathSegment[]): string | undefined;
}

/** The error for a file of `size` bytes when that is over MAX_FILE_BYTES; a whole-file problem has no position. */
export function sizeProblem(file: string, size: number): Diagnostic | undefined {
  if (size <= MAX_FILE_BYTES) return undefined;
  const message = `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a prompt file`;
  return { severity: 'error', file, line: 0, column: 0, key: '', message };
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

  const tooLarge = sizeProblem(file, typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length);
  if (tooLarge) return { diagnostics: [tooLarge] };
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
  const at = (offset: number, message: string, key = ''): Diagnostic => {
    const pos = lineCounter.linePos(offset);
    return { ...problem(pos.line, pos.col, message), key };
  };
  // Before building a tree: yaml's composer recurses per level and runs out of stack or memory long
  // before the size limit (2 MB of `- ` exhausts the heap), so deep nesting is refused from the tokens.
  const deep = tooDeepOffset(text);
  if (deep !== undefined) {
    const pos = offsetToLinePos(text, deep);
    return { diagnostics: [problem(pos.line, pos.column, tooDeepMessage())] };
  }
  // uniqueKeys is checked below in linear time; yaml's own check is quadratic in the keys of a mapping.
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: false,
    prettyErrors: false,
    strict: true,
    logLevel: 'error',
  });
  const diagnostics: Diagnostic[] = doc.errors.map((e) => syntaxProblem(doc, e, at));
  if (diagnostics.length > 0) return { diagnostics };

  // First, as the walks below recurse once per level.
  const tooDeep = firstTooDeep(doc.contents as Node | null);
  if (tooDeep !== undefined) return { diagnostics: [at(tooDeep, tooDeepMessage())] };
  diagnostics.push(...duplicateKeys(doc.contents as Node | null, lineCounter, at));
  const aliasProblem = aliasExpansion(doc.contents as Node | null);
  if (aliasProblem) diagnostics.push(at(aliasProblem.offset, aliasProblem.message));
  if (diagnostics.length > 0) return { diagnostics };

  let value: unknown;
  try {
    // yaml counts an anchor as its own first use, hence + 1; aliasExpansion() has done the real check.
    value = doc.toJS({ maxAliasCount: MAX_ALIASES + 1 });
  } catch (error) {
    // Only yaml's own, differently weighted alias accounting can get here: still a refusal, not a crash.
    const message = error instanceof Error ? error.message : String(error);
    return { diagnostics: [problem(1, 1, `YAML could not be read: ${message}`)] };
  }
  const source: ParsedSource = {
    file,
    value,
    position: (path) => locate(doc, lineCounter, path),
    writtenAs: (path) => {
      const node = doc.getIn(path, true);
      return isScalar(node) && node.type === 'PLAIN' ? node.source : undefined;
    },
  };
  return { source, diagnostics };
}

type At = (offset: number, message: string, key?: string) => Diagnostic;

/** One yaml error as a diagnostic, reworded where yaml's own words mislead. */
function syntaxProblem(doc: Document, e: YAMLError, at: At): Diagnostic {
  const first = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
  if (e.code === 'MISSING_CHAR' && /quote/.test(first)) {
    // yaml points at the end of the file; the useful place is where the string opens.
    const quote = first.includes('"') ? '"' : "'";
    const open = unclosedQuoteStart(doc, e.pos[0]);
    return at(
      open ?? e.pos[0],
      `YAML syntax error: the ${quote}-quoted string that starts here is never closed`,
    );
  }
  if (e.code === 'BLOCK_AS_IMPLICIT_KEY') {
    return at(e.pos[0], "YAML syntax error: a value cannot contain ': ' unless it is quoted");
  }
  if (e.code === 'TAB_AS_INDENT') {
    return at(e.pos[0], 'YAML syntax error: tabs cannot indent YAML; indent with spaces');
  }
  return at(e.pos[0], `YAML syntax error: ${first.charAt(0).toLowerCase()}${first.slice(1)}`);
}

function unclosedQuoteStart(doc: Document, end: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const type = node.type;
      if ((type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') && node.range && node.range[1] >= end) {
        start = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}

/** A key that appears twice in one mapping; YAML would silently keep only one of the values. */
function duplicateKeys(root: Node | null, lineCounter: LineCounter, at: At): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      const first = new Map<string, number>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          const name = String(key.value);
          const offset = key.range?.[0] ?? 0;
          const earlier = first.get(name);
          if (earlier === undefined) first.set(name, offset);
          else {
            const line = lineCounter.linePos(earlier).line;
            out.push(
              at(
                offset,
                `duplicate key '${name}'; it is already set on line ${line}`,
                keyName([...path, name]),
              ),
            );
          }
          walk(pair.value, [...path, name]);
        } else walk(pair.value, path);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(root, []);
  return out;
}

function tooDeepMessage(): string {
  return `mappings and lists nest more than ${MAX_DEPTH} levels deep here, past the limit for a prompt file`;
}

/**
 * Where the nesting of a YAML text first passes MAX_DEPTH, judged from its tokens without building a tree.
 * Flow brackets count exactly; block collections count by indentation, which may undercount (a list at its
 * parent key's column) but never overcounts, so a valid file is never refused here. firstTooDeep() is exact.
 */
function tooDeepOffset(text: string): number | undefined {
  const block: number[] = []; // columns of the open block collections
  let flow = 0;
  let offset = 0;
  let lineStart = 0;
  let keyColumn: number | undefined;
  const open = (column: number): boolean => {
    while (block.length > 0 && (block[block.length - 1] as number) > column) block.pop();
    if (block.length === 0 || (block[block.length - 1] as number) < column) block.push(column);
    return block.length + flow > MAX_DEPTH;
  };
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    // Markers for documents, scalars and flow errors are not part of the source.
    if (type === 'doc-mode' || type === 'scalar' || type === 'flow-error-end') continue;
    const column = offset - lineStart;
    switch (type) {
      case 'flow-map-start':
      case 'flow-seq-start':
        flow += 1;
        if (block.length + flow > MAX_DEPTH) return offset;
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        flow = Math.max(0, flow - 1);
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
        if (flow === 0 && open(column)) return offset;
        keyColumn = undefined;
        break;
      case 'map-value-ind':
        if (flow === 0 && open(keyColumn ?? column))
          return keyColumn === undefined ? offset : lineStart + keyColumn;
        keyColumn = undefined;
        break;
      case null: // the text of a plain scalar
      case 'alias':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
        keyColumn ??= column;
        break;
      case 'newline':
        keyColumn = undefined;
        break;
      default:
        break;
    }
    offset += token.length;
    const nl = token.lastIndexOf('\n');
    if (nl !== -1) {
      lineStart = offset - token.length + nl + 1;
      if (type !== 'newline') keyColumn = undefined;
    }
  }
  return undefined;
}

function offsetToLinePos(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first collection nested deeper than MAX_DEPTH (the root mapping is level 1). */
function firstTooDeep(node: unknown, depth = 1): number | undefined {
  if (!isMap(node) && !isSeq(node)) return undefined;
  if (depth > MAX_DEPTH) return node.range?.[0] ?? 0;
  for (const item of node.items as unknown[]) {
    const found = firstTooDeep(isPair(item) ? item.value : item, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Counts the alias dereferences the document expands to (an alias to a node that itself holds aliases counts
 * them all again), in document order, and names the alias that passes MAX_ALIASES, or one with no anchor.
 */
function aliasExpansion(root: Node | null): { offset: number; message: string } | undefined {
  const anchors = new Map<string, Node>();
  const expanded = new Map<Node, number>();
  let total = 0;
  let found: { offset: number; message: string } | undefined;
  const walk = (node: unknown): number => {
    if (found) return 0;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const offset = node.range?.[0] ?? 0;
      if (!target) {
        found = { offset, message: `alias '*${node.source}' has no anchor '&${node.source}' before it` };
        return 0;
      }
      const count = 1 + (expanded.get(target) ?? 0);
      total += count;
      if (total > MAX_ALIASES) {
        found = {
          offset,
          message: `alias '*${node.source}' takes the file past ${MAX_ALIASES} alias expansions; refusing a possible alias bomb`,
        };
      }
      return count;
    }
    if (!isNode(node)) return 0;
    if (node.anchor) anchors.set(node.anchor, node);
    let count = 0;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items as unknown[]) {
        count += isPair(item) ? walk(item.key) + walk(item.value) : walk(item);
      }
    }
    // An anchor's own aliases were counted where it stands; each later alias to it counts them again.
    if (node.anchor) expanded.set(node, count);
    return count;
  };
  walk(root);
  return found;
}

/** Lead bytes whose second byte has a narrower range than 80..BF (RFC 3629, section 4). */
const SECOND_BYTE: Record<number, [number, number]> = {
  0xe0: [0xa0, 0xbf],
  0xed: [0x80, 0x9f],
  0xf0: [0x90, 0xbf],
  0xf4: [0x80, 0x8f],
};

/** Index of the first byte that is not valid UTF-8, or -1. */
function firstInvalidUtf8(bytes: Buffer): number {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // Find it: decoding growing prefixes is quadratic, so scan by hand. SECOND_BYTE rules out overlong
    // forms, UTF-16 surrogates (ED A0..BF) and code points past U+10FFFF.
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i] ?? 0;
      const need =
        b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
      if (need < 0) return i;
      const [low, high] = SECOND_BYTE[b] ?? [0x80, 0xbf];
      for (let k = 1; k <= need; k++) {
        const c = bytes[i + k];
        if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
      }
      i += need + 1;
    }
    return 0; // unreachable while the scan agrees with TextDecoder; never accept what it refused
  }
}

function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let best: number = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) break;
      best = (pair.key as Node).range?.[0] ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) break;
      best = (node as Node).range?.[0] ?? best;
    } else {
      break;
    }
  }
  const pos = lineCounter.linePos(best);
  return { line: pos.line, column: pos.col };
}
