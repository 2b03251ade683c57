/**
 * What a reply states, as numbers with their source sentence: node counts, fanout, gossip interval, rounds,
 * convergence time, latency, phi threshold, Bloom sizing, SWIM probe period and indirect probes, suspicion
 * timeout. Extraction is lexical: each number is read from the words right around it, and from the subject
 * of its sentence (the nearest of: dissemination, reconciliation, failure detection, membership).
 */
import { scanQuantities, type Quantity } from './quantity';
import type { SpreadMode } from '../simulation';
import { normaliseReply, splitSentences, type Sentence } from './segments';
import { CHOSEN_ROW, findStages, optionTableLines, type StageMap } from './stages';

export type ClaimKind =
  | 'nodes'
  | 'groups'
  | 'fanout'
  | 'interval'
  | 'roundCost'
  | 'latency'
  | 'rounds'
  | 'hops'
  | 'convergence'
  | 'phi'
  | 'bloomBitsPerElement'
  | 'bloomFalsePositiveRate'
  | 'bloomHashes'
  | 'probePeriod'
  | 'indirectProbes'
  | 'suspicionTimeout'
  | 'reconciliationInterval'
  | 'heartbeatInterval'
  | 'messageSize';

export interface Claim {
  kind: ClaimKind;
  quantity: Quantity;
  /** The sentence the number came from. */
  snippet: string;
  sentence: number;
  line: number;
  block: number;
  /** Rounds: a phase or an increment ("plus 3 rounds of tail"), not a total. */
  partial?: boolean;
  /** The sentence discusses an alternative the reply rejects ("would take 7 s, so we reject it"). */
  counterfactual?: boolean;
  /** The stage (tier, step) the claim's sentence belongs to; see stages.ts. */
  stage?: number;
  /** The sentence states a total over stages ("End to end: …", a Total row). */
  total?: boolean;
}

/** "R × t ≈ T" written out in a sentence: checked as arithmetic. */
export interface Product {
  rounds: Quantity;
  perRound: Quantity;
  total: Quantity;
  snippet: string;
  /** The index of its sentence. */
  sentence: number;
}

/** "a + b + c ≈ T" written out in a sentence: checked as arithmetic. */
export interface Sum {
  terms: Quantity[];
  total: Quantity;
  snippet: string;
}

export interface ReplyClaims {
  claims: Claim[];
  products: Product[];
  sums: Sum[];
  /** The design's stages and totals. */
  stages: StageMap;
  sentences: Sentence[];
  /** Spread modes the reply names anywhere. */
  modes: Set<SpreadMode>;
  /** The reply organises dissemination in tiers (sites, gateways, regions). */
  hierarchical: boolean;
  /** The normalised reply text. */
  text: string;
  /** Sentences (by index) of options the reply turns down: a rejected paragraph, lead-in or list item. */
  rejected: ReadonlySet<number>;
}

/** How far around a number its context is read, in characters: keeps a run-on "sentence" linear. */
const WINDOW = 240;

type Subject = 'dissemination' | 'reconciliation' | 'detection' | 'membership' | 'retention';

const SUBJECTS: [Subject, RegExp][] = [
  [
    'reconciliation',
    /anti-?entropy|reconcil\w*|merkle|digests?\b|scuttlebutt|repair\w*|state sync|\bsync\w*|push\/pull|bloom|tombstones?|death certificates?|gc_grace|iblt|\bdeltas?\b|compar\w+|version vectors?|vector clocks?/gi,
  ],
  [
    'detection',
    /detect\w*|suspicion|suspect\w*|time-?outs?|heartbeats?|\bphi\b|φ|Φ|probe[sd]?\b|probing|ping(?:-req)?s?\b|\bswim\b|T′|T'|convict\w*|declared dead|refut\w*|lifeguard/gi,
  ],
  ['membership', /shuffl\w*|cyclon|\bviews?\b|\bjoins?\b|sessions?|\bleases?\b/gi],
  [
    'retention',
    /retain\w*|retention|kept for|keep for|\bttl\b|expir\w*|\blast\s+(?=\d)|lifetime|\bwindow\b/gi,
  ],
  [
    'dissemination',
    /converg\w*|propagat\w*|dissemina\w*|spread\w*|\breach\w*|deliver\w*|end-to-end|end to end|epidemic|gossip\w*|\brounds?\b|\bpush\w*|\bpull\w*|\btiers?\b|\bhops?\b|informed|coverage|broadcast\w*|\btotal\b|\bglobal\w*|\bT_conv\b|(?<!merkle\s)\btree\b/gi,
  ],
];

const DISSEMINATION_CUE =
  /(?<![\w'′])T(?:_\w+)?\s*[≈=~]|converg\w*|propagat\w*|dissemina\w*|spread\w*|\breach\w*|deliver\w*|end-to-end|end to end|\btotal\b|\bglobal\w*|T_conv|informed|coverage|\brounds?\b|\btiers?\b|\bhops?\b|eager|\btakes?\b|that is|i\.e\.|→/i;
const COUNTERFACTUAL =
  /\bwould\b|\breject\w*|\bviolat\w*|\bexceed\w*|too (?:slow|tight|long)|\binstead\b|\bnaive\b|\balternative\b|\bcompared (?:to|with)\b|\bversus\b|\bvs\.?|\bif we\b|\bwithout\b|\bcannot\b|\bcan't\b/i;
/**
 * A paragraph that turns an option down ("... about 6.8 s on average. Rejected.", "Options considered and
 * rejected"): every figure in it is about the alternative, not the design. Not when the same paragraph also says what
 * was chosen, whose figures are the design's.
 */
const REJECTED_BLOCK = /\brejected\b|\bruled out\b|\bwe reject\b|\bdiscarded\b|\bnot chosen\b/i;
const CHOSEN_IN_BLOCK =
  /\bchosen\b|\bwe (?:adopt|choose|use|pick|go with)\b|\badopted\b|\bselected design\b|\bour design\b/i;
const HIERARCHY =
  /two-level|two-tier|three-tier|multi-level|hierarch\w*|\btiers?\b|intra-?(?:site|location|region|pop|cluster)|inter-?(?:site|location|region|pop|cluster)|\bgateways?\b|super-?(?:peers?|nodes?)|per[- ]site|(?:inside|within) (?:a|each|every|the) (?:edge )?(?:site|location|region|pop|cluster)|across (?:the )?(?:\d+ )?(?:edge )?(?:sites|locations|regions|pops)/i;
/** "a single flat epidemic layer", "Why flat?", "A Flat Epidemic Design": the reply's design has one tier. */
const FLAT_DESIGN =
  /\bflat[\s-]+(?:epidemic|gossip|push|pull|design|layer|overlay|topology|protocol|dissemination)\b|\bwhy flat\b/i;
/** A sentence that weighs a flat design rather than adopting it. */
const NOT_OURS =
  /\b(?:wrong|reject\w*|not|no|cannot|instead|too|infeasible|impractical|would|could|rather|alternatives?|versus|vs\.?|compar\w*|fails?|violat\w*|exceed\w*|naive|unlike|than|if|afford\w*|avoid\w*|baseline)\b|n't\b/i;

const ROUNDS_AFTER =
  /^\s*(?:more\s+|extra\s+|additional\s+)?(?:gossip\s+|push\s+|pull\s+|push-pull\s+|epidemic\s+|WAN\s+|LAN\s+|communication\s+)?rounds?\b(?![-\s]trips?)/i;
/**
 * "one round costs max(…)", "a round every 100 ms", "one round is 250 ms": a single round as a unit of time, not a
 * count of rounds anything takes.
 */
const ONE_ROUND_AS_UNIT =
  /^\s*(?:gossip\s+|WAN\s+|LAN\s+)?round\s+(?:\w+ly\s+)?(?:costs?|takes?|lasts?|is|=|every|each|per|of|at|in|for|spans?|equals?)\b/i;
const ROUNDS_BEFORE =
  /\brounds?\s*(?:\([^)]*\)\s*)?(?:to\s+(?:converge|full coverage|reach\s+\w+(?:\s+\w+)?)\s*)?(?:=|:|≈|~|of)\s*$/i;
/** "the lower bound is 9 rounds", "needs at least ⌈log₂ 10⁶⌉ = 20 rounds": the figure is a floor, not an estimate. */
const LOWER_BOUND =
  /lower bound|hard bound|\bfloor\b|\bminimum\b|no fewer than|⌈[^⌉]{0,40}⌉\s*(?:=|≈)\s*$|\bat least\b[^.;]{0,40}(?:=|≈)\s*$/i;
const R_BEFORE = /(?<![\w'′])R\s*(?:=|≈|~|≃|≥|>=)?\s*$/;
/** "adds 1–3 rounds", "plus ln N / f ≈ 4.6 rounds" (an increment), "every 10 rounds" (a period): not a total. */
const PARTIAL_BEFORE =
  /(?:(?:\b(?:add(?:s|ing|ed)?|plus|extra|additional|another|further)\b|\+)\s*(?:[\w-]+\s+){0,2}|\b(?:every|each|per|last|first)\s+)$/i;
/** "saves about log₄ 8 ≈ 1.5 rounds", "two fewer rounds": a saving, not a spread claim. */
const SAVING_BEFORE =
  /\b(?:sav(?:es?|ing|ed)|shav(?:es?|ing|ed)|cuts?|trims?|removes?|eliminat\w+|reduc\w+|lower\w*|spar\w+)\b[^.;:]{0,40}$/i;
const SAVING_AFTER =
  /^\s*(?:fewer|less|saved|shorter)\b|^\s*rounds?\s+(?:fewer|less|saved|shorter|faster)\b/i;
/** "each relay forwards for at most 3 rounds", "a node gossips an update for 4 rounds": one node's limit. */
const RELAY_LIMIT_BEFORE =
  /\b(?:each|every|a|any|the)\s+(?:relay|node|peer|gateway|member|server|forwarder|hop)s?\b[^.;]{0,60}\b(?:for|during|over)\s+(?:at most|up to|no more than|only|just)?\s*$|\b(?:TTL|time[- ]to[- ]live|hop limit|retransmit\w*|forwarding limit)\b[^.;]{0,20}$/i;
/**
 * "5.48 + 2.53 ≈ 8.0", "R ≈ 3.6 + 1.7 = 5.3 rounds": a term of an equation chain; only the chain's result is a
 * round count. (Later terms follow a "+" and are partial by PARTIAL_BEFORE.)
 */
const CHAIN_TERM_AFTER = /^\s*(?:rounds?\s*)?\+[^=≈~;\n]{0,60}[=≈~]/i;
const PARTIAL_AFTER =
  /^\s*(?:\w+\s+)?rounds?\s+(?:of|for|in)\s+(?:the\s+)?(?:[\w-]+\s+)?(?:growth|tail|exponential|initial|first|second|last|final|phase|stage)|^\s*(?:more|extra|additional|further)\s+rounds?\b|^\s*(?:\w+\s+)?rounds?\s+(?:above|below|beyond|more than|less than|fewer than|short of|behind|ahead of|on top of)\b/i;

const FANOUT_BEFORE =
  /\bfan-?outs?\b(?:\s*\(?\s*f\s*\)?)?\s*(?:of|=|:|≈|~|is|at|to|set to)?\s*(?:(?:a|an)\s+)?(?:f\s*=\s*)?$/i;
const F_BEFORE = /(?<![\w'′_\\])f\s*(?:=|≈|~)\s*$/;
const TARGETS_AFTER =
  /^\s*(?:other\s+|random(?:ly[- ]chosen)?\s+|uniformly[- ]random\s+|distinct\s+)*(?:peers?|nodes?|members?|neighbou?rs?|targets?|partners?)\b/i;
const TARGETS_BEFORE = /\b(?:to|contacts?|selects?|picks?|chooses?)\s*$/i;
const PER_ROUND_AFTER =
  /^\s*(?:gossip\s+)?(?:targets?|partners?|peers?)\s+(?:per|each)\s+(?:round|tick|interval|period)/i;

const NODE_NOUNS_AFTER =
  /^\s*(?:[-\s]?[\w-]+[- ]){0,2}?(?:nodes?|members?|servers|hosts|machines|replicas|participants|instances)\b|^-(?:member|node)s?\b/i;
const PEERS_AFTER = /^\s*(?:[\w-]+\s+){0,2}?peers\b/i;
const N_BEFORE = /(?<![\w'′_])N\s*(?:=|≈|~|:)\s*$/;
const VIEW_BEFORE = /(?:views?|view size|active|passive)\s*(?:of|=|:)?\s*(?:about|~|≈)?\s*$/i;
const GROUPS_AFTER =
  /^\s*(?:[\w-]+[- ]){0,2}?(?:sites?|locations?|pops?|points of presence|regions?|data ?cent(?:er|re)s?|datacenters?|clusters?|zones?)\b/i;

const INTERVAL_BEFORE =
  /(?:\bevery|\beach|\binterval|\bperiod|\bticks?|\bT_?int|\bT_?gossip|\bcadence|\bround (?:length|duration|time))\s*(?:\(?[A-Za-z](?:_\w+)?\)?\s*(?==|≈|~|:))?(?:of|=|:|≈|~|is|at|set to)?\s*\(?\s*$/i;
const INTERVAL_AFTER =
  /^\s*(?:gossip\s+|WAN\s+|LAN\s+|heartbeat\s+)?(?:ticks?|intervals?|periods?|cadence|heartbeats?|rounds\b(?!\s+(?:at|of|in|to|for)\b))\b|^\s*(?:per|\/)\s*round/i;
const LATENCY_BEFORE =
  /(?:latency|(?<![\w'′])L|\bRTT|\bdelay|one-way)\s*(?:of|=|:|≈|~|is|up to|around|about)?\s*\(?\s*$/i;
const LATENCY_AFTER =
  /^[\s-]*(?:of\s+)?(?:one-way\s+|WAN\s+|network\s+)?(?:latency|RTT|delay)\b|^\s*one[- ]way\b/i;
const BOUND_BEFORE =
  /(?:\bbound|\bbudget|\brequirement|\btarget|\bSLA|\bSLO|\blimit|\bdeadline|maximum convergence time|\bmax(?:imum)?)\s*(?:of|is|:|=)?\s*(?:the\s+)?$/i;
const BOUND_AFTER =
  /^\s*(?:global\s+|convergence\s+|end-to-end\s+)?(?:bound|budget|requirement|target|SLA|SLO|limit|deadline|ceiling|cap|constraint)\b/i;
const ROUND_COST_BEFORE =
  /(?:\b(?:rounds?|ticks?)\s+(?:\w+ly\s+)?(?:costs?|costing|takes?|lasts?|is|=)?\s*(?:max\([^)]*\)\s*)?|\beach\s+max\([^)]*\)\s*|\bper[- ]round(?:\s+time|\s+cost)?\s*(?::\s*)?(?:max\([^)]*\)\s*)?)(?:=|≈|~|of|is|:)?\s*$/i;
/**
 * "a round costs the larger of the interval and the latency plus half an interval, which is 150 ms": the sentence
 * defines a round's cost in words; the figure it arrives at is that cost.
 */
/** "a round costs", "each round effectively takes", "one gossip round lasts": what follows is a round's price. */
const ROUND_COST_PHRASE =
  /\b(?:a|one|each|every)\s+(?:gossip\s+|WAN\s+|LAN\s+)?round\s+(?:\w+ly\s+)?(?:costs|takes|lasts)\b/i;
const ARRIVES_AT = /(?:\bwhich is|\bthat is|\bi\.e\.|=|≈)\s*(?:about\s+|roughly\s+)?$/i;
/** "a 10-minute mean session", "1 h uptime": how long nodes live, not how long spreading takes. */
/** "tombstones kept 24 h", "a node offline > 24 h", "down for 10 min": how long something lasts, not spreading. */
const HOW_LONG_BEFORE =
  /\b(?:kept|retained|held|stored|offline|down|away|absent|disconnected|unreachable|partitioned)\s*(?:for|>|≥|>=|longer than|more than|over|up to|at least)?\s*(?:~|≈|about\s+)?$/i;
const LIFETIME_AFTER =
  /^\s*(?:mean\s+|average\s+|median\s+)?(?:sessions?|lifetimes?|uptime|TTL|retention|lease)\b/i;
/** "1,400 B per 150 ms", "42 KB / 0.1 s": the period of a rate, not a time anything takes. */
const PER_PERIOD_BEFORE = /(?:\bper|(?<![\d\s])\s*\/|\d\s*[A-Za-z]{1,5}\s*\/)\s*$/i;
/** "2 s of headroom", "1.9 s to spare": how far a figure is from the bound, not a time anything takes. */
const MARGIN = /^\s*(?:of\s+)?(?:headroom|margin|slack|spare|buffer)\b|^\s*to\s+spare\b/i;
/**
 * "≈ 2.9 s, about 2 s below the 5 s bound": a second figure set off after a stated time and placed below the bound
 * is the margin. Without the first figure and the break ("3.1 s under the 5 s bound") the figure is the total.
 */
const MARGIN_BELOW_AFTER =
  /^\s*(?:below|under|short\s+of)\s+(?:the\s+|our\s+|a\s+)?(?:[\d.,]+\s*(?:s|sec\w*)\s+)?(?:global\s+|convergence\s+|end-to-end\s+)?(?:bound|budget|requirement|target|limit|deadline|SLA|SLO)\b/i;
const MARGIN_BELOW_BEFORE =
  /\d(?:[\d.,]*)\s*(?:s|sec\w*|ms)\b[^.;\n]{0,12}(?:,|;|—|–|\()\s*(?:(?:about|roughly|some|nearly|almost|leaving|which\s+leaves|i\.e\.)\s+)*(?:~|≈)?\s*$/i;
const PROBE_BEFORE =
  /(?:probe (?:interval|period)|protocol period|T′|T'|T_probe|probes?|probing|ping)\b[^.;]{0,24}$/i;
const HEARTBEAT_NEAR = /heartbeats?/i;
const SUSPICION_BEFORE = /suspicion\s+timeout\b[^.;]{0,40}$|suspect(?:ed)?\s+for\s*$/i;
const PHI_KEYWORD = /\bphi\w*|φ|Φ|threshold/gi;
const PHI_CONNECTORS =
  /^[\s=:≈~(),\-_]*(?:(?:of|at|is|to|set|a|an|the|with|threshold|value|convict(?:ion)?|accrual|detector|failure|Φ|φ|phi)[\s=:≈~(),\-_]*)*$/i;

/** Extracts every claim a reply makes. */
export function extractClaims(reply: string): ReplyClaims {
  const text = normaliseReply(reply);
  const sentences = splitSentences(text);
  const stages = findStages(sentences, text.split('\n'));
  const claims: Claim[] = [];
  const products: Product[] = [];
  const sums: Sum[] = [];
  const bloomLines = new Set(sentences.filter((x) => /bloom/i.test(x.text)).map((x) => x.line));
  const bloomBlocks = new Set(sentences.filter((x) => /bloom/i.test(x.text)).map((x) => x.block));
  // A list item that rejects rejects only itself; a paragraph or a lead-in ("Alternatives considered and
  // rejected:" over a list), its whole block.
  const lines = text.split('\n');
  const item = (x: Sentence) => /^\s*(?:[-*+•]|\d+[.)])\s/.test(lines[x.line] ?? '');
  const unit = (x: Sentence) => (item(x) ? `line ${x.line}` : `block ${x.block}`);
  const rejecting = new Set(sentences.filter((x) => REJECTED_BLOCK.test(x.text)).map(unit));
  for (const x of sentences) if (CHOSEN_IN_BLOCK.test(x.text)) rejecting.delete(unit(x));
  // The rows of an option table that are not picked are options turned down, each on its own.
  for (const line of optionTableLines(lines))
    if (!CHOSEN_ROW.test(lines[line] ?? '') && !/^\s*\|[\s:|-]*\|?\s*$/.test(lines[line] ?? ''))
      rejecting.add(`line ${line}`);
  const rejected = (x: Sentence) => rejecting.has(`line ${x.line}`) || rejecting.has(`block ${x.block}`);
  for (const sentence of sentences) {
    // "Gateways exchange Bloom filters. We use 2 bits per element...": sizing may follow the mention.
    const aboutBloom = bloomLines.has(sentence.line) || bloomBlocks.has(sentence.block);
    const place = { stage: stages.stageOf[sentence.index], total: stages.totals.has(sentence.index) };
    const facts = factsOf(sentence.text, aboutBloom);
    if (rejected(sentence)) facts.counterfactual = true;
    readSentence(sentence, facts, place, claims, products, sums);
  }
  const turnedDown = new Set(sentences.filter(rejected).map((x) => x.index));
  // A reply that calls its own design flat is one tier, whatever else it names ("inter-PoP latency", a rejected
  // hierarchy): its figures are all that tier's.
  const flat = sentences.some(
    (x) => !turnedDown.has(x.index) && FLAT_DESIGN.test(x.text) && !NOT_OURS.test(x.text),
  );
  const hierarchical =
    !flat && (HIERARCHY.test(text) || stages.stages.filter((x) => x.kind === 'epidemic').length >= 2);
  return {
    claims,
    products,
    sums,
    stages,
    sentences,
    modes: modesIn(text),
    hierarchical,
    text,
    rejected: turnedDown,
  };
}

/** The spread modes a text names. */
export function modesIn(text: string): Set<SpreadMode> {
  const modes = new Set<SpreadMode>();
  if (/push[-–\/ ](?:and[- ])?pull|pushpull|hybrid push/i.test(text)) modes.add('push-pull');
  const rest = text.replace(/push[-–\/ ](?:and[- ])?pull|pushpull/gi, '');
  if (/\bpush\b/i.test(rest)) modes.add('push');
  if (/\bpull\b/i.test(rest)) modes.add('pull');
  return modes;
}

/**
 * What a sentence says as a whole, computed once: every per-number test below looks at a bounded window or at
 * these flags, never at the whole sentence again, so a run-on "sentence" of a megabyte stays linear.
 */
interface SentenceFacts {
  aboutBloom: boolean;
  /** Says in words what a round costs ("a round costs the larger of …"). */
  roundCostPhrase: boolean;
  counterfactual: boolean;
  /** Names an eager tree or hops: "4 × 150 ms" is hops × latency there. */
  eager: boolean;
  spreads: boolean;
  phi: boolean;
  swim: boolean;
  falsePositive: boolean;
  message: boolean;
  reconciliation: boolean;
  disseminationCue: boolean;
  /** Start offsets of each subject's keywords, ascending. */
  subjects: [Subject, number[]][];
  /** Offsets of "max(" / "min(" and of ")", ascending. */
  calls: number[];
  closers: number[];
}

const RECONCILIATION = new RegExp(SUBJECTS[0]![1].source, 'i');

function factsOf(s: string, aboutBloom: boolean): SentenceFacts {
  return {
    aboutBloom,
    roundCostPhrase: ROUND_COST_PHRASE.test(s),
    counterfactual: COUNTERFACTUAL.test(s),
    eager: /\bhops?\b|\btree\b|\beager\b/i.test(s),
    spreads: /gossip|push|pull|forward|send|contact|select|pick|choose/i.test(s),
    phi: /\bphi|φ|Φ|phi_convict/i.test(s),
    swim: /\bswim\b|ping-req|indirect/i.test(s),
    falsePositive: /false[- ]?positive|\bFPR\b|\bFP\b|error rate/i.test(s),
    message: /\budp\b|message|payload|packet|datagram/i.test(s),
    reconciliation: RECONCILIATION.test(s),
    disseminationCue: DISSEMINATION_CUE.test(s),
    subjects: SUBJECTS.map(([subject, re]) => [subject, offsets(re, s)]),
    calls: offsets(CALL, s),
    closers: offsets(CLOSER, s),
  };
}

const CALL = /m(?:ax|in)\(/g;
const CLOSER = /\)/g;

/** Start offsets of every match of global `re` in `s` (none of these patterns matches the empty string). */
function offsets(re: RegExp, s: string): number[] {
  const out: number[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) out.push(m.index);
  return out;
}

function readSentence(
  sentence: Sentence,
  facts: SentenceFacts,
  place: { stage: number | undefined; total: boolean },
  claims: Claim[],
  products: Product[],
  sums: Sum[],
): void {
  const s = sentence.text;
  const quantities = scanQuantities(s);
  sums.push(...sumsIn(s, quantities));
  const taken = new Set<Quantity>();
  const counterfactual = facts.counterfactual;
  const add = (kind: ClaimKind, quantity: Quantity, extra?: Partial<Claim>) => {
    taken.add(quantity);
    const claim: Claim = {
      kind,
      quantity,
      snippet: s,
      sentence: sentence.index,
      line: sentence.line,
      block: sentence.block,
    };
    if (counterfactual) claim.counterfactual = true;
    if (place.stage !== undefined) claim.stage = place.stage;
    if (place.total) claim.total = true;
    // Assigned, not spread: object spreads dominate the cost of a reply with thousands of numbers.
    if (extra) Object.assign(claim, extra);
    claims.push(claim);
  };

  // R × t ≈ T: rounds, per-round cost and total, read together.
  for (let i = 0; i + 1 < quantities.length; i++) {
    const r = quantities[i]!;
    const t = quantities[i + 1]!;
    if (r.dimension !== 'count' || t.dimension !== 'time') continue;
    if (!/^\s*(?:(?:rounds?|hops?)\s*)?[×x*·]\s*$/.test(s.slice(r.end, t.start))) continue;
    // Only a spreading product: not "4 × 3.3 × 1 s" (a longer formula) nor a suspicion timeout.
    if (/[×x*·]\s*$/.test(s.slice(Math.max(0, r.start - WINDOW), r.start))) continue;
    const about = subjectAt(facts, r.start);
    if (about !== undefined && about !== 'dissemination') continue;
    const total = quantities[i + 2];
    const hasTotal =
      total !== undefined &&
      total.dimension === 'time' &&
      /^\s*(?:=|≈|~|→|is|gives|so)?\s*$/.test(s.slice(t.end, total.start));
    // An eager tree's "4 × 150 ms" is hops × per-hop latency, not rounds × interval.
    if (facts.eager) add('hops', r);
    else add('rounds', r);
    add(facts.eager ? 'latency' : 'roundCost', t);
    if (hasTotal) {
      add('convergence', total);
      products.push({ rounds: r, perRound: t, total, snippet: s, sentence: sentence.index });
    }
  }

  const nextTime = nextTimeIndex(quantities);
  let previousTime: Quantity | undefined;
  for (const [i, q] of quantities.entries()) {
    const previous = previousTime;
    if (q.dimension === 'time') previousTime = q;
    if (taken.has(q)) continue;
    if (q.dimension === 'time' && isComponent(s, facts, q, previous, quantities[nextTime[i]!])) continue;
    const before = s.slice(Math.max(0, q.start - 60), q.start);
    const after = s.slice(q.end, q.end + 60);
    const subject = subjectAt(facts, q.start);
    if (q.dimension === 'count') readCount(q, before, after, subject, facts, add);
    else if (q.dimension === 'time')
      readTime(q, before, after, subject, facts, place.stage !== undefined || place.total, add);
    else if (q.dimension === 'bitsPerElement' && facts.aboutBloom) add('bloomBitsPerElement', q);
    else if (q.dimension === 'fraction' && facts.aboutBloom && facts.falsePositive) {
      add('bloomFalsePositiveRate', q);
    } else if (q.dimension === 'bytes' && facts.message && !/\bper\s+(?:node|second)|\/s\b/i.test(after)) {
      add('messageSize', q);
    }
  }
}

/**
 * "0.1 + 1.5 + 1.0 ≈ 2.6 s", "1.8 s + 2.4 s = 4.2 s", "0.05 (origin to gateway) + 1.6 + 1.2 ≈ 2.9 s": terms
 * joined by "+" (a short parenthesis may follow a term) and a time after "=" or "≈". Terms without a unit take
 * the total's. Only sums of plain terms: a term that is part of a longer expression (×, /, log) is no sum.
 */
function sumsIn(s: string, quantities: Quantity[]): Sum[] {
  const found: Sum[] = [];
  let start = 0;
  for (let i = 1; i < quantities.length; i++) {
    const gap = s.slice(quantities[i - 1]!.end, quantities[i]!.start);
    if (SUM_JOIN.test(gap)) continue;
    // The "≈" may belong to the total's own text ("≈ 3.5 s" is one quantity).
    const equals = SUM_EQUALS.test(gap) || (/^\s*$/.test(gap) && /^[≈~=]/.test(quantities[i]!.text));
    if (i - start >= 2 && equals && quantities[i]!.dimension === 'time') {
      const terms = quantities.slice(start, i);
      const before = s.slice(Math.max(0, terms[0]!.start - 12), terms[0]!.start);
      const plain = terms.every((t) => t.dimension === 'time' || t.dimension === 'count');
      if (plain && !/[×x*/·^]\s*$|\blog\w*\s*$|\bln\s*$/.test(before)) {
        const total = quantities[i]!;
        // A unitless term takes the total's unit: "0.9 + 2.8 + 1.6 ≈ 3.5 s".
        const number = parseFloat(total.text.replace(/^[^\d.]*/, ''));
        const unit = number > 0 ? total.value / number : 1;
        found.push({
          terms: terms.map((t) =>
            t.dimension === 'time' ? t : { ...t, value: t.value * unit, dimension: 'time' },
          ),
          total,
          snippet: s,
        });
      }
    }
    start = i;
  }
  return found;
}

const SUM_JOIN = /^\s*(?:\([^()]{0,40}\)\s*)?\+\s*$/;
const SUM_EQUALS = /^\s*(?:\([^()]{0,40}\)\s*)?(?:=|≈|~|→)\s*$/;

/** For each quantity, the index of the next time quantity after it (quantities.length when none). */
function nextTimeIndex(quantities: Quantity[]): number[] {
  const next = new Array<number>(quantities.length);
  let upcoming = quantities.length;
  for (let i = quantities.length - 1; i >= 0; i--) {
    next[i] = upcoming;
    if (quantities[i]!.dimension === 'time') upcoming = i;
  }
  return next;
}

type Add = (kind: ClaimKind, quantity: Quantity, extra?: Partial<Claim>) => void;

function readCount(
  q: Quantity,
  before: string,
  after: string,
  subject: Subject | undefined,
  facts: SentenceFacts,
  add: Add,
): void {
  if (
    ROUNDS_AFTER.test(after) ||
    ROUNDS_BEFORE.test(before) ||
    (R_BEFORE.test(before) && q.qualifier !== 'exact')
  ) {
    if (subject !== undefined && subject !== 'dissemination' && !/\brounds?\b/i.test(after.slice(0, 12)))
      return;
    if (subject === 'detection' || subject === 'reconciliation' || subject === 'membership') return;
    if (q.value === 1 && ONE_ROUND_AS_UNIT.test(after)) return;
    // "log₂ 2000 + ln 2000 ≈ 18.6 rounds" is the sum's result, not an increment.
    const result = /^[≈~=]/.test(q.text) || /[=≈~]\s*$/.test(before);
    const partial =
      (PARTIAL_BEFORE.test(before) && !result) ||
      CHAIN_TERM_AFTER.test(after) ||
      PARTIAL_AFTER.test(after) ||
      SAVING_BEFORE.test(before) ||
      SAVING_AFTER.test(after) ||
      RELAY_LIMIT_BEFORE.test(before);
    // "the hard lower bound is 9 rounds" states a floor, not an estimate.
    const floor =
      LOWER_BOUND.test(before) && q.qualifier !== 'atMost'
        ? { ...q, high: Infinity, qualifier: 'atLeast' as const }
        : q;
    add('rounds', floor, partial ? { partial } : undefined);
    return;
  }
  if (
    FANOUT_BEFORE.test(before) ||
    F_BEFORE.test(before) ||
    (PER_ROUND_AFTER.test(after) && subject !== 'detection')
  ) {
    add('fanout', q);
    return;
  }
  if (TARGETS_AFTER.test(after) && TARGETS_BEFORE.test(before) && subject !== 'detection') {
    if (facts.spreads) {
      add('fanout', q);
      return;
    }
  }
  // "fanout ln(2000) + 5 ≈ 12.6": the number that closes an equation chain; its "≈" sits in the quantity.
  // The quantity's own text up to its first digit (a qualifier such as "≈").
  const lead = before + q.text.replace(/[\d.,].*$/s, '');
  if (chainValue(lead, /\bfan-?outs?\b/i) && /[=≈~]\s*$/.test(lead) && !/^\s*[=≈~]/.test(after)) {
    add('fanout', q);
    return;
  }
  if (facts.phi && isPhiValue(before)) {
    add('phi', q);
    return;
  }
  if (facts.aboutBloom) {
    if (/^\s*hash(?:es|\s+functions?)\b/i.test(after) || /(?<![\w])k\s*(?:=|≈|~)\s*$/.test(before)) {
      add('bloomHashes', q);
      return;
    }
    if (
      /(?:false[- ]?positive(?:\s+(?:rate|probability))?|\bFPR|\bp)\s*(?:of|=|:|≈|~|at|is)?\s*$/i.test(
        before,
      ) &&
      q.value < 1
    ) {
      add('bloomFalsePositiveRate', q);
      return;
    }
  }
  if (subject === 'detection' || facts.swim) {
    if (
      /^\s*(?:other\s+)?(?:indirect\s+(?:probes?|checks?|ping-reqs?)|probes|ping-reqs|helpers|proxies)\b/i.test(
        after,
      )
    ) {
      add('indirectProbes', q);
      return;
    }
    if (/(?<![\w])k\s*(?:=|≈|~)\s*$/.test(before)) {
      add('indirectProbes', q);
      return;
    }
  }
  if (N_BEFORE.test(before)) {
    add('nodes', q);
    return;
  }
  if (VIEW_BEFORE.test(before)) return;
  if (NODE_NOUNS_AFTER.test(after) || (PEERS_AFTER.test(after) && q.value >= 1000)) {
    add('nodes', q);
    return;
  }
  if (GROUPS_AFTER.test(after)) add('groups', q);
}

function readTime(
  q: Quantity,
  before: string,
  after: string,
  subject: Subject | undefined,
  facts: SentenceFacts,
  staged: boolean,
  add: Add,
): void {
  if (
    BOUND_AFTER.test(after) ||
    BOUND_BEFORE.test(before) ||
    MARGIN.test(after) ||
    (MARGIN_BELOW_AFTER.test(after) && MARGIN_BELOW_BEFORE.test(before)) ||
    LIFETIME_AFTER.test(after) ||
    HOW_LONG_BEFORE.test(before) ||
    PER_PERIOD_BEFORE.test(before)
  )
    return;
  if (ROUND_COST_BEFORE.test(before) || (facts.roundCostPhrase && ARRIVES_AT.test(before))) {
    add('roundCost', q);
    return;
  }
  if (SUSPICION_BEFORE.test(before)) {
    add('suspicionTimeout', q);
    return;
  }
  if (LATENCY_AFTER.test(after) || LATENCY_BEFORE.test(before)) {
    const rtt = /\bRTT\b/i.test(before.slice(-20)) || /^\s*RTT\b/i.test(after);
    add('latency', rtt ? halve(q) : q);
    return;
  }
  const intervalLike = INTERVAL_BEFORE.test(before) || INTERVAL_AFTER.test(after) || /\bat\s*$/i.test(before);
  if (intervalLike) {
    // "digest-based pull every 10 seconds": a second or more, in a clause naming a reconciliation structure.
    const slowSync = q.value >= 1 && facts.reconciliation;
    if (subject === 'reconciliation' || slowSync) add('reconciliationInterval', q);
    else if (subject === 'detection') {
      if (HEARTBEAT_NEAR.test(before.slice(-30)) || HEARTBEAT_NEAR.test(after.slice(0, 20)))
        add('heartbeatInterval', q);
      else if (PROBE_BEFORE.test(before)) add('probePeriod', q);
    } else if (subject === 'dissemination' || subject === undefined) {
      // A bare "at 100 ms" is an interval only where the sentence is about spreading ("7 rounds at 100 ms").
      const bareAt = /\bat\s*$/i.test(before) && !INTERVAL_AFTER.test(after) && !INTERVAL_BEFORE.test(before);
      if (!bareAt || subject === 'dissemination') add('interval', q);
    }
    return;
  }
  if (subject === 'detection' && PROBE_BEFORE.test(before)) {
    add('probePeriod', q);
    return;
  }
  // In a stage or a total, a time that is nothing else is how long that stage (or the whole) takes.
  if ((subject === 'dissemination' || subject === undefined) && (facts.disseminationCue || staged))
    add('convergence', q);
}

/**
 * A term of a sum or an argument of max()/min(): "0.3 s + 1.25 s + 0.3 s ≈ 1.9 s", "max(200 ms, 250 ms)".
 * Only the result is a claim. `next` is the next time quantity of the sentence.
 */
function isComponent(
  s: string,
  facts: SentenceFacts,
  q: Quantity,
  previous: Quantity | undefined,
  next: Quantity | undefined,
): boolean {
  // Inside an unclosed "max(" or "min(" that opens within WINDOW characters before the number.
  const call = facts.calls[firstAtOrAfter(facts.calls, q.start - 3) - 1];
  if (call !== undefined && call >= q.start - WINDOW) {
    const closer = facts.closers[firstAtOrAfter(facts.closers, call)];
    if (closer === undefined || closer >= q.start) return true;
  }
  // "a + q" or "q + b", words allowed around the "+" ("0.3 s at the origin site + 1.25 s across sites"), but
  // no "=" before it and no parenthesis left open: "80 ms, so a round takes max(150, 80 + 75) = 155 ms" is no sum.
  if (previous) {
    const between = s.slice(previous.end, q.start);
    if (/\+/.test(between) && !/[=≈~]/.test(between) && !unclosed(between)) return true;
  }
  if (next && next.start - q.end < WINDOW) {
    const between = s.slice(q.end, next.start);
    const head = between.slice(0, between.indexOf('+'));
    if (between.includes('+') && !/[=≈~]/.test(head) && !unclosed(head)) return true;
  }
  return false;
}

/** True when `text` opens a parenthesis it does not close. */
function unclosed(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
  }
  return depth > 0;
}

/** True when only connector words stand between the last phi keyword in `before` and the number. */
function isPhiValue(before: string): boolean {
  let last: RegExpExecArray | undefined;
  for (const m of before.matchAll(PHI_KEYWORD)) last = m as RegExpExecArray;
  if (!last) return false;
  return PHI_CONNECTORS.test(before.slice(last.index + last[0].length));
}

/** True when `before` is "keyword <maths only> =": the number closes an equation chain about the keyword. */
function chainValue(before: string, keyword: RegExp): boolean {
  const m = keyword.exec(before);
  if (!m) return false;
  const tail = before.slice(m.index + m[0].length);
  const words = tail.match(/[A-Za-z]{2,}/g) ?? [];
  return words.every((w) => /^(?:ln|log\w*|max|min|sqrt|of|is)$/i.test(w)) && /[=≈~]/.test(tail);
}

/**
 * The subject whose keyword starts nearest before `position` (within WINDOW characters); if none, the nearest
 * after it. Keyword offsets are found once per sentence, so each lookup is a binary search.
 */
function subjectAt(facts: SentenceFacts, position: number): Subject | undefined {
  // Scalars, not {subject, at} objects: called for every number of the reply.
  let best: Subject | undefined;
  let bestAt = -Infinity;
  let next: Subject | undefined;
  let nextAt = Infinity;
  for (const [subject, starts] of facts.subjects) {
    const i = firstAtOrAfter(starts, position);
    const before = starts[i - 1];
    if (before !== undefined && before >= position - WINDOW && (best === undefined || before > bestAt)) {
      best = subject;
      bestAt = before;
    }
    const after = starts[i];
    if (after !== undefined && after < position + WINDOW && (next === undefined || after < nextAt)) {
      next = subject;
      nextAt = after;
    }
  }
  return best ?? next;
}

/** Index of the first element of ascending `values` that is at least `x` (values.length when none). */
function firstAtOrAfter(values: number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function halve(q: Quantity): Quantity {
  return { ...q, value: q.value / 2, low: q.low / 2, high: q.high / 2 };
}
