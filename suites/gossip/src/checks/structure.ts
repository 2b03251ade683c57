/**
 * The `structure` check: the four sections the seed's system prompt demands, whatever the heading style
 * (markdown `#`, setext underlines, `1.` / `I.` / `A.` numbering, `**bold**` lines, "Section 1 —", plain title
 * lines, or "Label: text" lead-ins). A section counts when a heading names its topic and the text under it,
 * up to the next heading of another topic, says something (at least MIN_WORDS words per topic).
 */
import { verdictOf, type CheckVerdict, type Finding } from './finding';

export type SectionTopic = 'modality' | 'membership' | 'antiEntropy' | 'failureDetection';

export const SECTION_TITLES: Record<SectionTopic, string> = {
  modality: 'gossip modality and mathematical model',
  membership: 'peer selection and membership',
  antiEntropy: 'anti-entropy and state reconciliation',
  failureDetection: 'failure detection and network resilience',
};

const TOPIC_PATTERNS: Record<SectionTopic, RegExp> = {
  modality:
    /modalit|mathematic|math model|model(?:l)?ing|dissemination|epidemic|spread|propagation|gossip (?:mechanism|protocol|design|model|layer)|convergence (?:model|analysis|bounds?)|\bpush\b|\bpull\b|rumou?r/i,
  membership: /peer selection|peer sampling|membership|peer discovery|\boverlay|topology|\bviews?\b/i,
  antiEntropy: /anti-?entropy|reconciliation|state sync|\brepair|divergence|merkle/i,
  failureDetection: /failure|resilien|fault|byzantine|liveness|\bhealth|detection/i,
};

/** Fewer words than this under a heading is a heading with nothing to say (not even one plain sentence). */
const MIN_WORDS = 8;
/** A plain line longer than this is prose, not a title. */
const MAX_TITLE_WORDS = 12;

export interface Heading {
  /** 0-based line in the reply. */
  line: number;
  title: string;
  topics: SectionTopic[];
  /** Text on the heading's own line after the title ("**Failure detection:** SWIM ..."). */
  inline: string;
}

export interface Section {
  topic: SectionTopic;
  heading: Heading;
  words: number;
}

/** Finds the headings of a reply, in any of the styles above. */
export function findHeadings(reply: string): Heading[] {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const headings: Heading[] = [];
  for (let i = 0; i < lines.length; i++) {
    const parsed = parseHeading(lines, i);
    if (!parsed) continue;
    const title = clean(parsed.title);
    headings.push({ line: i, title, topics: topicsOf(title), inline: parsed.inline });
  }
  return headings;
}

/**
 * The sections a reply has, one per topic it covers (the first heading that names it). Linear in the reply:
 * word counts come from per-line prefix sums, and each heading finds the next heading of another topic from
 * a table kept per topic set (four topics make 16 sets).
 */
export function findSections(reply: string): Section[] {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const headings = findHeadings(reply).filter((h) => h.topics.length > 0);
  // wordsBefore[i]: words on lines 0..i-1, underlines not counted.
  const wordsBefore = new Array<number>(lines.length + 1);
  wordsBefore[0] = 0;
  for (const [i, line] of lines.entries())
    wordsBefore[i + 1] = wordsBefore[i]! + (isUnderline(line) ? 0 : countWords(line));
  // The body runs to the next heading that names a topic this one does not.
  const ends = new Array<number>(headings.length);
  const nextOutside = new Array<number>(16).fill(lines.length);
  for (let i = headings.length - 1; i >= 0; i--) {
    const own = topicMask(headings[i]!.topics);
    ends[i] = nextOutside[own]!;
    for (let set = 0; set < 16; set++) if ((own & ~set) !== 0) nextOutside[set] = headings[i]!.line;
  }
  const sections: Section[] = [];
  for (const [i, heading] of headings.entries()) {
    const end = Math.max(ends[i]!, heading.line + 1);
    const words = countWords(heading.inline) + wordsBefore[end]! - wordsBefore[heading.line + 1]!;
    for (const topic of heading.topics) {
      const known = sections.find((s) => s.topic === topic);
      const share = words / heading.topics.length;
      if (!known) sections.push({ topic, heading, words: share });
      else if (known.words < MIN_WORDS && share > known.words)
        Object.assign(known, { heading, words: share });
    }
  }
  return sections;
}

const TOPIC_BITS: Record<SectionTopic, number> = {
  modality: 1,
  membership: 2,
  antiEntropy: 4,
  failureDetection: 8,
};

function topicMask(topics: SectionTopic[]): number {
  return topics.reduce((mask, t) => mask | TOPIC_BITS[t], 0);
}

/** Checks that all four sections are present and have substance. */
export function checkStructure(reply: string): CheckVerdict {
  const sections = findSections(reply);
  const findings: Finding[] = [];
  for (const topic of Object.keys(SECTION_TITLES) as SectionTopic[]) {
    const section = sections.find((s) => s.topic === topic);
    const name = SECTION_TITLES[topic];
    if (!section) {
      const titles = findHeadings(reply).map((h) => `"${h.title}"`);
      findings.push({
        check: 'section',
        outcome: 'FAIL',
        detail: `no section on ${name} (headings found: ${titles.length > 0 ? titles.slice(0, 8).join(', ') : 'none'})`,
      });
    } else if (section.words < MIN_WORDS) {
      findings.push({
        check: 'section',
        outcome: 'FAIL',
        detail: `"${section.heading.title}" (${name}) has ${Math.round(section.words)} words under it; a section needs at least ${MIN_WORDS}`,
      });
    } else {
      findings.push({
        check: 'section',
        outcome: 'PASS',
        detail: `"${section.heading.title}" covers ${name} (${Math.round(section.words)} words, line ${section.heading.line + 1})`,
      });
    }
  }
  return verdictOf('structure', findings);
}

function parseHeading(lines: string[], i: number): { title: string; inline: string } | undefined {
  const line = lines[i]!;
  const next = lines[i + 1];
  let m: RegExpExecArray | null;
  if ((m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line))) return splitLabel(m[1]!, true);
  if (next !== undefined && isUnderline(next) && line.trim() !== '' && wordCount(line) <= MAX_TITLE_WORDS) {
    return { title: line, inline: '' };
  }
  // A bold run-in title, alone or after a bullet or a number: "**Failure detection.** …", "2. **Peer selection.** …".
  if (
    (m =
      /^\s*(?:[-*+]\s+|(?:\d{1,2}|[IVX]{1,4}|[A-H])[.)]\s+)?(?:\*\*|__)(.+?)(?:\*\*|__)\s*[:.—–-]?\s*(.*)$/.exec(
        line,
      ))
  ) {
    return { title: m[1]!, inline: m[2]! };
  }
  // A table row that is a title: its first cell names a part, every other cell is empty ("| **1. Gossip Modality
  // and Mathematical Modeling** | | |"): the rows below it are that part.
  if ((m = /^\s*\|\s*([^|]*?[A-Za-z][^|]*?)\s*\|((?:\s*\|)*)\s*$/.exec(line)) && m[2]!.trim().length > 0) {
    const title = m[1]!
      .replace(/^(?:\*\*|__)|(?:\*\*|__)$/g, '')
      .replace(/^(?:§\s*)?(?:\d{1,2}|[IVX]{1,4}|[A-H])[.)]\s*/, '');
    if (wordCount(title) <= MAX_TITLE_WORDS && topicsOf(title).length > 0) return { title, inline: '' };
  }
  // A terse bullet led by a topic label: "- Modality/model: push f=3, 200ms ..." ("- Note: ..." is no heading).
  if (
    (m = /^\s*[-*+•]\s+([A-Za-z][^:.!?]{2,60}?)\s*:\s+(.*)$/.exec(line)) &&
    wordCount(m[1]!) <= 6 &&
    topicsOf(m[1]!).length > 0
  )
    return { title: m[1]!, inline: m[2]! };
  if ((m = /^\s*(?:section|part|step)\s+[\w.]+\s*[:.—–-]+\s*(.+)$/i.exec(line)))
    return splitLabel(m[1]!, true);
  if ((m = /^\s*(?:\d{1,2}|[IVX]{1,4}|[A-H])[.)]\s+(.+)$/.exec(line))) return splitLabel(m[1]!, false);
  return plainTitle(line, next);
}

/** "Title: text" → title and inline text; a title alone when short enough. */
function splitLabel(text: string, alwaysTitle: boolean): { title: string; inline: string } | undefined {
  const colon = /^([^:.!?]{3,80}?)\s*[:—–]\s+(.*)$/.exec(text);
  if (colon && wordCount(colon[1]!) <= MAX_TITLE_WORDS) return { title: colon[1]!, inline: colon[2]! };
  const bareColon = /^([^:.!?]{3,80}?)\s*:\s*$/.exec(text);
  if (bareColon) return { title: bareColon[1]!, inline: '' };
  if (alwaysTitle || (wordCount(text) <= MAX_TITLE_WORDS && !/[.!?]\s*$/.test(text)))
    return { title: text, inline: '' };
  return undefined;
}

/** A plain title line ("Gossip Modality and Mathematical Modeling") or a label ("Failure detection: ..."). */
function plainTitle(line: string, next: string | undefined): { title: string; inline: string } | undefined {
  const text = line.trim();
  if (text === '' || /^[-*+>|`]/.test(text)) return undefined;
  const label = /^([A-Za-z][^:.!?]{2,80}?)\s*:\s*(.*)$/.exec(text);
  if (label && wordCount(label[1]!) <= 8 && topicsOf(label[1]!).length > 0)
    return { title: label[1]!, inline: label[2]! };
  if (
    wordCount(text) <= MAX_TITLE_WORDS &&
    !/[.!?,;]\s*$/.test(text) &&
    next !== undefined &&
    /^[A-Z0-9]/.test(text)
  ) {
    return topicsOf(text).length > 0 ? { title: text, inline: '' } : undefined;
  }
  return undefined;
}

function topicsOf(title: string): SectionTopic[] {
  return (Object.keys(TOPIC_PATTERNS) as SectionTopic[]).filter((t) => TOPIC_PATTERNS[t].test(title));
}

function isUnderline(line: string): boolean {
  return /^\s*(?:={3,}|-{3,})\s*$/.test(line);
}

function clean(title: string): string {
  return title
    .replace(/\*\*|__|`/g, '')
    .replace(/^\s*(?:\d{1,2}|[IVX]{1,4}|[A-H])[.)]\s+/, '')
    .trim();
}

function wordCount(text: string): number {
  return text
    .trim()
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

function countWords(text: string): number {
  return wordCount(text.replace(/[#*_`|]/g, ' '));
}
