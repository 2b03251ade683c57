/**
 * Quantities as replies write them: "200ms", "0.2 s", "200 milliseconds", "10^6", "10⁶", "1e6", "1,000,000",
 * "one million", "1M", "~20 rounds", "between 3 and 5 seconds", "1%", "9.6 bits per element".
 *
 * `scanQuantities` finds every quantity in a text with its offsets, so claim extraction can look at the words
 * around it. Times are converted to seconds, percentages to fractions.
 */

/** What a number measures, judged from the unit written after it. */
export type Dimension = 'count' | 'time' | 'fraction' | 'bitsPerElement' | 'bytes';

/**
 * How the reply qualified the number: `approx` for "~", "about"; `atLeast` for "≥", "at least"; `atMost` for "≤",
 * "under", "within"; `range` for "3–5", "between 3 and 5".
 */
export type Qualifier = 'exact' | 'approx' | 'atLeast' | 'atMost' | 'range';

export interface Quantity {
  /** The representative value: the number itself, or the midpoint of a range. */
  value: number;
  /** The smallest value the reply's wording allows (0 for "under x"). */
  low: number;
  /** The largest value the reply's wording allows (Infinity for "at least x"). */
  high: number;
  qualifier: Qualifier;
  dimension: Dimension;
  /** Offsets in the scanned text, qualifier and unit included. */
  start: number;
  end: number;
  text: string;
}

const SUPERSCRIPTS: Record<string, string> = {
  '⁰': '0',
  '¹': '1',
  '²': '2',
  '³': '3',
  '⁴': '4',
  '⁵': '5',
  '⁶': '6',
  '⁷': '7',
  '⁸': '8',
  '⁹': '9',
  '⁻': '-',
};

/**
 * A number as replies write it: "1,000,000" and "1 000 000" (thousands, but not "8 100 ms": a space-grouped
 * number is never followed by a time unit), "0.25" and the decimal comma ("0,25", "0,125", "2,4": one or two
 * digits after the comma, or any after a leading zero; three after a non-zero lead are thousands).
 */
const NUM = String.raw`(?:0,\d+(?!\d|,\d)|[1-9]\d{0,2}(?:,\d{3})+(?!\d)|[1-9]\d{0,2}(?: \d{3})+(?![\d,.])(?![\s-]*(?:ms|msecs?|millis|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?)\b)|\d+,\d{1,2}(?!\d|,\d)|\d+)(?:\.\d+)?|\.\d+`;
const SUP = '[⁰¹²³⁴⁵⁶⁷⁸⁹]';
/** Digit-based literals, most specific first. Not preceded by a letter or digit: "log2", "p95" are not numbers. */
const LITERAL = new RegExp(
  String.raw`(?<![\w.^])(?:` +
    String.raw`(?<m1>${NUM})\s*[x×*·]\s*10\s*(?:\^|\*\*)\s*\(?(?<e1>-?\d+)\)?` +
    String.raw`|(?<m2>${NUM})\s*[x×*·]\s*10(?<s1>⁻?${SUP}+)` +
    String.raw`|10\s*(?:\^|\*\*)\s*\(?(?<e2>-?\d+)\)?` +
    String.raw`|10(?<s2>⁻?${SUP}+)` +
    String.raw`|(?<m3>${NUM})[eE](?<e3>[-+]?\d+)(?![\w])` +
    String.raw`|(?<plain>${NUM})(?:\s*(?<scale>thousand|million|billion)\b|(?<suffix>[kKM])(?![A-Za-z]))?` +
    `)`,
  'g',
);

const SMALL: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9 };
const WORD = `(?:${Object.keys(SMALL).join('|')}|hundred|thousand|million|billion)`;
/**
 * "one million", "two thousand five hundred", "twenty-one", "a million", "one hundred and fifty". Not "one-way"; "and"
 * joins only after a scale word ("two and three" is two numbers).
 */
const WORDS = new RegExp(
  String.raw`\b(?:(?:an?\s+)(?=(?:hundred|thousand|million|billion)\b))?${WORD}(?:(?:(?<=\b(?:hundred|thousand|million|billion))\s+and)?[\s-]+${WORD})*\b(?!-way|\s+way\b|-to-|\s+another|\s+of\s+(?:the|its|them|these|those)\b)`,
  'gi',
);

const TIME_UNITS: [RegExp, number][] = [
  [/^(?:µs|us|microseconds?)\b/i, 1e-6],
  [/^(?:ms|msecs?|millis|milliseconds?)\b/i, 1e-3],
  [/^(?:s|secs?|seconds?)\b/i, 1],
  [/^(?:mins?|minutes?)\b/i, 60],
  [/^(?:h|hrs?|hours?)\b/i, 3600],
  [/^days?\b/i, 86400],
];
const BYTE_UNITS: [RegExp, number][] = [
  [/^(?:B|bytes?)\b/, 1],
  [/^(?:KB|kB|KiB)\b/, 1e3],
  [/^(?:MB|MiB)\b/, 1e6],
  [/^(?:GB|GiB)\b/, 1e9],
];
const PERCENT = /^(?:%|percent\b|per\s+cent\b)/i;
const BITS_PER_ELEMENT =
  /^bits?\s*(?:per|\/)\s*(?:elements?|elems?|entry|entries|keys?|items?|ids?|members?|updates?|invalidations?|messages?)\b/i;

const APPROX =
  /(?:~|≈|∼|\babout|\bapproximately|\bapprox\.?|\broughly|\baround|\bcirca|\bca\.|\bnearly|\balmost|\bclose to|\bon the order of|\bsome)\s*$/i;
const AT_LEAST = /(?:≥|>=|>|\bat least|\bmore than|\bno less than|\bminimum of)\s*$/i;
const AT_MOST =
  /(?:≤|<=|<|\bat most|\bunder|\bbelow|\bless than|\bup to|\bwithin|\bno more than|\bmaximum of|\bsub-)\s*$/i;
const RANGE_JOIN = /^\s*(?:-|–|—|to|\.\.\.?|…)\s*$/i;

interface Literal {
  value: number;
  start: number;
  end: number;
  dimension: Dimension;
  /** Where the unit (if any) ends. */
  unitEnd: number;
}

/** Finds every quantity in `text`, in order, with qualifiers, ranges and units resolved. */
export function scanQuantities(text: string): Quantity[] {
  const literals = findLiterals(text);
  const quantities: Quantity[] = [];
  for (let i = 0; i < literals.length; i++) {
    const first = literals[i]!;
    const second = literals[i + 1];
    const range = second ? joinRange(text, first, second) : undefined;
    if (range) {
      quantities.push(range);
      i++;
      continue;
    }
    quantities.push(qualify(text, first));
  }
  return quantities;
}

/** Parses a text that is one quantity ("1M", "between 3 and 5 s"); undefined if there is none. */
export function parseQuantity(text: string): Quantity | undefined {
  return scanQuantities(text)[0];
}

/** The value of a run of English number words ("two thousand five hundred" → 2500), or NaN. */
export function parseNumberWords(words: string): number {
  const tokens = words
    .toLowerCase()
    .split(/[\s-]+/)
    .filter((t) => t !== '');
  let total = 0;
  let current = 0;
  let seen = false;
  let previous = '';
  for (const token of tokens) {
    const after = previous;
    previous = token;
    if (token === 'and') {
      // "two hundred and five" joins; "two and three" is two numbers.
      if (!(after === 'hundred' || after in SCALES)) return NaN;
    } else if (token === 'a' || token === 'an') {
      current = 1;
      seen = true;
    } else if (token in SMALL) {
      current += SMALL[token]!;
      seen = true;
    } else if (token === 'hundred') {
      current = (current || 1) * 100;
      seen = true;
    } else if (token in SCALES) {
      total += (current || 1) * SCALES[token]!;
      current = 0;
      seen = true;
    } else {
      return NaN;
    }
  }
  return seen ? total + current : NaN;
}

function findLiterals(text: string): Literal[] {
  const found: Literal[] = [];
  for (const m of text.matchAll(LITERAL)) {
    const g = m.groups ?? {};
    let value: number;
    if (g['m1'] !== undefined) value = num(g['m1']) * 10 ** Number(g['e1']);
    else if (g['m2'] !== undefined) value = num(g['m2']) * 10 ** superscript(g['s1']!);
    else if (g['e2'] !== undefined) value = 10 ** Number(g['e2']);
    else if (g['s2'] !== undefined) value = 10 ** superscript(g['s2']);
    else if (g['m3'] !== undefined) value = num(g['m3']) * 10 ** Number(g['e3']);
    else {
      value = num(g['plain']!);
      if (g['scale']) value *= SCALES[g['scale'].toLowerCase()]!;
      if (g['suffix']) value *= g['suffix'] === 'M' ? 1e6 : 1e3;
    }
    found.push(withUnit(text, value, m.index, m.index + m[0].length));
  }
  // Both match lists are in text order, so one pointer finds the digit literals a word match overlaps.
  const digits = found.length;
  let j = 0;
  for (const m of text.matchAll(WORDS)) {
    const value = parseNumberWords(m[0]);
    if (Number.isNaN(value)) continue;
    const start = m.index;
    const end = start + m[0].length;
    while (j < digits && found[j]!.end <= start) j++;
    if (j < digits && found[j]!.start < end) continue;
    found.push(withUnit(text, value, start, end));
  }
  // "1.5 million" is matched by the digits; "two million" by the words; a digit followed by a word scale
  // ("2 thousand") is in LITERAL. Nothing else overlaps.
  return found.sort((a, b) => a.start - b.start);
}

function withUnit(text: string, value: number, start: number, end: number): Literal {
  const rest = text.slice(end);
  const gap = /^\s*-?\s*/.exec(rest)![0].length;
  const after = rest.slice(gap);
  // "5-second", "200-ms" are units; "(1-s)" in "e^(−(k+1)(1−s))" is arithmetic: a hyphen takes no one-letter unit.
  const hyphen = rest.slice(0, gap).includes('-');
  for (const [re, factor] of TIME_UNITS) {
    const u = re.exec(after);
    if (u && !(hyphen && u[0].length === 1))
      return { value: value * factor, start, end, dimension: 'time', unitEnd: end + gap + u[0].length };
  }
  const noSpace = rest.slice(/^\s*/.exec(rest)![0].length);
  const pct = PERCENT.exec(noSpace);
  if (pct) {
    return {
      value: value / 100,
      start,
      end,
      dimension: 'fraction',
      unitEnd: text.length - noSpace.length + pct[0].length,
    };
  }
  const bits = BITS_PER_ELEMENT.exec(after);
  if (bits) return { value, start, end, dimension: 'bitsPerElement', unitEnd: end + gap + bits[0].length };
  for (const [re, factor] of BYTE_UNITS) {
    const u = re.exec(after);
    if (u) return { value: value * factor, start, end, dimension: 'bytes', unitEnd: end + gap + u[0].length };
  }
  return { value, start, end, dimension: 'count', unitEnd: end };
}

function joinRange(text: string, first: Literal, second: Literal): Quantity | undefined {
  const between = text.slice(first.unitEnd, second.start);
  const before = text.slice(Math.max(0, first.start - 12), first.start);
  const betweenAnd = /\b(?:between|from)\s+$/i.test(before) && /^\s*(?:and|to|-|–)\s*$/i.test(between);
  if (!betweenAnd && !RANGE_JOIN.test(between)) return undefined;
  // "3 s - 5 s", "3-5 s", "3 to 5 seconds": the unit may sit on either end, but not differ.
  const firstHasUnit = first.unitEnd > first.end;
  const dimension = second.dimension !== 'count' ? second.dimension : first.dimension;
  if (firstHasUnit && second.dimension !== first.dimension) return undefined;
  if (second.dimension !== 'count' && !firstHasUnit && first.dimension === 'count') {
    // Unit written once, after the second number: scale the first the same way.
    first = { ...first, value: first.value * unitFactor(text, second), dimension };
  }
  if (first.value > second.value) return undefined;
  const lead = betweenAnd
    ? /\b(?:between|from)\s+$/i.exec(before)
    : APPROX.exec(text.slice(Math.max(0, first.start - 24), first.start));
  const start = first.start - (lead?.[0].length ?? 0);
  return {
    value: (first.value + second.value) / 2,
    low: first.value,
    high: second.value,
    qualifier: 'range',
    dimension,
    start,
    end: second.unitEnd,
    text: text.slice(start, second.unitEnd),
  };
}

/** The factor the second literal's unit applied (its value over its bare number). */
function unitFactor(text: string, literal: Literal): number {
  const bare = parseQuantityNumber(text.slice(literal.start, literal.end));
  return bare === 0 || Number.isNaN(bare) ? 1 : literal.value / bare;
}

function parseQuantityNumber(s: string): number {
  const m = findLiterals(s)[0];
  return m ? m.value : NaN;
}

/** Words and symbols a qualifier can end with: the qualifier patterns run only when one sits before a number. */
const QUALIFIER_ENDS = new Set([
  'about',
  'approximately',
  'approx',
  'roughly',
  'around',
  'circa',
  'ca',
  'nearly',
  'almost',
  'to',
  'of',
  'some',
  'least',
  'than',
  'under',
  'below',
  'most',
  'within',
  'sub',
]);
const QUALIFIER_SYMBOL = /[~≈∼≥>≤<=.-]\s*$/;
const LAST_WORD = /([A-Za-z]+)[.-]?\s*$/;

function qualify(text: string, l: Literal): Quantity {
  const before = text.slice(Math.max(0, l.start - 24), l.start);
  const word = LAST_WORD.exec(before)?.[1]?.toLowerCase();
  const mayQualify = QUALIFIER_SYMBOL.test(before) || (word !== undefined && QUALIFIER_ENDS.has(word));
  let m: RegExpExecArray | null = null;
  if (mayQualify && (m = AT_LEAST.exec(before))) return quantityAt(text, l, m, 'atLeast', l.value, Infinity);
  if (mayQualify && (m = AT_MOST.exec(before))) return quantityAt(text, l, m, 'atMost', 0, l.value);
  if (mayQualify && (m = APPROX.exec(before))) return quantityAt(text, l, m, 'approx', l.value, l.value);
  return quantityAt(text, l, null, 'exact', l.value, l.value);
}

/** The quantity a literal makes, starting at its qualifier `lead` if any. Built field by field: object spreads cost 10x here. */
function quantityAt(
  text: string,
  l: Literal,
  lead: RegExpExecArray | null,
  qualifier: Qualifier,
  low: number,
  high: number,
): Quantity {
  const start = l.start - (lead?.[0].length ?? 0);
  return {
    value: l.value,
    low,
    high,
    qualifier,
    dimension: l.dimension,
    start,
    end: l.unitEnd,
    text: text.slice(start, l.unitEnd).trim(),
  };
}

function num(s: string): number {
  if (/^0,\d+$|^\d+,\d{1,2}$/.test(s)) return Number(s.replace(',', '.'));
  return Number(s.replace(/[, ]/g, ''));
}

function superscript(s: string): number {
  return Number([...s].map((c) => SUPERSCRIPTS[c] ?? c).join(''));
}
