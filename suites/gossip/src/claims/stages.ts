/**
 * The stages of a design: the tiers or steps an update travels through ("inter-site epidemic", "inside a PoP",
 * "Stage 2", a table row, a list item), each with its own population, fanout, mode and interval, and the totals
 * that add them up ("End to end: 0.1 + 1.5 + 1.0 ≈ 2.6 s"). A number belongs to the stage its sentence is in, so
 * a rounds claim is read against its own tier, not the whole reply.
 *
 * Segmentation is by layout and labels, in one pass over the sentences:
 * - a table row is a stage, unless its first cell says total / end to end;
 * - a list item (`-`, `1.`, `a)`, a bold lead) that names a stage or carries spreading numbers is a stage;
 * - in prose, a sentence that opens with a stage label ("Between sites,", "Second, the regional stage.",
 *   "**Stage C — inter-site epidemic.**") starts a stage that runs to the next label or the end of its paragraph;
 * - a heading that names a stage ("### Inter-site tier") starts one that runs to the next heading.
 * Anything else is outside every stage, and is read as before (sentence, line, paragraph, reply).
 */
import type { Sentence } from './segments';

export type StageKind = 'epidemic' | 'direct' | 'tree';

export interface Stage {
  index: number;
  /** Sentence indexes, ascending. */
  sentences: number[];
  /** The stage's text (its sentences joined). */
  text: string;
  kind: StageKind;
  /** Population the stage's wording implies when it states none: 'groups' between sites, 'perGroup' inside one. */
  implied?: 'groups' | 'perGroup';
  /** Nodes informed at once when the stage starts ("seeding 8 gateways at once", "from 4 seeds"). */
  seeds?: number;
}

export interface StageMap {
  stages: Stage[];
  /** Stage of each sentence (by sentence index); undefined outside every stage. */
  stageOf: (number | undefined)[];
  /** Sentences that state a total ("End to end: …", a Total row, "p99: …"). */
  totals: Set<number>;
  /** Totals that are one statistic of the whole ("mean: 1.65 s", "p99: 2.1 s"): not comparable with a sum of p95s. */
  statistics: Set<number>;
}

const MARKER = /^\s*(?:[-*+•]\s+|\d{1,2}[.)]\s+|\(?[a-hA-H]\)\s+|[a-h][.)]\s+)/;
const LIST_ITEM = /^\s*(?:[-*+•]\s+|\d{1,2}[.)]\s+|\(?[a-hA-H]\)\s+|[a-h][.)]\s+|\*\*[^*]{2,80}\*\*)/;
const PLACE =
  '(?:sites?|pops?|points? of presence|regions?|locations?|continents?|clusters?|gateways?|hubs?|brokers?|data ?cent(?:er|re)s?|datacenters?|zones?|cells?|racks?|edges?)';
/** A stage named at the start of a sentence, list item or heading (markers and bold already stripped). */
const STAGE_LABEL = new RegExp(
  String.raw`^(?:` +
    String.raw`(?:stage|step|tier|level|layer|phase|hop)\s*[\w.]{0,4}\b` +
    String.raw`|(?:first|second|third|fourth|fifth|next|then|finally|last)\b[,:]?\s+(?:the\s+)?(?:[\w-]+\s+){0,2}(?:stage|tier|step|phase|level|layer)\b` +
    String.raw`|(?:inter|intra)[- ]?[a-z]+` +
    String.raw`|(?:inside|within|between|across|among|amongst|in)\s+(?:a|an|each|every|the|all|its|one)?\s*(?:[\w-]+\s+){0,2}?${PLACE}\b` +
    String.raw`|(?:[\w-]+[- ])?(?:site|pop|regional|region|global|continental|gateway|hub|local|edge|wan|lan|node|cluster|zone|datacenter|top|bottom|upper|lower|inner|outer)s?[- ](?:tier|level|layer|stage|phase|epidemic|gossip|hop)\b` +
    String.raw`|${PLACE}\s*(?:\(|:|,|—|–|-\s)` +
    String.raw`|(?:publish\w*|origin|seed\w*|fan-?out from|control plane)\b` +
    `)`,
  'i',
);
const TOTAL_LABEL =
  /^(?:total|end[- ]to[- ]end|e2e|overall|altogether|in total|in all|sum|whole (?:journey|path)|bound)\b/i;
/** A figure for the whole design under one statistic: "mean: …", "p99, with one retry round: …", "worst case …". */
const STATISTIC_LABEL =
  /^(?:mean|average|median|typical(?:ly)?|expected|p\d{2}(?:\.\d+)?|\d{2}(?:th)? percentile|worst[- ]case|best[- ]case|in the worst case|tail)\b/i;
const DIRECT =
  /\bdirect(?:ly)?\b|\bRPC\b|\bunicast\b|point-to-point|full[- ]mesh|\bone hop\b|\b1 hop\b|\bhops?\s*[:=]\s*1\b|\bsingle hop\b/i;
const TREE = /plumtree|\beager\b|spanning tree|broadcast tree|\btree\b/i;
/** A fanout with a number: "Fanout: –" in a direct row's table is no fanout. */
const FANOUT_VALUE = /\bfan-?outs?\b\s*(?:\(f\)\s*)?(?:of|=|:|is)?\s*\d|\bf\s*=\s*\d/i;
/** "seeding 8 gateways at once", "seeds 8 regional gateways", "from 4 seeds": the spread starts from several nodes. */
const SEEDS =
  /\bseed(?:s|ing|ed)?\s+(\d{1,4})\s+(?:[\w-]+\s+){0,2}?(?:gateways?|brokers?|hubs?|nodes?|peers?|sites?)\b|\bfrom\s+(\d{1,4})\s+(?:seeds?|seeded\s+\w+)\b/i;
const HOPS = /\bhops?\b|\bdepth\b|\bdeep\b/i;
const SPREADS = /\bfan-?out\b|\bf\s*=|\bgossip|\bpush|\bpull|\brounds?\b|\bepidemic|\brumou?r/i;
const INSIDE = new RegExp(
  String.raw`\b(?:intra|inside|within|per[- ](?:site|pop|location))\b|\b(?:site|pop|location|cluster|zone)[- ](?:tier|level|layer|stage)\b`,
  'i',
);
const BETWEEN = new RegExp(
  String.raw`\b(?:inter[- ]?(?:site|pop|location|cluster|zone|gateway)|between|across|among)\b|\bgateway[- ](?:tier|level|layer|stage)\b`,
  'i',
);

/** Strips list markers, bold and heading hashes from the start of a line or sentence. */
/** The tier a sentence starts by naming ("inter-site", "gateways"), in lower case; undefined for none. */
function labelOf(start: string): string | undefined {
  const found = STAGE_LABEL.exec(start)?.[0];
  return found === undefined
    ? undefined
    : found
        .toLowerCase()
        .replace(/[^a-z]+/g, ' ')
        .trim();
}

function lead(text: string): string {
  return text
    .replace(/^\s*#{1,6}\s+/, '')
    .replace(MARKER, '')
    .replace(/^\s*(?:\*\*|__|\*|_)\s*/, '')
    .replace(/^\s*(?:\d{1,2}[.)]|[IVX]{1,4}[.)])\s*/, '')
    .trim();
}

/** Finds the stages and totals of a reply cut into sentences; `lines` is the normalised reply's lines. */
/**
 * Lines of option tables: a table whose first column is headed "Option", "Alternative", "Candidate", "Approach" or
 * "Choice" compares designs rather than listing the stages of one; its rows are options, each chosen or not.
 */
export function optionTableLines(lines: readonly string[]): Set<number> {
  const out = new Set<number>();
  let inOptions = false;
  for (const [i, line] of lines.entries()) {
    const row = /^\s*\|/.test(line);
    if (!row) {
      inOptions = false;
      continue;
    }
    const header = i === 0 || !/^\s*\|/.test(lines[i - 1] ?? '');
    if (header) inOptions = OPTION_HEADER.test(line);
    if (inOptions) out.add(i);
  }
  return out;
}

const OPTION_HEADER =
  /^\s*\|\s*(?:\*\*)?(?:options?|alternatives?|candidates?|approach(?:es)?|choices?|schemes?)\b/i;
/** A row of an option table that the reply picks. */
export const CHOSEN_ROW = /\bchosen\b|\bselected\b|\badopted\b|\bour (?:design|choice)\b|✓|✅|\bwinner\b/i;

export function findStages(sentences: readonly Sentence[], lines: readonly string[]): StageMap {
  const options = optionTableLines(lines);
  const stageOf: (number | undefined)[] = new Array(sentences.length).fill(undefined);
  const totals = new Set<number>();
  const statistics = new Set<number>();
  const members: number[][] = [];
  let current: { index: number; until: 'heading' | 'block'; block: number } | undefined;
  let lineStage: { line: number; index: number | undefined; label?: string } | undefined;
  /** A sentence that starts "Total …" or "p99: …" is a total (and a statistic): says whether it was one. */
  const markTotal = (index: number, start: string): boolean => {
    const statistic = STATISTIC_LABEL.test(start);
    if (!statistic && !TOTAL_LABEL.test(start)) return false;
    totals.add(index);
    if (statistic) statistics.add(index);
    return true;
  };
  const open = (until: 'heading' | 'block', block: number) => {
    members.push([]);
    current = { index: members.length - 1, until, block };
    return current.index;
  };

  for (const s of sentences) {
    const raw = lines[s.line] ?? '';
    const heading = /^\s*#{1,6}\s/.test(raw) && s.text === raw.trim();
    if (heading) {
      current = STAGE_LABEL.test(lead(s.text)) ? (open('heading', s.block), current) : undefined;
      lineStage = undefined;
      continue;
    }
    if (current?.until === 'block' && current.block !== s.block) current = undefined;
    const table = /^\s*\|/.test(raw);
    // An option table's rows are options compared, not stages of the design (the chosen one is described apart).
    if (table && options.has(s.line)) continue;
    const listItem = !table && LIST_ITEM.test(raw);
    if (table || listItem) {
      // The whole row or item is one unit: one stage, one total, or neither.
      if (!lineStage || lineStage.line !== s.line) {
        // A table row reads "Header: cell, Header: cell, …"; its label is the first cell that is not a number ("§: 1,
        // Item: End-to-end (p99), …" is the end-to-end row).
        const first = lead(
          table
            ? s.text
                .replace(/^(?:[^:,]{0,40}:\s*(?:§\s*)?[\dIVXivx.]{0,4}\s*,\s*)+/, '')
                .replace(/^[^:]*:\s*/, '')
            : raw,
        );
        const item = sameLine(sentences, s);
        const statistic = STATISTIC_LABEL.test(first) || STATISTIC_LABEL.test(lead(raw));
        if (statistic || TOTAL_LABEL.test(first) || TOTAL_LABEL.test(lead(raw))) {
          lineStage = { line: s.line, index: undefined };
          for (let i = s.index; i < sentences.length && sentences[i]!.line === s.line; i++) {
            totals.add(i);
            if (statistic) statistics.add(i);
          }
        } else if (table || STAGE_LABEL.test(first) || SPREADS.test(item) || DIRECT.test(item)) {
          members.push([]);
          const label = labelOf(first);
          lineStage = { line: s.line, index: members.length - 1, ...(label !== undefined && { label }) };
        } else lineStage = { line: s.line, index: current?.index };
      } else if (!table) {
        // A list item or a paragraph under a bold lead-in is one unit, but it may walk through tiers sentence by
        // sentence ("Gateways (500 sites): 200 ms tick … Sites (~2,000 nodes): 100 ms tick …"): each tier opens
        // its own stage, and "Total …" is a total, not part of the last tier.
        const start = lead(s.text);
        if (markTotal(s.index, start)) {
          lineStage = { line: s.line, index: undefined };
          continue;
        }
        const label = labelOf(start);
        // Another tier, not the item's own tier named again ("Inter-site: … Inter-site latency is 150 ms").
        if (label !== undefined && label !== lineStage.label) {
          members.push([]);
          lineStage = { line: s.line, index: members.length - 1, label };
        }
      }
      if (lineStage.index !== undefined) {
        stageOf[s.index] = lineStage.index;
        members[lineStage.index]!.push(s.index);
      }
      continue;
    }
    lineStage = undefined;
    const start = lead(s.text);
    if (markTotal(s.index, start)) {
      current = undefined;
      continue;
    }
    if (STAGE_LABEL.test(start)) open('block', s.block);
    if (current) {
      stageOf[s.index] = current.index;
      members[current.index]!.push(s.index);
    }
  }

  const stages: Stage[] = [];
  const renumber = new Map<number, number>();
  for (const [i, list] of members.entries()) {
    if (list.length === 0) continue;
    const text = list.map((k) => sentences[k]!.text).join(' ');
    renumber.set(i, stages.length);
    const kind: StageKind =
      TREE.test(text) && HOPS.test(text)
        ? 'tree'
        : DIRECT.test(text) && !FANOUT_VALUE.test(text)
          ? 'direct'
          : 'epidemic';
    const implied = INSIDE.test(text) ? 'perGroup' : BETWEEN.test(text) ? 'groups' : undefined;
    const seeded = SEEDS.exec(text);
    const seeds = seeded ? Number(seeded[1] ?? seeded[2]) : undefined;
    stages.push({
      index: stages.length,
      sentences: list,
      text,
      kind,
      ...(implied ? { implied } : {}),
      ...(seeds !== undefined && seeds > 1 ? { seeds } : {}),
    });
  }
  return {
    stages,
    stageOf: stageOf.map((i) => (i === undefined ? undefined : renumber.get(i))),
    totals,
    statistics,
  };
}

/** The text of every sentence on `s`'s line (a list item or table row read as one unit). */
function sameLine(sentences: readonly Sentence[], s: Sentence): string {
  let text = '';
  for (let i = s.index; i < sentences.length && sentences[i]!.line === s.line; i++)
    text += ` ${sentences[i]!.text}`;
  return text;
}
