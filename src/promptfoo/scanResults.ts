/**
 * Reads a promptfoo results file (`promptfoo eval -o x.json`) without holding it: in chunks, handing each element of
 * `results.results` to a callback as soon as it is complete, and keeping the rest of the document (the "skeleton":
 * evalId, config, results.prompts, stats, with `results.results` left empty) to parse at the end. A file of any
 * size is read in memory proportional to its largest result, not to the file; V8 cannot even hold one string above
 * 512 MiB, so `JSON.parse` of the whole text fails beyond that.
 *
 * The scanner only finds where each result starts and ends (tracking strings, escapes and nesting) and leaves the
 * parsing of each result to `JSON.parse`, which is native and fast. Inside strings, which is where most of a
 * results file's bytes are (replies, prompts, reasons), it jumps from quote to quote with `Buffer.indexOf`.
 *
 * Commands that only count (`withoutText`) hand on as null the members of a result no command reads (DROPPED:
 * per-metric scores, ids, token details), and parse each distinct assertion once: promptfoo copies a test's
 * assertions into every result (`testCase.assert`, and each `gradingResult.componentResults[k].assertion`), and
 * those copies are most of what is left of a result once its prompt and reply are cut. Their bytes are looked up in
 * a table of the ones already parsed; the result is parsed with a placeholder in their place, and the placeholder
 * replaced by the shared, frozen value.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { record } from './json';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Bytes read at a time. */
export const CHUNK_BYTES = 8 * 2 ** 20;

/** What a scan found besides the results it handed on. */
export interface ScannedResults {
  /** The document with `results.results` emptied, parsed; undefined when the file has no `results.results` array. */
  skeleton: unknown;
  /** SHA-256 of the file's bytes, as a shard manifest records it ('' when not asked for). */
  sha256: string;
  /** How many results were handed on. */
  count: number;
}

/** A file that is not JSON, with the byte offset where that shows. */
export class ScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Scans `path`, calling `each(result, index)` for every element of `results.results` in file order. Throws
 * ScanError for text that is not JSON (naming the byte offset); an element that is not an object is handed on
 * as parsed, for the caller to refuse. `withoutText` hands each result on with the rendered prompt
 * (`prompt.raw`) and the reply (`response.output`, when it is a string) as "": most of a result's bytes, which
 * commands that only count never read, and decoding them is a third of the time of reading.
 */
export function scanResults(
  path: string,
  each: (result: unknown, index: number) => void,
  options: { chunkBytes?: number; hash?: boolean; withoutText?: boolean } = {},
): ScannedResults {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const fd = fs.openSync(path, 'r');
  try {
    const scanner = new Scanner(each, options.withoutText === true);
    // Hashing costs about a tenth of the scan: only when a manifest needs the hash.
    const hash = options.hash === false ? undefined : createHash('sha256');
    // One window, reused: the unfinished element of the last chunk moves to its start, the next chunk is read
    // after it (a new buffer per chunk, or a concatenation, made the garbage collector the largest cost).
    let window = Buffer.allocUnsafe(2 * chunkBytes);
    let carried = 0;
    let position = 0;
    for (;;) {
      if (window.length < carried + chunkBytes) {
        const larger = Buffer.allocUnsafe(2 * (carried + chunkBytes));
        window.copy(larger, 0, 0, carried);
        window = larger;
      }
      const read = fs.readSync(fd, window, carried, chunkBytes, position);
      if (read === 0) break;
      hash?.update(window.subarray(carried, carried + read));
      const keep = scanner.scanWindow(window.subarray(0, carried + read), position - carried, carried);
      if (keep >= 0) window.copy(window, 0, keep, carried + read);
      carried = keep >= 0 ? carried + read - keep : 0;
      position += read;
    }
    return { skeleton: scanner.end(position), sha256: hash?.digest('hex') ?? '', count: scanner.count };
  } finally {
    fs.closeSync(fd);
  }
}

/** The scan's state between chunks. */
class Scanner {
  count = 0;
  /** Open containers, innermost last: OPEN_OBJECT or OPEN_ARRAY. */
  private readonly stack: number[] = [];
  /** The key being read or last read at each object depth (only the first two levels are kept). */
  private readonly keys: (string | undefined)[] = [];
  private inString = false;
  /** The previous chunk ended on a backslash inside a string. */
  private escaped = false;
  /** The string being read is a key (at depth <= 2), and where its bytes started in `window`. */
  private keyStart = -1;
  private keyParts: Buffer[] = [];
  /** After a colon: the next string in an object is a value, not a key. */
  private afterColon = false;
  /** Inside `results.results` (its depth), and where the current element started in `window`. */
  private resultsDepth = -1;
  private elementStart = -1;
  /** Bytes of the skeleton so far (copies: never views of a chunk, which would keep it alive). */
  private readonly skeleton: Buffer[] = [];
  private foundResults = false;
  /** A result just ended in results.results: a comma or the closing bracket must follow. */
  private needComma = false;
  /** What is being scanned: the carried-over start of an element plus the new chunk, and its file offset. */
  private window: Buffer = Buffer.alloc(0);

  private windowOffset = 0;
  /**
   * For `withoutText`, offsets relative to the current element's start (they survive the move of an unfinished
   * element to the start of the next window): the key being read inside the element and the member it names
   * ('prompt', 'response', 'testCase', 'gradingResult' or none) and inside it (`componentResults` or none), a
   * string value to cut next, an assertion value to share next and where it started, and what was cut so far:
   * (start, end, Cut) per part.
   */
  private innerKeyStart = -1;
  private member = Member.Other;
  private inner2 = Member.Other;
  private cutNext = false;
  private cutStart = -1;
  /** What the string at cutStart becomes: "" (Cut.Text) or null (Cut.Null, a dropped member). */
  private cutKind = Cut.Text;
  /** The next value is a member no command reads (DROPPED): cut to null; an object or array from where it opened. */
  private dropNext = false;
  private dropStart = -1;
  private dropDepth = -1;
  private shareNext = false;
  private shareStart = -1;
  private shareDepth = -1;
  private cuts: number[] = [];
  private readonly shared = new SharedValues();

  constructor(
    private readonly each: (result: unknown, index: number) => void,
    private readonly withoutText = false,
  ) {}

  /**
   * Scans `window` (file offset `offset`) from `from`, the bytes before it carried over and already scanned.
   * Returns where the unfinished element starts, whose bytes the next window must begin with; -1 for none.
   */
  scanWindow(window: Buffer, offset: number, from: number): number {
    this.window = window;
    this.windowOffset = offset;
    if (this.keyStart >= 0) this.keyStart = 0;
    this.scan(from);
    if (this.elementStart < 0) return -1;
    const keep = this.elementStart;
    this.elementStart = 0;
    return keep;
  }

  end(size: number): unknown {
    if (this.inString || this.stack.length > 0)
      throw new ScanError(
        `the file ends inside ${this.inString ? 'a string' : this.stack.length === 1 ? 'the document' : 'a value'} (truncated?)`,
        size,
      );
    if (!this.foundResults) return undefined;
    const text = Buffer.concat(this.skeleton).toString('utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ScanError(`not valid JSON outside results.results (${(error as Error).message})`, 0);
    }
  }

  private scan(from: number): void {
    const buf = this.window;
    const end = buf.length;
    const inResults = () => this.resultsDepth >= 0;
    let copyFrom = inResults() ? -1 : from;
    let i = from;
    let nextQuote = -1;
    // The next backslash at or after i (`end` when there is none left): searched again only once passed, since
    // a search for one that lies far ahead reads all the bytes up to it.
    let nextBackslash = -1;
    while (i < end) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        if (nextQuote < i) nextQuote = buf.indexOf(QUOTE, i);
        if (nextBackslash < i) {
          nextBackslash = buf.indexOf(BACKSLASH, i);
          if (nextBackslash === -1) nextBackslash = end;
        }
        const backslash = nextBackslash;
        if (backslash < end && (nextQuote === -1 || backslash < nextQuote)) {
          if (backslash + 1 >= end) {
            this.escaped = true;
            i = end;
          } else i = backslash + 2;
          continue;
        }
        if (nextQuote === -1) {
          i = end;
          break;
        }
        this.inString = false;
        if (this.innerKeyStart >= 0) this.innerKey(buf, nextQuote);
        else if (this.cutStart >= 0) {
          this.cuts.push(this.cutStart, nextQuote + 1 - this.elementStart, this.cutKind);
          this.cutStart = -1;
        }
        if (this.keyStart >= 0) {
          this.keyParts.push(buf.subarray(this.keyStart, nextQuote));
          this.keys[this.stack.length - 1] = Buffer.concat(this.keyParts).toString('utf8');
          this.keyParts = [];
          this.keyStart = -1;
        }
        i = nextQuote + 1;
        continue;
      }
      const c = buf[i] as number;
      switch (c) {
        case QUOTE: {
          this.inString = true;
          const depth = this.stack.length;
          const isKey = this.stack[depth - 1] === OPEN_OBJECT && !this.afterColon;
          if (isKey && depth <= 2) {
            this.keyStart = i + 1;
            this.keyParts = [];
          }
          if (this.withoutText && this.elementStart >= 0) {
            const inner = depth - this.resultsDepth;
            if (
              isKey &&
              (inner === 1 ||
                (inner === 2 && this.member !== Member.Other) ||
                (inner === 4 && this.inner2 === Member.ComponentResults))
            )
              this.innerKeyStart = i + 1 - this.elementStart;
            else if (!isKey && (this.dropNext || (inner === 2 && this.cutNext))) {
              this.cutStart = i - this.elementStart;
              this.cutKind = this.dropNext ? Cut.Null : Cut.Text;
            }
            this.cutNext = false;
            this.shareNext = false;
            this.dropNext = false;
          }
          break;
        }
        case COLON:
          this.afterColon = true;
          break;
        case COMMA:
          this.afterColon = false;
          this.cutNext = false;
          this.shareNext = false;
          this.dropNext = false;
          if (this.stack.length === this.resultsDepth) {
            if (!this.needComma) throw this.error('a comma where a result should be', i);
            this.needComma = false;
          }
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY: {
          const depth = this.stack.length;
          if (depth === this.resultsDepth) {
            if (c !== OPEN_OBJECT)
              throw this.error('results.results holds an element that is not an object', i);
            if (this.needComma) throw this.error('a result where a comma should be', i);
            this.elementStart = i;
            this.member = Member.Other;
            this.inner2 = Member.Other;
            this.shareNext = false;
            this.shareStart = -1;
            this.dropNext = false;
            this.dropStart = -1;
            this.cuts = [];
          } else if (
            c === OPEN_ARRAY &&
            depth === 2 &&
            !inResults() &&
            this.stack[0] === OPEN_OBJECT &&
            this.stack[1] === OPEN_OBJECT &&
            this.keys[0] === 'results' &&
            this.keys[1] === 'results'
          ) {
            // results.results opens: the skeleton keeps the bracket and skips the elements.
            if (this.foundResults) throw this.error('results.results appears twice', i);
            this.skeleton.push(Buffer.from(buf.subarray(copyFrom, i + 1)));
            copyFrom = -1;
            this.resultsDepth = depth + 1;
            this.foundResults = true;
          }
          if (this.dropNext) {
            this.dropStart = i - this.elementStart;
            this.dropDepth = depth;
            this.dropNext = false;
          }
          if (this.shareNext) {
            // testCase.assert (an array) or componentResults[k].assertion (an object) opens.
            const inner = depth - this.resultsDepth;
            if ((inner === 2 && c === OPEN_ARRAY) || (inner === 4 && c === OPEN_OBJECT)) {
              this.shareStart = i - this.elementStart;
              this.shareDepth = depth;
            }
            this.shareNext = false;
          }
          this.stack.push(c);
          this.afterColon = false;
          break;
        }
        case CLOSE_OBJECT:
        case CLOSE_ARRAY: {
          const open = this.stack.pop();
          if (open !== (c === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY))
            throw this.error(`unexpected '${String.fromCharCode(c)}'`, i);
          const depth = this.stack.length;
          if (depth < 2) this.keys.length = depth;
          this.afterColon = false;
          this.shareNext = false;
          this.dropNext = false;
          if (depth === this.shareDepth && this.shareStart >= 0) {
            this.cuts.push(this.shareStart, i + 1 - this.elementStart, Cut.Shared);
            this.shareStart = -1;
          }
          if (depth === this.dropDepth && this.dropStart >= 0) {
            this.cuts.push(this.dropStart, i + 1 - this.elementStart, Cut.Null);
            this.dropStart = -1;
          }
          if (depth === this.resultsDepth && this.elementStart >= 0) {
            this.element(buf, this.elementStart, i + 1);
            this.elementStart = -1;
            this.needComma = true;
          } else if (depth === this.resultsDepth - 1 && c === CLOSE_ARRAY) {
            if (this.count > 0 && !this.needComma) throw this.error('a comma before the closing bracket', i);
            this.resultsDepth = -1;
            copyFrom = i;
          }
          break;
        }
        default:
          if (this.resultsDepth >= 0 && this.stack.length === this.resultsDepth && !isBlank(c))
            throw this.error('results.results holds an element that is not an object', i);
      }
      i++;
    }
    // A key that runs on into the next chunk: keep what was read of it.
    if (this.inString && this.keyStart >= 0)
      this.keyParts.push(Buffer.from(buf.subarray(this.keyStart, end)));
    if (copyFrom >= 0 && copyFrom < end) this.skeleton.push(Buffer.from(buf.subarray(copyFrom, end)));
  }

  /** A key inside the current element ends at `end`: which member it opens, or whether its string is cut. */
  private innerKey(buf: Buffer, end: number): void {
    const start = this.elementStart + this.innerKeyStart;
    this.innerKeyStart = -1;
    const depth = this.stack.length - this.resultsDepth;
    if (depth === 1) {
      this.member = equals(buf, start, end, PROMPT)
        ? Member.Prompt
        : equals(buf, start, end, RESPONSE)
          ? Member.Response
          : equals(buf, start, end, TEST_CASE)
            ? Member.TestCase
            : equals(buf, start, end, GRADING_RESULT)
              ? Member.GradingResult
              : equals(buf, start, end, TOKEN_USAGE)
                ? Member.TokenUsage
                : Member.Other;
      this.inner2 = Member.Other;
      this.dropNext = DROPPED.result.some((word) => equals(buf, start, end, word));
      return;
    }
    if (depth === 4) {
      this.shareNext = equals(buf, start, end, ASSERTION);
      return;
    }
    this.cutNext =
      (this.member === Member.Prompt && equals(buf, start, end, RAW)) ||
      (this.member === Member.Response && equals(buf, start, end, OUTPUT));
    this.shareNext = this.member === Member.TestCase && equals(buf, start, end, ASSERT);
    this.inner2 =
      this.member === Member.GradingResult && equals(buf, start, end, COMPONENT_RESULTS)
        ? Member.ComponentResults
        : Member.Other;
    const dropped =
      this.member === Member.GradingResult
        ? DROPPED.gradingResult
        : this.member === Member.TokenUsage
          ? DROPPED.tokenUsage
          : [];
    this.dropNext = dropped.some((word) => equals(buf, start, end, word));
  }

  /**
   * The element's text, with the strings cut out (`withoutText`) left as "" and the shared assertions as
   * placeholders (their values pushed onto `shares`, in order).
   */
  private text(buf: Buffer, start: number, end: number, shares: unknown[]): string {
    if (this.cuts.length === 0) return buf.toString('utf8', start, end);
    let text = '';
    let from = start;
    for (let k = 0; k < this.cuts.length; k += 3) {
      const cutStart = start + (this.cuts[k] as number);
      const cutEnd = start + (this.cuts[k + 1] as number);
      if (this.cuts[k + 2] === Cut.Text) text += `${buf.toString('utf8', from, cutStart)}""`;
      else if (this.cuts[k + 2] === Cut.Null) text += `${buf.toString('utf8', from, cutStart)}null`;
      else {
        const value = this.shared.get(buf, cutStart, cutEnd);
        // Not JSON: left in place, for JSON.parse of the whole result to report.
        if (value === NOT_JSON) continue;
        text += `${buf.toString('utf8', from, cutStart)}"${PLACEHOLDER}${shares.length}"`;
        shares.push(value);
      }
      from = cutEnd;
    }
    return text + buf.toString('utf8', from, end);
  }

  private element(buf: Buffer, start: number, end: number): void {
    let value: unknown;
    const shares: unknown[] = [];
    try {
      value = JSON.parse(this.text(buf, start, end, shares));
      if (shares.length > 0) restoreShared(value, shares);
    } catch (error) {
      throw this.error(
        `results.results[${this.count}] is not valid JSON (${(error as Error).message})`,
        start,
      );
    }
    this.each(value, this.count++);
  }

  private error(message: string, at: number): ScanError {
    return new ScanError(message, this.windowOffset + at);
  }
}

const enum Member {
  Other,
  Prompt,
  Response,
  TestCase,
  GradingResult,
  ComponentResults,
  TokenUsage,
}

const enum Cut {
  Text,
  Shared,
  Null,
}

const PROMPT = Buffer.from('prompt');
const RESPONSE = Buffer.from('response');
const RAW = Buffer.from('raw');
const OUTPUT = Buffer.from('output');
const TEST_CASE = Buffer.from('testCase');
const GRADING_RESULT = Buffer.from('gradingResult');
const ASSERT = Buffer.from('assert');
const COMPONENT_RESULTS = Buffer.from('componentResults');
const ASSERTION = Buffer.from('assertion');
const TOKEN_USAGE = Buffer.from('tokenUsage');

/**
 * Members of a result that no command reads, which `withoutText` hands on as null: per-metric scores promptfoo
 * repeats three times, ids, and token details (the totals are kept). Left out, a result is a quarter less text for
 * JSON.parse, which is most of the cost of reading a large run.
 */
const DROPPED = {
  result: ['namedScores', 'promptId', 'id'].map((k) => Buffer.from(k)),
  gradingResult: ['namedScores', 'namedScoreWeights', 'tokensUsed'].map((k) => Buffer.from(k)),
  tokenUsage: ['completionDetails', 'assertions'].map((k) => Buffer.from(k)),
};

/**
 * What a shared value is written as in a result's text: a string no file can hold by chance or by design (a NUL,
 * then a secret drawn when this module loads), then the value's index in the result's list.
 */
const PLACEHOLDER = `\\u0000${randomBytes(12).toString('hex')}:`;
const PLACEHOLDER_VALUE = JSON.parse(`"${PLACEHOLDER}"`) as string;

/** Puts the shared values back where `text` left placeholders: testCase.assert, componentResults[k].assertion. */
function restoreShared(result: unknown, shares: readonly unknown[]): void {
  const take = (value: unknown): unknown =>
    typeof value === 'string' && value.startsWith(PLACEHOLDER_VALUE)
      ? shares[Number(value.slice(PLACEHOLDER_VALUE.length))]
      : value;
  const testCase = record(record(result)?.['testCase']);
  if (testCase && 'assert' in testCase) testCase['assert'] = take(testCase['assert']);
  const components = record(record(result)?.['gradingResult'])?.['componentResults'];
  if (Array.isArray(components))
    for (const component of components) {
      const c = record(component);
      if (c && 'assertion' in c) c['assertion'] = take(c['assertion']);
    }
}

const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * Assertions parsed once per distinct text, frozen (every result that holds one shares it). A text is found by its
 * length and then its bytes (`Buffer.compare`, no decoding); the table stops growing at SHARED_BYTES, and only the
 * CANDIDATES most recently used of one length are compared, so a file whose every assertion differs costs a few
 * comparisons more per assertion than parsing them as before.
 */
class SharedValues {
  private readonly byLength = new Map<number, { bytes: Buffer; value: unknown }[]>();
  private bytes = 0;

  get(buf: Buffer, start: number, end: number): unknown {
    const length = end - start;
    const candidates = this.byLength.get(length);
    if (candidates)
      for (let k = 0; k < candidates.length; k++) {
        const candidate = candidates[k] as { bytes: Buffer; value: unknown };
        if (buf.compare(candidate.bytes, 0, length, start, end) === 0) {
          if (k > 0) (candidates.splice(k, 1), candidates.unshift(candidate));
          return candidate.value;
        }
      }
    let value: unknown;
    try {
      value = deepFreeze(JSON.parse(buf.toString('utf8', start, end)));
    } catch {
      return NOT_JSON;
    }
    if (this.bytes + length <= SHARED_BYTES) {
      const entry = { bytes: Buffer.from(buf.subarray(start, end)), value };
      if (!candidates) this.byLength.set(length, [entry]);
      else {
        candidates.unshift(entry);
        if (candidates.length > CANDIDATES)
          this.bytes -= (candidates.pop() as { bytes: Buffer }).bytes.length;
      }
      this.bytes += length;
    }
    return value;
  }
}

/** How many texts of one length are compared before parsing. */
const CANDIDATES = 8;

/** How much assertion text one scan keeps to compare against. */
export const SHARED_BYTES = 8 * 2 ** 20;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** `buf[start, end)` holds exactly `word`'s bytes (a key written with escapes never does: it is simply not cut). */
function equals(buf: Buffer, start: number, end: number, word: Buffer): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[start + k] !== word[k]) return false;
  return true;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
