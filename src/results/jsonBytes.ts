/**
 * JSON read straight from a file's bytes, for files too large to read as one string: V8 holds no string above
 * 512 MiB, and a 350 MB baseline (a million rows' counts) read as text is 700 MB of UTF-16 before `JSON.parse`
 * even starts. This parser walks the bytes once and decodes only the strings.
 *
 * It reads a subset of JSON and gives up on the rest: whatever it returns is exactly what `JSON.parse` returns for
 * the same text, and where it is unsure (text that is not JSON, a byte order mark, a nesting deeper than
 * MAX_DEPTH) it returns undefined and the caller parses the text with `JSON.parse`, whose error message then says
 * what is wrong. Strings with escapes and numbers other than small whole numbers are handed to `JSON.parse` one
 * token at a time.
 *
 * Small counts objects are shared: an object of exactly `errors`, `passes` and `trials` (in that order) with
 * values below SHARED_BELOW is one frozen object for all its occurrences, since a baseline holds millions of them
 * and almost all of them are alike (`{ "errors": 0, "passes": 1, "trials": 1 }`). Nothing may change what it reads.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Deeper documents are left to `JSON.parse`. */
export const MAX_DEPTH = 64;

/** Counts objects whose three values are all below this are shared (see the module's comment). */
export const SHARED_BELOW = 16;

/** The value of the JSON text in `bytes` (UTF-8), as `JSON.parse` would give it; undefined when unsure. */
export function parseJsonBytes(bytes: Buffer): unknown {
  try {
    const reader = new Reader(bytes);
    const value = reader.value(0);
    reader.blank();
    return reader.at === bytes.length ? value : undefined;
  } catch (error) {
    if (error instanceof Unsure) return undefined;
    throw error;
  }
}

/** Why the fast reader gave up: the caller falls back to `JSON.parse`. */
class Unsure extends Error {}

const UNSURE = new Unsure('not read here');

class Reader {
  at = 0;

  constructor(private readonly bytes: Buffer) {}

  blank(): void {
    const bytes = this.bytes;
    let i = this.at;
    for (; i < bytes.length; i++) {
      const c = bytes[i] as number;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    }
    this.at = i;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw UNSURE;
    this.blank();
    const c = this.bytes[this.at];
    if (c === OPEN_OBJECT) return this.object(depth);
    if (c === OPEN_ARRAY) return this.array(depth);
    if (c === QUOTE) return this.string();
    if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) return this.number();
    if (this.word('true')) return true;
    if (this.word('false')) return false;
    if (this.word('null')) return null;
    throw UNSURE;
  }

  private object(depth: number): Readonly<Record<string, unknown>> {
    const bytes = this.bytes;
    this.at++;
    this.blank();
    if (bytes[this.at] === CLOSE_OBJECT) {
      this.at++;
      return {};
    }
    // The first members are held aside while they may still be a counts object, which is then shared, not made.
    let object: Record<string, unknown> | undefined;
    const counts: number[] = [];
    do {
      this.blank();
      if (bytes[this.at] !== QUOTE) throw UNSURE;
      const key = this.string();
      this.blank();
      if (bytes[this.at] !== COLON) throw UNSURE;
      this.at++;
      const value = this.value(depth + 1);
      if (
        object === undefined &&
        key === COUNT_KEYS[counts.length] &&
        typeof value === 'number' &&
        Number.isInteger(value) &&
        value >= 0 &&
        value < SHARED_BELOW &&
        !Object.is(value, -0)
      )
        counts.push(value);
      else {
        object ??= countsObject(counts);
        setMember(object, key, value);
      }
    } while (this.another(CLOSE_OBJECT));
    if (object) return object;
    return counts.length === 3
      ? sharedCounts(counts[0] as number, counts[1] as number, counts[2] as number)
      : countsObject(counts);
  }

  private array(depth: number): unknown[] {
    const bytes = this.bytes;
    this.at++;
    this.blank();
    const array: unknown[] = [];
    if (bytes[this.at] === CLOSE_ARRAY) {
      this.at++;
      return array;
    }
    do array.push(this.value(depth + 1));
    while (this.another(CLOSE_ARRAY));
    return array;
  }

  /** After a member or an element: true at a comma (another follows), false at `close`; anything else is Unsure. */
  private another(close: number): boolean {
    this.blank();
    const c = this.bytes[this.at++];
    if (c === COMMA) return true;
    if (c === close) return false;
    throw UNSURE;
  }

  /**
   * A string: its bytes decoded when it has no escape (as reading the file as UTF-8 decodes them: a string starts
   * and ends at a quote, which no multi-byte character holds), else the token through `JSON.parse`.
   */
  private string(): string {
    const bytes = this.bytes;
    const start = this.at + 1;
    let i = start;
    let ascii = true;
    for (;;) {
      if (i >= bytes.length) throw UNSURE;
      const c = bytes[i] as number;
      if (c === QUOTE) break;
      if (c === BACKSLASH) return this.escaped(start);
      if (c < 0x20) throw UNSURE;
      if (c >= 0x80) ascii = false;
      i++;
    }
    this.at = i + 1;
    // Buffer's own slicers: toString checks its arguments first, a cost per string that millions of keys feel.
    const slicer = bytes as unknown as Slicers;
    return ascii ? slicer.latin1Slice(start, i) : slicer.utf8Slice(start, i);
  }

  private escaped(start: number): string {
    const bytes = this.bytes;
    let i = start;
    while (i < bytes.length && bytes[i] !== QUOTE) i += bytes[i] === BACKSLASH ? 2 : 1;
    if (i >= bytes.length) throw UNSURE;
    this.at = i + 1;
    return parsed(bytes.toString('utf8', start - 1, i + 1)) as string;
  }

  /** A small whole number read from its digits; anything else (sign, fraction, exponent, many digits) by JSON.parse. */
  private number(): number {
    const bytes = this.bytes;
    const start = this.at;
    let i = start;
    let n = 0;
    while (i < bytes.length) {
      const c = bytes[i] as number;
      if (c < ZERO || c > NINE) break;
      n = n * 10 + (c - ZERO);
      i++;
    }
    const next = bytes[i];
    const plain =
      i > start &&
      i - start <= 15 &&
      !(bytes[start] === ZERO && i - start > 1) &&
      next !== 0x2e &&
      next !== 0x65 &&
      next !== 0x45;
    if (plain) {
      this.at = i;
      return n;
    }
    // The longest run of bytes a JSON number can hold; JSON.parse says whether it is one.
    while (i < bytes.length && /[-+.eE0-9]/.test(String.fromCharCode(bytes[i] as number))) i++;
    this.at = i;
    const value = parsed(bytes.toString('latin1', start, i));
    if (typeof value !== 'number') throw UNSURE;
    return value;
  }

  private word(word: string): boolean {
    for (let k = 0; k < word.length; k++) if (this.bytes[this.at + k] !== word.charCodeAt(k)) return false;
    this.at += word.length;
    return true;
  }
}

const COUNT_KEYS: readonly string[] = ['errors', 'passes', 'trials'];

/** The members held aside as a would-be counts object (`values[k]` under COUNT_KEYS[k]), as an object. */
function countsObject(values: readonly number[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  values.forEach((value, k) => (object[COUNT_KEYS[k] as string] = value));
  return object;
}

/** Sets a member as JSON.parse does: an own property, "__proto__" too (an assignment would set the prototype). */
function setMember(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

interface Slicers {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** One token through JSON.parse; Unsure when it is not JSON. */
function parsed(token: string): unknown {
  try {
    return JSON.parse(token);
  } catch {
    throw UNSURE;
  }
}

const shared = new Map<number, Readonly<Record<string, number>>>();

/** The one frozen `{ errors, passes, trials }` of these small values. */
function sharedCounts(errors: number, passes: number, trials: number): Readonly<Record<string, number>> {
  const key = (errors * SHARED_BELOW + passes) * SHARED_BELOW + trials;
  let counts = shared.get(key);
  if (!counts) shared.set(key, (counts = Object.freeze({ errors, passes, trials })));
  return counts;
}
