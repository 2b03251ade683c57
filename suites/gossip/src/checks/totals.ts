/**
 * Checks on how a design adds up: the sums it writes out ("0.9 + 2.8 + 1.6 ≈ 3.5 s"), its stages against the
 * total it states and against the row's bound, and whether it states enough to be checked at all.
 */
import type { Claim, ClaimKind } from '../claims/claims';
import { maxOf, minOf, MIN_POPULATION, ReplyContext } from './context';
import { show, showSeconds, type Finding } from './finding';

/** Slack for rounding in the reply's own arithmetic, as for products. */
const SUM_TOLERANCE = 0.15;
/** Stages may add up to this much over a stated total or the bound before it is called wrong (rounding). */
const TOTAL_SLACK = 0.05;

/** The reply's own sums: the terms must add up to the total it writes. */
export function checkSums(c: ReplyContext): Finding[] {
  return c.extracted.sums.map((sum) => {
    const added = sum.terms.reduce((a, t) => a + t.value, 0);
    const said = sum.total.value;
    const off = Math.abs(added - said) / Math.max(said, 1e-9);
    return {
      check: 'sum',
      outcome: off > SUM_TOLERANCE ? 'FAIL' : 'PASS',
      detail: `${sum.terms.map((t) => showSeconds(t.value)).join(' + ')} = ${showSeconds(added)}, reply says ${showSeconds(said)}`,
      snippet: sum.snippet,
    } satisfies Finding;
  });
}

/** What one stage takes by the reply's own figures. */
interface StageTime {
  stage: number;
  /** The smallest time the reply states for it (a stage often gives a mean and a p95). */
  stated?: number;
  /** Rounds × max(interval, latency) from its own numbers, when it states them. */
  floor?: number;
  /** The larger of the two: the least the stage can take. */
  least: number;
  section: number;
  /** The table the stage is a row of (its block), when it is one. */
  table?: number;
}

/** The block of a sentence that is a table row: the table it belongs to; `lines` are the reply's lines. */
function tableOf(c: ReplyContext, lines: readonly string[], sentence: number): number | undefined {
  const s = c.extracted.sentences[sentence];
  return s !== undefined && /^\s*\|/.test(lines[s.line] ?? '') ? s.block : undefined;
}

/**
 * A design's stages run one after another (an update crosses each tier once), so the least each can take adds up
 * to the least the whole can take. That sum must not exceed a total the reply states, nor the row's bound. Stages
 * of one section are added; a stage that repeats another's numbers (a table and its prose) counts once; a fallback
 * or degraded path is not added (it runs instead of a stage, not after it). A Total row is checked against the rows
 * of its own table, the breakdown it sums, when that table has any.
 */
export function checkStageTotals(c: ReplyContext): Finding[] {
  const lines = c.extracted.text.split('\n');
  const times = stageTimes(c, lines);
  const findings: Finding[] = [];
  const bySection = new Map<number, StageTime[]>();
  const tables = new Map<number, StageTime[]>();
  for (const t of times) {
    if (t.table !== undefined) {
      const rows = tables.get(t.table);
      if (rows) rows.push(t);
      else tables.set(t.table, [t]);
    }
    const list = bySection.get(t.section);
    if (list) list.push(t);
    else bySection.set(t.section, [t]);
  }
  const byTable = new Map([...tables].map(([table, rows]) => [table, breakdownOf(rows)]));
  for (const [section, list] of bySection) {
    if (list.length < 2) continue;
    const { sum, parts } = breakdownOf(list);
    // A total under one statistic ("mean: 2.6 s") is not the sum of stage times that may be p95s.
    const statistics = c.extracted.stages.statistics;
    const totals = c
      .of('convergence')
      .filter(
        (x) => x.total && !x.counterfactual && !statistics.has(x.sentence) && sectionOf(c, x) === section,
      );
    for (const total of totals) {
      // A Total row adds up the rows of its own table: the reply's breakdown, not every stage of the section
      // (a tier table and a budget table list the same stages twice).
      const table = tableOf(c, lines, total.sentence);
      const own = table === undefined ? undefined : byTable.get(table);
      const breakdown = own ?? { count: list.length, sum, parts };
      const said = total.quantity.high;
      const wrong = breakdown.sum > said * (1 + SUM_TOLERANCE) + TOTAL_SLACK;
      findings.push({
        check: 'total',
        outcome: wrong ? 'FAIL' : 'PASS',
        detail: `the reply's ${breakdown.count} stages take at least ${breakdown.parts} = ${showSeconds(breakdown.sum)}; it states a total of ${showSeconds(said)}`,
        snippet: total.snippet,
      });
    }
    const bound = c.scenario.bound;
    if (bound !== undefined) {
      const over = sum > bound * (1 + TOTAL_SLACK);
      findings.push({
        check: 'bound',
        outcome: over ? 'FAIL' : 'PASS',
        detail: `the reply's ${list.length} stages take at least ${parts} = ${showSeconds(sum)} end to end; the row's bound is ${showSeconds(bound)}`,
      });
    }
  }
  return findings;
}

/** Stages added up, with the first few terms written out. */
function breakdownOf(list: StageTime[]): { count: number; sum: number; parts: string } {
  const parts =
    list
      .slice(0, 12)
      .map((t) => showSeconds(t.least))
      .join(' + ') + (list.length > 12 ? ` + … (${list.length - 12} more)` : '');
  return { count: list.length, sum: list.reduce((a, t) => a + t.least, 0), parts };
}

/** What a stage states about itself: population, fanout and tick, where it states them. */
interface StageParameters {
  population?: number;
  fanout?: number;
  tick?: number;
}

/** Two stages describe the same tier when they agree on everything both state, and both state two things or more. */
function sameTier(a: StageParameters, b: StageParameters): boolean {
  const keys = (['population', 'fanout', 'tick'] as const).filter(
    (k) => a[k] !== undefined && b[k] !== undefined,
  );
  return keys.length >= 2 && keys.every((k) => Math.abs(a[k]! - b[k]!) <= 1e-9 * Math.max(1, a[k]!));
}

function stageTimes(c: ReplyContext, lines: readonly string[]): StageTime[] {
  const out: StageTime[] = [];
  const kept: StageParameters[] = [];
  for (const stage of c.extracted.stages.stages) {
    // One pass over the stage's claims (a hostile reply has tens of thousands of stages).
    let first: Claim | undefined;
    let counterfactual = false;
    let population = Infinity;
    let fanout: number | undefined;
    let tick = Infinity;
    let tickLow = Infinity;
    let statedMin = Infinity;
    let roundsLow = Infinity;
    let latency = Infinity;
    for (const i of stage.sentences) {
      for (const x of c.claimsInSentence(i)) {
        if (x.counterfactual) counterfactual = true;
        first ??= x;
        const q = x.quantity;
        switch (x.kind) {
          case 'nodes':
          case 'groups':
            if (q.value >= MIN_POPULATION) population = Math.min(population, q.value);
            break;
          case 'fanout':
            fanout ??= q.value;
            break;
          case 'interval':
          case 'roundCost':
            tick = Math.min(tick, q.value);
            tickLow = Math.min(tickLow, q.low);
            break;
          case 'convergence':
            statedMin = Math.min(statedMin, q.low > 0 ? q.low : q.value);
            break;
          case 'rounds':
            if (!x.partial) roundsLow = Math.min(roundsLow, q.low);
            break;
          case 'latency':
            latency = Math.min(latency, q.value);
            break;
          default:
        }
      }
    }
    if (first === undefined || counterfactual) continue;
    // A table and its prose describe the same tier twice: count it once. (Linear in stages while few are kept;
    // a reply of thousands of distinct tiers costs stages × kept, bounded by MAX_KEPT.)
    if (kept.length < MAX_KEPT) {
      const parameters: StageParameters = {
        ...(population !== Infinity ? { population } : {}),
        ...(fanout !== undefined ? { fanout } : {}),
        ...(tick !== Infinity ? { tick } : {}),
      };
      if (kept.some((k) => sameTier(k, parameters))) continue;
      kept.push(parameters);
    }
    const stated = statedMin !== Infinity ? [statedMin] : [];
    let floor: number | undefined;
    if (stage.kind === 'epidemic' && roundsLow !== Infinity && tick !== Infinity)
      floor = roundsLow * Math.max(tickLow, latency !== Infinity ? latency : 0);
    const least = Math.max(stated.length > 0 ? minOf(stated) : 0, floor ?? 0);
    if (least <= 0) continue;
    // A fallback or degraded path runs instead of the stage it stands in for, not after it: not a stage to add.
    if (ALTERNATIVE_PATH.test(labelOf(c, lines, stage.sentences[0]!))) continue;
    const table = tableOf(c, lines, first.sentence);
    out.push({
      stage: stage.index,
      ...(stated.length > 0 ? { stated: minOf(stated) } : {}),
      ...(floor !== undefined ? { floor } : {}),
      least,
      section: sectionOf(c, first),
      ...(table !== undefined ? { table } : {}),
    });
  }
  return out;
}

/**
 * What a stage calls itself: a table row's first cell, else its first words up to a colon or full stop (the
 * headers a table row carries say nothing about that row).
 */
function labelOf(c: ReplyContext, lines: readonly string[], sentence: number): string {
  const text = c.extracted.sentences[sentence]?.text ?? '';
  if (tableOf(c, lines, sentence) !== undefined) return /^[^:,]{0,60}:\s*([^,]{0,80})/.exec(text)?.[1] ?? '';
  return /^[^:.]{0,80}/.exec(text)?.[0] ?? '';
}

/** "A (degraded)", "fallback: lazy gossip", "if the tree breaks": a path taken instead of another. */
const ALTERNATIVE_PATH =
  /\b(?:fallback|fall back|degraded|backup|fail-?over|under repair|alternatively|instead)\b|\bif the (?:tree|eager|primary)\b/i;

/** Stages compared for repetition; a design has a handful, a hostile reply thousands. */
const MAX_KEPT = 64;

/** The heading a claim sits under (its section), as the index of that heading's sentence; -1 before any. */
function sectionOf(c: ReplyContext, claim: Claim): number {
  return c.sectionOf(claim.sentence);
}

const DISSEMINATION_PARAMETERS: [ClaimKind[], string][] = [
  [['fanout'], 'fanout'],
  [['interval', 'roundCost'], 'gossip interval'],
  [['rounds', 'hops'], 'round or hop count'],
  [['latency'], 'latency'],
];
const MEETS =
  /(?:\b(?:meets?|satisf\w+|within|under|inside|below|comfortably|holds?)\b[^.;\n]{0,40}\b(?:\d+(?:\.\d+)?[- ]?(?:s|sec\w*)\b|bound|requirement|target|budget|deadline|SLA|SLO)|✓)/i;

/**
 * A design must state enough to be checked: at least two of fanout, gossip interval, round count and latency
 * for its dissemination. A reply that names every mechanism but no number has nothing that supports its claim
 * to meet the bound, and fails here.
 */
export function checkSubstance(c: ReplyContext): Finding[] {
  const current = (x: Claim) => !x.counterfactual;
  const stated = DISSEMINATION_PARAMETERS.filter(([kinds]) =>
    kinds.some((k) => c.of(k).some((x) => current(x) && (k !== 'rounds' || !x.partial))),
  ).map(([, name]) => name);
  const missing = DISSEMINATION_PARAMETERS.map(([, name]) => name).filter((n) => !stated.includes(n));
  const claim = MEETS.exec(c.extracted.text);
  if (stated.length >= 2) {
    return [
      {
        check: 'substance',
        outcome: 'PASS',
        detail: `states ${stated.join(', ')} for its dissemination`,
      },
    ];
  }
  const supports = claim
    ? `nothing supports "${claim[0].trim()}"`
    : 'nothing can be checked against the bound';
  return [
    {
      check: 'substance',
      outcome: 'FAIL',
      detail: `${stated.length === 0 ? 'no' : `only ${stated.join(', ')}; no`} ${missing.join(', ')} stated for the dissemination: ${supports}${c.scenario.bound !== undefined ? ` (the row's bound is ${show(c.scenario.bound)} s)` : ''}`,
    },
  ];
}

/** How far before an "N =" its tier may be named ("inside each of the 500 sites the epidemic has N = 2,000"). */
const DECLARATION_WINDOW = 120;
/** "N = 500", "N: 10,000": the population a sentence names as its N. */
const DECLARED_N = /(?<![\w'′_])N\s*(?:=|≈|~|:)\s*$/;
/** Words that bind an N to one tier or group: "inside a site (N = 2,000)", "gateway tier, N = 1,500". */
const TIER_WORDS =
  /\b(?:sites?|locations?|pops?|regions?|tiers?|gateways?|clusters?|zones?|racks?|continents?|groups?|backbone|levels?|layers?|shards?|cells?|hubs?|relays?|per|each|inside|within|between|among|across|intra\w*|inter\w*)\b/i;
const GROUP_NOUN = String.raw`(?:sites?|locations?|pops?|regions?|clusters?|zones?|racks?|groups?|data ?cent(?:er|re)s?)`;
/** "each of the 500 sites holds", "per site:", "inside a site", "500 sites × ": the count that follows is one group's. */
const PER_GROUP_BEFORE = new RegExp(
  String.raw`\b(?:each|every|per)\s+(?:[\w,-]+\s+){0,3}?${GROUP_NOUN}\b|\b(?:inside|within)\s+(?:a|an|each|every|one|the)\s|\b${GROUP_NOUN}\s*[×x*]\s*$`,
  'i',
);
const PER_GROUP_AFTER = /^\s*(?:[\w-]+\s+)?(?:per|in each|inside|within|at each|each|a piece)\b/i;

/**
 * The design must reach the row's population. A reply that declares the N it designs for ("That makes N = 500",
 * "Scale used: N = 10,000 nodes"), outside any one tier, and states no population of the row's size anywhere, nor
 * groups and node counts that multiply out to it, has modelled another system. Only an N the reply declares for the
 * whole design counts: a tier's N is that tier's.
 */
export function checkCoverage(c: ReplyContext): Finding[] {
  const n = c.scenario.nodes;
  if (!n) return [];
  const populations = [...c.of('nodes'), ...c.of('groups')];
  if (populations.some((x) => x.quantity.high >= n / 2)) return [];
  const declared = c.of('nodes').filter((x) => {
    if (x.counterfactual || c.extracted.rejected.has(x.sentence)) return false;
    const stage = x.stage === undefined ? undefined : c.extracted.stages.stages[x.stage];
    if (stage?.implied !== undefined) return false;
    // The words just before the number (a bounded window: a run-on sentence holds thousands of node counts).
    const before = x.snippet.slice(Math.max(0, x.quantity.start - DECLARATION_WINDOW), x.quantity.start);
    if (!DECLARED_N.test(before) || TIER_WORDS.test(before)) return false;
    if (PER_GROUP_AFTER.test(x.snippet.slice(x.quantity.end, x.quantity.end + 30))) return false;
    const heading = c.extracted.sentences[c.sectionOf(x.sentence)]?.text ?? '';
    return !TIER_WORDS.test(heading);
  });
  if (declared.length === 0) return [];
  // "500 sites × ~2,000 nodes": tiers that multiply out to the row's N reach it, whatever N one sentence names.
  // A count equal to a declared N restates that total, unless it is said of each group ("each site holds 2,000").
  const totals = new Set(declared.map((x) => x.quantity.value));
  const ofEach = (x: Claim) =>
    PER_GROUP_BEFORE.test(x.snippet.slice(Math.max(0, x.quantity.start - 40), x.quantity.start)) ||
    PER_GROUP_AFTER.test(x.snippet.slice(x.quantity.end, x.quantity.end + 30));
  const perGroup = maxOf([
    0,
    ...c
      .of('nodes')
      .filter((x) => !totals.has(x.quantity.value) || ofEach(x))
      .map((x) => x.quantity.high),
  ]);
  const groups = maxOf([0, ...c.of('groups').map((x) => x.quantity.high)]);
  if (perGroup * groups >= n / 2) return [];
  const largest = declared.reduce((a, b) => (b.quantity.value > a.quantity.value ? b : a));
  return [
    {
      check: 'scale',
      outcome: 'FAIL',
      detail: `the design is worked out for N = ${show(largest.quantity.value)}, and no population it states reaches the row's ${show(n)} nodes: its rounds, membership and times model a smaller system`,
      snippet: largest.snippet,
    },
  ];
}
