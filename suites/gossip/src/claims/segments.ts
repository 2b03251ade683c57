/**
 * A reply cut into sentences, each with the line and block (paragraph) it came from, after undoing the
 * notation models use for maths: LaTeX (`$R \approx \log_{4}(10^{6})$`), bold markers, Unicode minus and
 * thin spaces. A markdown table row becomes one sentence pairing each cell with its column header
 * ("Rounds (p95): 9 (10), Tick: 100 ms"), so "9" is read as rounds.
 */

export interface Sentence {
  /** The normalised sentence; the snippet a claim quotes. */
  text: string;
  /** 0-based index among all sentences. */
  index: number;
  /** 0-based line of the normalised reply. */
  line: number;
  /** 0-based block: lines between blank lines or headings. */
  block: number;
}

const LATEX_WORDS: [RegExp, string][] = [
  [/\\(?:approx|simeq|thickapprox)\b/g, '≈'],
  [/\\times\b/g, '×'],
  [/\\cdot\b/g, '·'],
  [/\\(?:leq?|leqslant)\b/g, '≤'],
  [/\\(?:geq?|geqslant)\b/g, '≥'],
  [/\\sim\b/g, '~'],
  [/\\lceil\b/g, '⌈'],
  [/\\rceil\b/g, '⌉'],
  [/\\lfloor\b/g, '⌊'],
  [/\\rfloor\b/g, '⌋'],
  [/\\(?:to|rightarrow|Rightarrow|implies)\b/g, '→'],
  [/\\Phi\b/g, 'Φ'],
  [/\\(?:var)?phi\b/g, 'φ'],
  [/\\infty\b/g, '∞'],
  [/\\(ln|log|max|min|exp)(?![a-zA-Z])/g, '$1'],
  [/\\(?:left|right|big|Big|bigg|Bigg)\b/g, ''],
  [/\\%/g, '%'],
  [/\\[,;:! ]/g, ' '],
  [/\\quad\b|\\qquad\b/g, ' '],
];

/** Rewrites maths notation into plain text the claim patterns read; meaning is unchanged. */
export function normaliseReply(reply: string): string {
  let text = reply.replace(/\r\n?/g, '\n');
  text = text
    .replace(/[\u00a0\u2009\u202f\u2007\u2060]/g, ' ')
    .replace(/[−‐‑]/g, '-')
    .replace(/’/g, "'");
  text = text.replace(/\*\*/g, '');
  for (const [re, to] of LATEX_WORDS) text = text.replace(re, to);
  // \frac{a}{b} → (a)/(b); \text{ms} → ms; ^{6} → ^6; _{int} → _int; then drop leftover braces and $.
  text = text.replace(
    /\\(?:text|mathrm|mathit|mathbf|textbf|textit|operatorname|bar|hat|overline)\s*\{([^{}]*)\}/g,
    '$1',
  );
  text = text.replace(/\^\{([^{}]*)\}/g, (_, e: string) =>
    /^-?\d+$/.test(e.trim()) ? `^${e.trim()}` : `^(${e})`,
  );
  text = text.replace(/_\{([^{}]*)\}/g, '_$1');
  for (let i = 0; i < 3; i++) text = text.replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, '($1)/($2)');
  text = text.replace(/\\\\/g, '\n').replace(/\$\$?/g, '').replace(/[{}]/g, '');
  return text;
}

/** The second column of a two-column table that holds the first column's values. */
const KEY_VALUE_HEADER =
  /^(?:values?|settings?|defaults?|figures?|numbers?|amounts?|choices?|estimates?|sizing)$/i;
const HEADING = /^\s*(?:#{1,6}\s|[=-]{3,}\s*$)/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/;
/** Sentence ends: ". " before a capital, digit or symbol that starts a sentence; "; " always. */
const SENTENCE_BREAK =
  /(?<![ie]\.[eg]\.|\bvs\.|\bapprox\.|\bcf\.|\bca\.)(?<=[.!?])\s+(?=[A-Z0-9(\["'~≈*•-])|;\s+/g;

/** Cuts a normalised reply into sentences. */
export function splitSentences(text: string): Sentence[] {
  const lines = text.split('\n');
  const sentences: Sentence[] = [];
  let block = 0;
  let header: string[] | undefined;
  for (let line = 0; line < lines.length; line++) {
    const raw = lines[line]!;
    if (raw.trim() === '' || HEADING.test(raw)) {
      if (sentences.length > 0 && sentences[sentences.length - 1]!.block === block) block++;
      if (raw.trim() === '') header = undefined;
      if (!HEADING.test(raw) || /^\s*[=-]{3,}\s*$/.test(raw)) continue;
    }
    if (HEADING.test(raw)) {
      sentences.push({ text: raw.trim(), index: sentences.length, line, block });
      block++;
      continue;
    }
    if (isTableRow(raw)) {
      const next = lines[line + 1];
      if (header === undefined && next !== undefined && TABLE_SEPARATOR.test(next)) {
        header = cells(raw);
        line++;
        continue;
      }
      if (TABLE_SEPARATOR.test(raw)) continue;
      const row = cells(raw);
      // A key/value table ("| Parameter | Value |") reads "key: value": the key says what the value is.
      const keyValue = header?.length === 2 && row.length === 2 && KEY_VALUE_HEADER.test(header[1] ?? '');
      const text = keyValue
        ? `${row[0]}: ${row[1]}`
        : header
          ? row.map((c, i) => `${header![i] ?? ''}: ${c}`).join(', ')
          : row.join(', ');
      sentences.push({ text, index: sentences.length, line, block });
      continue;
    }
    for (const piece of pieces(raw)) {
      const t = piece.trim();
      if (t !== '') sentences.push({ text: t, index: sentences.length, line, block });
    }
  }
  return sentences;
}

/**
 * A line cut at its sentence breaks, except inside parentheses: "max(0,2 s; 0,12 s + 0,1 s) = 0,22 s" is one
 * sentence, whose semicolon separates the arguments. Parentheses are counted as the line is walked: linear.
 */
function pieces(raw: string): string[] {
  const out: string[] = [];
  let from = 0;
  let depth = 0;
  let counted = 0;
  for (const m of raw.matchAll(SENTENCE_BREAK)) {
    const at = m.index ?? 0;
    for (; counted < at; counted++) {
      const c = raw.charCodeAt(counted);
      if (c === 0x28) depth++;
      else if (c === 0x29 && depth > 0) depth--;
    }
    if (depth > 0) continue;
    out.push(raw.slice(from, at));
    from = at + m[0].length;
  }
  out.push(raw.slice(from));
  return out;
}

function isTableRow(line: string): boolean {
  return /^\s*\|.*\|\s*$/.test(line);
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());
}
