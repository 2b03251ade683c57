/**
 * The `numbers` check: extracts a reply's quantitative claims and tests them against the gossip reference
 * (§8 red flags, §9 checkable claims), the row's own bound, and the spread simulation where the closed forms
 * are soft.
 *
 * Principle: a claim fails only when every reasonable reading of it fails. Where the context is ambiguous
 * (which tier a number belongs to, which fanout or mode applies) the most lenient reading is taken: the
 * smallest population, the largest fanout, the fastest mode. Context is looked up in the claim's sentence,
 * then its line, then its block, then the whole reply.
 */
import { bloomBitsPerElement, bloomOptimalHashes } from '../bloom';
import { extractClaims, type Claim, type ClaimKind } from '../claims/claims';
import { maxOf, minOf, MIN_POPULATION, ReplyContext, type Scope } from './context';
import { checkCoverage, checkStageTotals, checkSubstance, checkSums } from './totals';
import { checkBandwidth, checkFullState, checkResidue } from './traffic';
import { checkRedFlags } from './redFlags';
import { scanQuantities } from '../claims/quantity';
import type { Scenario } from '../claims/scenario';
import { PHI_MINIMUM, PHI_RECOMMENDED, phiFalseSuspicionProbability } from '../phi';
import { deliveryProbability } from '../reliability';
import { meanFieldRoundsToFull, roundsFloor } from '../rounds';
import type { SpreadMode } from '../simulation';
import { memberlistSuspicionTimeout } from '../swim';
import { convergenceTime, MAX_UDP_PAYLOAD_BYTES } from '../timing';
import { show, showSeconds, verdictOf, type CheckVerdict, type Finding } from './finding';

/** Tolerance of the §9 "expected rounds ± 25%" rule, also used for times implied by the simulation. */
const EXPECTED_TOLERANCE = 0.25;
/** Slack for rounding in the reply's own arithmetic ("8 × 0.25 s ≈ 2 s"). */
const ARITHMETIC_TOLERANCE = 0.15;
/** Slack before a stated time is called shorter than rounds × interval. */
const TIME_SLACK = 0.1;
/** Bloom sizing tolerance (§9 claim 10). */
const BLOOM_TOLERANCE = 0.05;
/** Above this fanout the push formula is accurate: no soft check. */
const MAX_SOFT_FANOUT = 16;
/** Findings one check keeps for claims it pairs with each other (Bloom rates × sizes); the rest are counted. */
const MAX_FINDINGS_PER_CHECK = 200;

/** Checks the numbers of a design reply against the reference and the row's scenario. */
export function checkNumbers(reply: string, scenario: Scenario): CheckVerdict {
  const context = new ReplyContext(extractClaims(reply), scenario);
  const findings: Finding[] = [
    ...checkModel(context),
    ...checkRounds(context),
    ...checkTimes(context),
    ...checkArithmetic(context),
    ...checkRoundCost(context),
    ...checkSums(context),
    ...checkStageTotals(context),
    ...checkSubstance(context),
    ...checkCoverage(context),
    ...checkResidue(context),
    ...checkBandwidth(context),
    ...checkFullState(context),
    ...checkRedFlags(context),
    ...checkFlatDesign(context),
    ...checkBound(context),
    ...checkConstantRounds(context),
    ...checkPhi(context),
    ...checkBloom(context),
    ...checkSwim(context),
    ...checkMemberlist(context),
    ...checkReliability(context),
    ...checkMerkleInterval(context),
    ...checkMessageSize(context),
  ];
  return verdictOf('numbers', findings);
}

// §9: a design must carry a mathematical model; the system prompt demands one.
function checkModel(c: ReplyContext): Finding[] {
  const rounds = c.of('rounds').filter((x) => !x.partial);
  const times = c.of('convergence');
  if (rounds.length + times.length === 0) {
    return [
      {
        check: 'model',
        outcome: 'FAIL',
        detail:
          'the reply states no quantitative convergence estimate (no rounds, no convergence time); the system prompt demands a mathematical model',
      },
    ];
  }
  return [
    {
      check: 'model',
      outcome: 'PASS',
      detail: `${rounds.length} rounds and ${times.length} convergence-time estimates stated`,
    },
  ];
}

interface RoundsContext {
  population: number;
  populationScope: Scope | 'fallback';
  fanout: number;
  mode: SpreadMode;
  /** Nodes informed when the claim's stage starts (1 unless the stage is seeded from several). */
  seeds: number;
}

/**
 * Population, fanout and mode for a rounds claim, the most lenient reading at the nearest scope: the claim's
 * sentence, then its stage (the population the stage states, else the one its wording implies: inside a site
 * is N / sites, between sites is the number of sites), then its line.
 */
function roundsContext(c: ReplyContext, claim: Claim): RoundsContext | undefined {
  const fanout = c.nearest('maxFanout', ['fanout'], claim, (xs) => maxOf(xs.map((x) => x.quantity.high)));
  if (fanout === undefined) return undefined;
  const mode = c.modeAt(claim);
  const seeds = (claim.stage === undefined ? undefined : c.extracted.stages.stages[claim.stage]?.seeds) ?? 1;
  // A count worked out from the formula beside it ("log₄500 + ln500/3 = 6.6 rounds") is about the formula's N.
  // Once per sentence: a run-on sentence holds thousands of counts.
  const formula = c.within('formulaPopulation', 'sentence', claim, () => formulaPopulation(claim.snippet));
  if (formula !== undefined) return { population: formula, populationScope: 'sentence', fanout, mode, seeds };
  for (const scope of ['sentence', 'stage', 'line'] as const) {
    const population = c.within('minPopulation', scope, claim, () => {
      const pops = [...c.inScope('nodes', scope, claim), ...c.inScope('groups', scope, claim)].filter(
        (x) => x.quantity.value >= MIN_POPULATION,
      );
      return pops.length > 0 ? minOf(pops.map((x) => x.quantity.low)) : undefined;
    });
    if (population !== undefined) return { population, populationScope: scope, fanout, mode, seeds };
    if (scope === 'stage') {
      const implied = impliedPopulation(c, claim);
      if (implied !== undefined)
        return { population: implied, populationScope: 'stage', fanout, mode, seeds };
    }
  }
  if (!c.extracted.hierarchical) {
    const n = c.networkSize();
    if (n) return { population: n, populationScope: 'reply', fanout, mode, seeds };
  }
  const all = c.populations();
  if (all.length === 0) return undefined;
  return { population: all[0]!, populationScope: 'fallback', fanout, mode, seeds };
}

/**
 * "log₄500", "log_4(2000)", "log4(50)", "log_10(10^6)", "log₃ 10⁶": the argument of the one logarithm a sentence works
 * a round count from, read as a quantity (a power of ten is its value, not its base).
 */
const LOG_OF = /\blog(?:[₀-₉]+|_\{?\d+(?:\.\d+)?\}?|\d(?=\s*\())?\s*\(?\s*(?=\d)/gi;

function formulaPopulation(sentence: string): number | undefined {
  const found = new Set<number>();
  for (const m of sentence.matchAll(LOG_OF)) {
    const from = m.index + m[0].length;
    const argument = scanQuantities(sentence.slice(from, from + 24))[0];
    if (argument === undefined || argument.start !== 0 || argument.dimension !== 'count') continue;
    const n = argument.value;
    if (Number.isFinite(n) && n >= 2) found.add(n);
  }
  // Two tiers worked out in one sentence: which one the count belongs to is not the formula's to say.
  return found.size === 1 ? [...found][0] : undefined;
}

/** The population a stage's wording implies from the row: sites for a tier between sites, N / sites inside one. */
function impliedPopulation(c: ReplyContext, claim: Claim): number | undefined {
  const stage = claim.stage === undefined ? undefined : c.extracted.stages.stages[claim.stage];
  const { nodes, groups } = c.scenario;
  if (!stage?.implied || !groups || groups < MIN_POPULATION) return undefined;
  if (stage.implied === 'groups') return groups;
  return nodes && nodes / groups >= MIN_POPULATION ? Math.round(nodes / groups) : undefined;
}

/** The stage a claim is in, when that stage is one direct hop or an eager tree: no epidemic rounds there. */
function notAnEpidemic(c: ReplyContext, claim: Claim): string | undefined {
  const stage = claim.stage === undefined ? undefined : c.extracted.stages.stages[claim.stage];
  return stage && stage.kind !== 'epidemic' ? stage.kind : undefined;
}

// §1, §8, §9.1-3: rounds above the floor ⌈log_(f+1) N⌉ (push) and near the simulated expectation.
function checkRounds(c: ReplyContext): Finding[] {
  const findings: Finding[] = [];
  for (const claim of c.of('rounds')) {
    if (claim.partial) continue;
    // "Rounds: 1" in a direct-RPC stage counts hops, not epidemic rounds.
    if (notAnEpidemic(c, claim)) continue;
    const ctx = roundsContext(c, claim);
    if (!ctx) continue;
    const q = claim.quantity;
    // From s seeds, the informed set still grows at most ×base per round: ⌈log_base(N / s)⌉.
    const spread = ctx.population / ctx.seeds;
    const floor = roundsFloor(spread, ctx.fanout, ctx.mode);
    const base = ctx.mode === 'push-pull' ? 2 * ctx.fanout + 1 : ctx.fanout + 1;
    const from = ctx.seeds > 1 ? ` from ${show(ctx.seeds)} seeds` : '';
    const said = `reply says ${roundsText(q)} rounds with fanout ${show(ctx.fanout)} at N=${show(ctx.population)}${from} (${ctx.mode})`;
    const formula = `lower bound ⌈log${show(base)}(${ctx.seeds > 1 ? `${sci(ctx.population)}/${show(ctx.seeds)}` : sci(ctx.population)})⌉ = ${floor}`;
    if (q.high < floor) {
      findings.push({
        check: 'rounds',
        outcome: 'FAIL',
        detail: `${said}; ${formula}`,
        snippet: claim.snippet,
      });
      continue;
    }
    const soft = q.qualifier !== 'atLeast' && q.qualifier !== 'atMost' && ctx.populationScope !== 'fallback';
    const expected = soft ? expectedRounds(ctx.mode, ctx.population, ctx.fanout, ctx.seeds) : undefined;
    if (expected === undefined) {
      findings.push({
        check: 'rounds',
        outcome: 'PASS',
        detail: `${said}; ${formula}`,
        snippet: claim.snippet,
      });
      continue;
    }
    const low = (1 - EXPECTED_TOLERANCE) * expected.rounds;
    const sim = `${expected.how} ${show(expected.rounds)} rounds (−25% → ${show(low)})`;
    if (q.high < low) {
      findings.push({
        check: 'rounds',
        outcome: 'FAIL',
        detail: `${said}; ${formula}, but ${sim}`,
        snippet: claim.snippet,
      });
    } else if (q.low > 2 * expected.rounds) {
      findings.push({
        check: 'rounds',
        outcome: 'WARN',
        detail: `${said}; more than twice the ${sim}`,
        snippet: claim.snippet,
      });
    } else {
      findings.push({
        check: 'rounds',
        outcome: 'PASS',
        detail: `${said}; ${formula}; ${sim}`,
        snippet: claim.snippet,
      });
    }
  }
  return findings;
}

/**
 * Expected rounds to full coverage (fanout ≤ 16), else nothing: the mean-field expectation of the simulated
 * process, which tracks the seeded simulation within 0.7 rounds at a cost independent of N.
 */
function expectedRounds(
  mode: SpreadMode,
  nodes: number,
  fanout: number,
  seeds = 1,
): { rounds: number; how: string } | undefined {
  const f = Math.round(fanout);
  const n = Math.round(nodes);
  if (f < 1 || f > MAX_SOFT_FANOUT || n < 2 || n > 1e9) return undefined;
  return {
    rounds: meanFieldRoundsToFull(mode, n, f, seeds),
    how: `expected (mean field of the simulated ${mode} f=${f} over ${show(n)} nodes${seeds > 1 ? ` from ${show(seeds)} seeds` : ''})`,
  };
}

// §9.4: T_conv >= R × max(T_int, L), with R, T_int and L from the claim's sentence, else its stage, else its line.
function checkTimes(c: ReplyContext): Finding[] {
  const findings: Finding[] = [];
  const whole = (x: Claim) => !x.partial;
  for (const claim of c.of('convergence')) {
    // A total is checked as the sum of its stages; a direct hop or a tree is not rounds × interval.
    if (claim.total || notAnEpidemic(c, claim)) continue;
    const rounds = pairFor(c, 'rounds', ['rounds'], claim, whole);
    const ticks = pairFor(c, 'ticks', ['interval', 'roundCost'], claim);
    if (rounds === undefined || ticks === undefined) continue;
    const r = rounds.min;
    const t = ticks.min;
    const l = latencyFor(c, claim);
    const needed = r * Math.max(t, l);
    const said = claim.quantity.high;
    const where =
      rounds.scope === 'sentence' ? '' : ` (from its ${rounds.scope === 'stage' ? 'stage' : 'line'})`;
    const detail = `reply says ${showSeconds(said)} with ${show(r)} rounds at ${showSeconds(t)}${l > 0 ? ` and L = ${showSeconds(l)}` : ''}${where}; R × max(T_int, L) = ${showSeconds(needed)}`;
    findings.push({
      check: 'time',
      outcome: said * (1 + TIME_SLACK) < needed ? 'FAIL' : 'PASS',
      detail,
      snippet: claim.snippet,
    });
  }
  return findings;
}

/**
 * One-way latency for a time claim: its sentence's, when the sentence describes a single tier, else its stage's.
 * "L ≤ 120 ms" counts as 120 ms: the reply budgets for it, and a round cannot beat the latency it states.
 */
function latencyFor(c: ReplyContext, claim: Claim): number {
  const smallest = (scope: Scope) =>
    c.within(`latency:${scope}`, scope, claim, () => {
      const xs = c.inScope('latency', scope, claim);
      return xs.length > 0 ? minOf(xs.map((x) => x.quantity.value)) : 0;
    });
  const tiers = c.within(
    'distinctWholeRounds',
    'sentence',
    claim,
    () =>
      distinct(
        c
          .inScope('rounds', 'sentence', claim)
          .filter((x) => !x.partial)
          .map((x) => x.quantity.value),
      ).length,
  );
  if (tiers > 1) return 0;
  // A flat design is one tier: its latency is every round's, wherever the reply states it.
  return smallest('sentence') || smallest('stage') || (c.extracted.hierarchical ? 0 : smallest('reply'));
}

/**
 * The smallest of the rounds or ticks a time claim is made of: from its own sentence, else from its stage (every
 * number of a stage describes that stage), else from its line when the line states a single value (a paragraph
 * that describes two tiers is ambiguous, so nothing is paired across its sentences).
 */
function pairFor(
  c: ReplyContext,
  name: string,
  kinds: ClaimKind[],
  claim: Claim,
  keep: (x: Claim) => boolean = () => true,
): { min: number; scope: Scope } | undefined {
  const figure = (scope: Scope) =>
    c.within(`pair:${name}`, scope, claim, () => {
      const found = kinds.flatMap((k) => c.inScope(k, scope, claim)).filter(keep);
      return {
        count: found.length,
        distinct: distinct(found.map((x) => x.quantity.value)).length,
        min: minOf(found.map((x) => x.quantity.low)),
        scope,
      };
    });
  const inSentence = figure('sentence');
  if (inSentence.count > 0) return inSentence;
  // An eager tree's time is hops × latency, not rounds × interval.
  if (/\bhops?\b|\beager\b|\btree\b/i.test(claim.snippet)) return undefined;
  const inStage = figure('stage');
  if (inStage.count > 0) return inStage;
  const inLine = figure('line');
  return inLine.distinct === 1 ? inLine : undefined;
}

// §9.4: a round costs at least the one-way latency. "8 × 50 ms = 0.4 s" on links the same tier says have 120 ms of
// latency is arithmetic that holds and a round that cannot.
function checkRoundCost(c: ReplyContext): Finding[] {
  const findings: Finding[] = [];
  for (const p of c.extracted.products) {
    const anchor = c.claimsInSentence(p.sentence).find((x) => !x.counterfactual);
    if (!anchor || notAnEpidemic(c, anchor)) continue;
    const l = latencyFor(c, anchor);
    const perRound = p.perRound.value;
    if (!(l > perRound * (1 + TIME_SLACK))) continue;
    findings.push({
      check: 'round cost',
      outcome: 'FAIL',
      detail: `${show(p.rounds.value)} × ${showSeconds(perRound)} = ${showSeconds(p.total.value)}, but this tier states a one-way latency of ${showSeconds(l)}: a round cannot take less, so at least ${show(p.rounds.value)} × ${showSeconds(l)} = ${showSeconds(p.rounds.value * l)}`,
      snippet: p.snippet,
    });
  }
  return findings;
}

// The reply's own arithmetic: "R × t ≈ T".
function checkArithmetic(c: ReplyContext): Finding[] {
  return c.extracted.products.map((p) => {
    const product = p.rounds.value * p.perRound.value;
    const off = Math.abs(product - p.total.value) / Math.max(p.total.value, 1e-9);
    return {
      check: 'arithmetic',
      outcome: off > ARITHMETIC_TOLERANCE ? 'FAIL' : 'PASS',
      detail: `${show(p.rounds.value)} × ${showSeconds(p.perRound.value)} = ${showSeconds(product)}, reply says ${showSeconds(p.total.value)}`,
      snippet: p.snippet,
    } satisfies Finding;
  });
}

/**
 * A flat design (no tiers) with one gossip interval and one fanout: simulate it at the row's N and compare the
 * implied time T ≈ R × max(T_int, L + T_int/2) with the bound and with the reply's own convergence claims.
 */
function checkFlatDesign(c: ReplyContext): Finding[] {
  if (c.extracted.hierarchical) return [];
  const current = (x: Claim) => !x.counterfactual;
  const intervals = distinct(
    c
      .of('interval')
      .filter(current)
      .map((x) => x.quantity.value),
  );
  const fanouts = distinct(
    c
      .of('fanout')
      .filter(current)
      .map((x) => x.quantity.value),
  );
  const n = c.networkSize();
  if (intervals.length !== 1 || fanouts.length !== 1 || !n) return [];
  const interval = intervals[0]!;
  const fanout = fanouts[0]!;
  const mode = c.replyMode();
  const latencies = c.of('latency').filter(current);
  const latency = latencies.length > 0 ? minOf(latencies.map((x) => x.quantity.value)) : 0;
  const findings: Finding[] = [];
  const floor = roundsFloor(n, fanout, mode);
  const floorTime = floor * interval;
  const expected = expectedRounds(mode, n, fanout);
  const params = `${mode} f=${show(fanout)}, T_int=${showSeconds(interval)}${latency > 0 ? `, L=${showSeconds(latency)}` : ''} at N=${show(n)}`;
  const implied = expected ? convergenceTime(expected.rounds, interval, latency) : undefined;
  if (implied !== undefined && expected) {
    const detail = `the reply's parameters (${params}): ${expected.how} ${show(expected.rounds)} rounds → T ≈ R × max(T_int, L + T_int/2) = ${showSeconds(implied)}`;
    const bound = c.scenario.bound;
    if (bound !== undefined) {
      findings.push({
        check: 'flat',
        outcome: implied > bound ? 'FAIL' : 'PASS',
        detail: `${detail} ${implied > bound ? '>' : '≤'} bound ${showSeconds(bound)}`,
      });
    } else findings.push({ check: 'flat', outcome: 'PASS', detail });
  }
  for (const claim of c.of('convergence').filter(current)) {
    const said = claim.quantity.high;
    if (said * (1 + TIME_SLACK) < floorTime) {
      findings.push({
        check: 'flat',
        outcome: 'FAIL',
        detail: `reply says ${showSeconds(said)}; with ${params} the floor is ${floor} rounds × ${showSeconds(interval)} = ${showSeconds(floorTime)}`,
        snippet: claim.snippet,
      });
    } else if (implied !== undefined && said < (1 - EXPECTED_TOLERANCE) * implied) {
      findings.push({
        check: 'flat',
        outcome: 'FAIL',
        detail: `reply says ${showSeconds(said)}; the simulation implies ${showSeconds(implied)} for ${params} (−25% → ${showSeconds((1 - EXPECTED_TOLERANCE) * implied)})`,
        snippet: claim.snippet,
      });
    }
  }
  return findings;
}

// The row's own bound: every stated convergence time must fit inside it.
function checkBound(c: ReplyContext): Finding[] {
  const bound = c.scenario.bound;
  if (bound === undefined) return [];
  const claims = c.of('convergence').filter((x) => !x.counterfactual);
  const findings: Finding[] = [];
  let largest: Claim | undefined;
  for (const claim of claims) {
    const q = claim.quantity;
    const value = q.qualifier === 'atLeast' ? q.low : q.high;
    if (value > bound * (1 + 1e-9)) {
      findings.push({
        check: 'bound',
        outcome: 'FAIL',
        detail: `reply says ${q.text.trim() || showSeconds(value)}; the row's bound is ${showSeconds(bound)} (${c.scenario.boundText ?? 'consistency_requirements'})`,
        snippet: claim.snippet,
      });
    } else if (!largest || value > largest.quantity.high) largest = claim;
  }
  if (findings.length === 0 && largest) {
    findings.push({
      check: 'bound',
      outcome: 'PASS',
      detail: `largest stated convergence time ${showSeconds(largest.quantity.high)} ≤ the row's bound ${showSeconds(bound)}`,
      snippet: largest.snippet,
    });
  }
  if (claims.length === 0 && c.of('rounds').length > 0) {
    findings.push({
      check: 'bound',
      outcome: 'WARN',
      detail: `no convergence time stated to compare with the ${showSeconds(bound)} bound`,
    });
  }
  return findings;
}

const CONSTANT_ROUNDS = [
  /O\(1\)\s*(?:gossip\s+|communication\s+)?(?:rounds?|time|latency|convergence|hops|steps)\b/i,
  /\b(?:constant|fixed)[- ](?:number\s+of\s+)?(?:rounds?|time|latency)\b(?!\s+per)/i,
  /\b(?:rounds?|latency|convergence(?:\s+time)?|spread|dissemination|propagation)\b[^.;]{0,40}\b(?:independent of|regardless of|does not depend on|doesn't depend on)\s+(?:the\s+)?(?:N\b|number of nodes|size|network size|cluster size|scale)/i,
  /\b(?:independent of|regardless of)\s+(?:the\s+)?(?:N\b|network size|cluster size|number of nodes)[^.;]{0,30}\b(?:rounds?|converg\w*|latency)\b/i,
];

// §8 red flag: "O(1) rounds or latency independent of N".
function checkConstantRounds(c: ReplyContext): Finding[] {
  for (const sentence of c.extracted.sentences) {
    const hit = CONSTANT_ROUNDS.map((re) => re.exec(sentence.text)).find((m) => m);
    if (hit) {
      return [
        {
          check: 'scaling',
          outcome: 'FAIL',
          detail: `reply claims "${hit[0]}"; epidemic dissemination needs Θ(log N) rounds (at least ⌈log_(f+1) N⌉ for push)`,
          snippet: sentence.text,
        },
      ];
    }
  }
  return [];
}

// §3, §8, §9.9: Φ in 5–16; below 3 is a red flag.
function checkPhi(c: ReplyContext): Finding[] {
  return c.of('phi').map((claim) => {
    const phi = claim.quantity.value;
    const wrong = phiFalseSuspicionProbability(phi);
    const detail = `reply sets Φ = ${show(phi)}; false-suspicion ≈ 10^−Φ = ${wrong >= 1e-4 ? percent(wrong) : wrong.toExponential(0)}; production range ${PHI_RECOMMENDED.low}–${PHI_RECOMMENDED.high}, below ${PHI_MINIMUM} is a red flag`;
    const outcome =
      phi < PHI_MINIMUM ? 'FAIL' : phi < PHI_RECOMMENDED.low || phi > PHI_RECOMMENDED.high ? 'WARN' : 'PASS';
    return { check: 'phi', outcome, detail, snippet: claim.snippet } satisfies Finding;
  });
}

// §5, §9.10: m/n = −ln p / (ln 2)² ± 5%; k ≈ 0.693 · m/n.
function checkBloom(c: ReplyContext): Finding[] {
  const findings: Finding[] = [];
  const list = (xs: Claim[]) => xs;
  let unchecked = 0;
  for (const rate of c.of('bloomFalsePositiveRate')) {
    const p = rate.quantity.value;
    if (!(p > 0 && p < 1)) continue;
    // Every rate is paired with every sizing near it; a reply with hundreds of them gets the first few judged.
    if (findings.length >= MAX_FINDINGS_PER_CHECK) {
      unchecked++;
      continue;
    }
    const bits = c.nearest('bloomBits', ['bloomBitsPerElement'], rate, list, undefined, 'line') ?? [];
    const optimal = bloomBitsPerElement(p);
    for (const b of bits) {
      const off = b.quantity.value / optimal - 1;
      findings.push({
        check: 'bloom',
        outcome: Math.abs(off) > BLOOM_TOLERANCE ? 'FAIL' : 'PASS',
        detail: `reply sizes ${show(b.quantity.value)} bits/element for p = ${percent(p)}; −ln p/(ln 2)² = ${show(optimal)} bits/element (${off >= 0 ? '+' : ''}${show(off * 100, 2)}%, ±5% allowed)`,
        snippet: b.snippet,
      });
    }
    const hashes = c.nearest('bloomHashes', ['bloomHashes'], rate, list, undefined, 'line') ?? [];
    const bitsForK = bits.length > 0 ? bits[0]!.quantity.value : optimal;
    for (const k of hashes) {
      const best = bloomOptimalHashes(bitsForK);
      const off = Math.abs(k.quantity.value - best);
      findings.push({
        check: 'bloom',
        outcome: off > Math.max(1.5, 0.25 * best) ? 'WARN' : 'PASS',
        detail: `reply uses k = ${show(k.quantity.value)} hashes; (m/n) ln 2 = ${show(best)}`,
        snippet: k.snippet,
      });
    }
  }
  if (unchecked > 0)
    findings.push({
      check: 'bloom',
      outcome: 'WARN',
      detail: `${unchecked} more Bloom false-positive rates not checked (${MAX_FINDINGS_PER_CHECK} findings is the limit)`,
    });
  return findings;
}

// §2, §8: SWIM without suspicion or incarnation numbers.
function checkSwim(c: ReplyContext): Finding[] {
  const text = c.extracted.text;
  if (!/\bswim\b/i.test(text)) return [];
  // "without suspicion", "no incarnation numbers", "with the suspicion subprotocol removed", "we do not use
  // incarnation numbers or a Suspect state", "drops the suspect state".
  const negated = SWIM_WITHOUT_SUSPICION.exec(text) ?? deadAtOnce(c);
  const suspicion = /suspicion|suspect|lifeguard|memberlist/i.test(text);
  const incarnation = /incarnation|refut\w*|lifeguard|memberlist/i.test(text);
  if (negated) {
    return [
      {
        check: 'swim',
        outcome: 'FAIL',
        detail: `SWIM "${negated[0]}": without suspicion and incarnation numbers, every lost probe kills a healthy node`,
      },
    ];
  }
  if (!suspicion && !incarnation) {
    return [
      {
        check: 'swim',
        outcome: 'FAIL',
        detail:
          'SWIM is used without a suspicion state or incarnation numbers (§8 red flag): at 5% loss and k = 3 that is about 6×10^−4 false positives per probe',
      },
    ];
  }
  if (!suspicion || !incarnation) {
    return [
      {
        check: 'swim',
        outcome: 'WARN',
        detail: `SWIM mentions ${suspicion ? 'suspicion but no incarnation numbers' : 'incarnation numbers but no suspicion state'}`,
      },
    ];
  }
  return [
    { check: 'swim', outcome: 'PASS', detail: 'SWIM with suspicion and incarnation numbers (refutation)' },
  ];
}

/**
 * "without suspicion", "no incarnation numbers", "with the suspicion subprotocol removed", "we do not use incarnation
 * numbers or a Suspect state", "drops the suspect state", "skip an intermediate \"suspect\" stage", "don't track
 * incarnation numbers": the reply removes what keeps a lost probe from killing a healthy node.
 */
const SWIM_WITHOUT_SUSPICION =
  /\b(?:without|no|disable[sd]?|skip\w*|omit\w*|drop\w*|remov\w*|(?:do(?:es)?\s*n[o']t|never)\s+(?:use|keep|need|have|track|run|implement|maintain|include|support|carry))\s+(?:the\s+|any\s+|an?\s+)?(?:[\w-]+\s+)?["'“‘]?(?:suspicion|suspect|incarnation)|\b(?:suspicion|suspect)(?:\s+[\w-]+){0,2}\s+(?:removed|disabled|dropped|omitted|turned off)\b/i;
/** "is declared dead immediately", "marked failed at once": a node dead the moment a probe goes unanswered. */
const DEAD_AT_ONCE =
  /\b(?:declared|marked|considered|treated\s+as)\s+(?:as\s+)?(?:dead|failed|down)\s+(?:immediately|at once|right away|instantly|straight away)\b|\b(?:immediately|instantly|at once)\s+(?:declared|marked|considered)\s+(?:as\s+)?(?:dead|failed|down)\b/i;
/** A sentence about what follows a suspicion, or a node that leaves on purpose: dying at once is right there. */
const AFTER_SUSPICION = /suspic|suspect|time-?out|expire|refut|\bleav|\bleft\b|graceful|announc|voluntar/i;

/** A design sentence (not a rejected option) that declares a node dead the moment its probe fails. */
function deadAtOnce(c: ReplyContext): RegExpExecArray | null {
  for (const s of c.extracted.sentences) {
    if (c.extracted.rejected.has(s.index) || AFTER_SUSPICION.test(s.text)) continue;
    const found = DEAD_AT_ONCE.exec(s.text);
    if (found) return found;
  }
  return null;
}

// §2, §8: "memberlist defaults detect and disseminate in under 5 s at 10^6 nodes" (suspicion Min alone is 24 s).
function checkMemberlist(c: ReplyContext): Finding[] {
  const n = c.networkSize();
  if (!n) return [];
  const { min } = memberlistSuspicionTimeout(n);
  const anywhere = /memberlist/i.test(c.extracted.text);
  if (!anywhere) return [];
  for (const sentence of c.extracted.sentences) {
    const s = sentence.text;
    if (!/memberlist/i.test(s) && !/default/i.test(s)) continue;
    if (!/default/i.test(s) || !/detect|death|dead|fail/i.test(s)) continue;
    const fast = scanQuantities(s).find((q) => q.dimension === 'time' && q.high < min);
    if (fast) {
      return [
        {
          check: 'memberlist',
          outcome: 'FAIL',
          detail: `reply says memberlist defaults detect within ${showSeconds(fast.high)} at N=${show(n)}; the default suspicion timeout alone is 4 × max(1, log10 N) × 1 s = ${showSeconds(min)}`,
          snippet: s,
        },
      ];
    }
  }
  return [];
}

const PROBABILITY =
  /(?:probability|\bP\s*\([^()]{0,60}\))[^.;]{0,200}?(?:≈|=|~|\bof|\babout)\s*(0\.\d+|\d{1,3}(?:\.\d+)?\s*%)/i;
const RELIABILITY =
  /e\^\s*\(?\s*-\s*e\^|\bln\s*\(?\s*(?:N|\d)|kermarrec|all (?:nodes|sites|members)|every node/i;

// §1, §9.5: fanout ln N + c reaches everyone with probability e^(−e^(−c)) ± 0.02.
function checkReliability(c: ReplyContext): Finding[] {
  const findings: Finding[] = [];
  for (const sentence of c.extracted.sentences) {
    const m = PROBABILITY.exec(sentence.text);
    if (!m) continue;
    // The fanout from the sentence, else from its stage, line or paragraph ("… to 17 peers (ln N + 3). P(all) ≈ …").
    const anchor = c.claimsInSentence(sentence.index)[0] ?? anchorAt(c, sentence.index);
    const fanout =
      c.firstInSentence('fanout', sentence.index) ??
      c.nearest('firstFanout', ['fanout'], anchor, (xs) => xs[0], undefined, 'block');
    if (!fanout) continue;
    if (!RELIABILITY.test(sentence.text) && !RELIABILITY.test(fanout.snippet)) continue;
    const n =
      c.nearest(
        'minPopulationValue',
        ['nodes', 'groups'],
        fanout,
        (xs) => minOf(xs.map((x) => x.quantity.value)),
        (x) => x.quantity.value >= MIN_POPULATION,
        'block',
      ) ?? c.networkSize();
    if (!n) continue;
    const stated = m[1]!.includes('%') ? parseFloat(m[1]!) / 100 : parseFloat(m[1]!);
    const expected = deliveryProbability(n, fanout.quantity.value);
    const off = Math.abs(stated - expected);
    findings.push({
      check: 'reliability',
      outcome: off > 0.02 ? 'FAIL' : 'PASS',
      detail: `reply says fanout ${show(fanout.quantity.value)} reaches all ${show(n)} nodes with P ≈ ${show(stated)}; e^(−e^(−c)) with c = f − ln N = ${show(fanout.quantity.value - Math.log(n))} gives ${show(expected)}`,
      snippet: sentence.text,
    });
  }
  return findings;
}

/** A stand-in claim at sentence `index`, to look things up around a sentence that states no number itself. */
function anchorAt(c: ReplyContext, index: number): Claim {
  const s = c.extracted.sentences[index]!;
  const stage = c.extracted.stages.stageOf[index];
  return {
    kind: 'convergence',
    quantity: {
      value: 0,
      low: 0,
      high: 0,
      qualifier: 'exact',
      dimension: 'count',
      start: 0,
      end: 0,
      text: '',
    },
    snippet: s.text,
    sentence: index,
    line: s.line,
    block: s.block,
    ...(stage !== undefined ? { stage } : {}),
  };
}

// §8, §9.12: "Merkle exchange every 10 ms"; repair intervals of a minute or more.
function checkMerkleInterval(c: ReplyContext): Finding[] {
  const findings: Finding[] = [];
  for (const claim of c.of('reconciliationInterval')) {
    if (!/merkle/i.test(claim.snippet)) continue;
    const t = claim.quantity.value;
    if (t < 1) {
      findings.push({
        check: 'merkle',
        outcome: 'FAIL',
        detail: `Merkle exchange every ${showSeconds(t)}; trees need full-data validation reads, repair runs every minutes to days`,
        snippet: claim.snippet,
      });
    } else if (t < 60) {
      findings.push({
        check: 'merkle',
        outcome: 'WARN',
        detail: `Merkle exchange every ${showSeconds(t)}; the reference expects repair intervals of 60 s or more`,
        snippet: claim.snippet,
      });
    }
  }
  return findings;
}

// §5, §8: UDP gossip messages over 1.4 KB.
function checkMessageSize(c: ReplyContext): Finding[] {
  return (
    c
      .of('messageSize')
      // "batches up to 64 KB" allows 64 KB messages: the largest size the reply permits is what counts.
      .filter((claim) => /\budp\b/i.test(claim.snippet) && claim.quantity.value > MAX_UDP_PAYLOAD_BYTES)
      .map((claim) => ({
        check: 'udp',
        outcome: 'FAIL' as const,
        detail: `UDP gossip message of ${show(claim.quantity.value)} B exceeds ${show(MAX_UDP_PAYLOAD_BYTES)} B`,
        snippet: claim.snippet,
      }))
  );
}

/** "about 3" for a count, without a unit the extractor may have attached. */
function roundsText(q: { text: string; value: number }): string {
  return q.text.replace(/\s*rounds?$/i, '') || show(q.value);
}

function distinct(values: number[]): number[] {
  // An integer below 10⁹ is its own 9-digit rounding: no string round trip (thousands of calls on a long reply).
  return [
    ...new Set(values.map((v) => (Number.isInteger(v) && Math.abs(v) < 1e9 ? v : Number(v.toPrecision(9))))),
  ];
}

function percent(p: number): string {
  return `${show(p * 100, 2)}%`;
}

/** 1000000 → "1e6"; 2000 → "2000". */
function sci(n: number): string {
  const exp = Math.log10(n);
  return Number.isInteger(exp) && exp >= 3 ? `1e${exp}` : String(Math.round(n));
}
