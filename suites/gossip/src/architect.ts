/**
 * The offline reference architect for the gossip prompt: a deterministic function from a row's variables to
 * the reply a careful architect would give. Blank inputs get a request for them by name; unsafe inputs
 * (prompt injection, execution requests, placeholders such as "None", non-technical content) get exactly
 * {"error": "unsafe"}; anything else gets a design whose numbers come from the reference's formulas and the
 * seeded simulation, so every claim it makes passes the checks in ./checks.
 */
import { bloomBitsPerElement, bloomOptimalHashes } from './bloom';
import { readScenario, type ChurnLevel, type Scenario } from './claims/scenario';
import { show, showSeconds } from './checks/finding';
import { REFUSAL } from './checks/safety';
import { hyparviewViewSizes } from './overlay';
import { phiDetectionTime } from './phi';
import { pushMessages, pushPullMessages } from './rounds';
import { simulateSpreadTrials, type SpreadMode, type SpreadSummary } from './simulation';
import { memberlistSuspicionTimeout, swimFirstDetectionTime } from './swim';
import { convergenceTime } from './timing';

/** The seed's inputs, in the order a request for them lists them. */
export const GOSSIP_INPUTS = {
  system_domain: 'what the system does (for example, a global CDN cache-invalidation layer)',
  network_scale:
    'the number of nodes, how they are grouped (sites, regions), the churn rate and the connectivity',
  consistency_requirements:
    'the convergence bound (for example, a maximum time to global convergence) and message-overhead limits',
} as const;

const INJECTION = [
  /\b(?:ignore|disregard|forget|override)\b[^.]{0,30}\b(?:previous|prior|above|earlier|system|all)\b[^.]{0,20}\b(?:instructions?|rules|prompts?)\b/i,
  /\bexecut\w*\b[^.]{0,40}\b(?:scripts?|commands?|code|payloads?|shell)\b/i,
  /\bshell\s+(?:scripts?|commands?)\b/i,
  /\b(?:run|execute)\b[^.]{0,40}\bon\s+(?:all|every|each)\s+(?:nodes?|hosts?|machines?|servers?)\b/i,
  /\b(?:rm\s+-rf|sudo|curl\s+\S+\s*\|)|\bsystem prompt\b|\bjailbreak\b|\byou are now\b|\bdeveloper mode\b/i,
];
const PLACEHOLDER = /^(?:none|null|nil|n\/a|na|undefined|unknown|-+|\?+|tbd)$/i;
const TECHNICAL =
  /system|network|service|cache|cdn|database|\bdb\b|storage|cluster|sensor|iot|index|config|distributed|edge|node|peer|ledger|blockchain|replica|stream|messag|queue|platform|infrastructure|server|cloud|\bdata|compute|telemetry|monitor|file|content|\bapi\b|registry|membership|layer|grid|mesh|device|fleet|invalidation|sync|protocol|application|backend|microservice|metrics|\blogs?\b|market|trading|game|chat|payment|search|video|dns|routing|vehicle|satellite|robot|drone/i;

/** LAN and WAN assumptions for two-level designs (one-way latency, seconds). */
const LAN = { interval: 0.1, latency: 0.005 };
const WAN = { interval: 0.2, latency: 0.15 };
/** Stress churn per round for the far-edge tier, by the row's wording (far above realistic session lengths). */
const CHURN_PER_ROUND: Record<ChurnLevel, number> = {
  low: 0.0001,
  moderate: 0.001,
  high: 0.005,
  extreme: 0.01,
};
/** Share of the bound a design may use at p95, leaving the rest for churn-driven retries. */
const HEADROOM = 0.6;
const GATEWAYS_PER_SITE = 3;
const TRIALS = 20;
const MAX_SIMULATED_NODES = 2_000_000;

/** The reference reply for a row of the gossip prompt. */
export function gossipArchitect(variables: Record<string, string>): string {
  const names = Object.keys(GOSSIP_INPUTS) as (keyof typeof GOSSIP_INPUTS)[];
  const values = names.map((n) => (variables[n] ?? '').trim());
  const blank = names.filter((_, i) => values[i] === '');
  if (blank.length === names.length) return askForInputs(blank, 'all three inputs are empty');
  if (isUnsafe(values)) return REFUSAL;
  if (blank.length > 0)
    return askForInputs(blank, `${blank.join(', ')} ${blank.length === 1 ? 'is' : 'are'} empty`);
  const scenario = readScenario(variables);
  if (!scenario.nodes) {
    return askForInputs(['network_scale'], 'network_scale does not state the number of nodes');
  }
  return design(variables['system_domain']!.trim(), scenario);
}

/** True for prompt injection, execution requests, placeholder values and non-technical domains. */
export function isUnsafe(values: readonly string[]): boolean {
  if (values.some((v) => INJECTION.some((re) => re.test(v)))) return true;
  if (values.some((v) => PLACEHOLDER.test(v))) return true;
  const domain = values[0] ?? '';
  return domain !== '' && !TECHNICAL.test(domain);
}

function askForInputs(missing: readonly string[], why: string): string {
  const lines = missing.map((name) => `- **${name}**: ${GOSSIP_INPUTS[name as keyof typeof GOSSIP_INPUTS]}`);
  return [
    `Error: missing inputs (${why}). Please provide:`,
    '',
    ...lines,
    '',
    'With these I can size the fanout, gossip interval and rounds against your convergence bound.',
  ].join('\n');
}

interface Tier {
  name: string;
  nodes: number;
  mode: SpreadMode;
  fanout: number;
  interval: number;
  latency: number;
  summary: SpreadSummary;
  /** Time per round: max(T_int, L + T_int/2). */
  roundCost: number;
  meanTime: number;
  p95Time: number;
}

function tier(name: string, nodes: number, fanout: number, net: { interval: number; latency: number }): Tier {
  const summary = spread('push-pull', nodes, fanout, 0);
  const roundCost = convergenceTime(1, net.interval, net.latency);
  return {
    name,
    nodes,
    mode: 'push-pull',
    fanout,
    interval: net.interval,
    latency: net.latency,
    summary,
    roundCost,
    meanTime: summary.meanRoundsToFull * roundCost,
    p95Time: summary.p95RoundsToFull * roundCost,
  };
}

/** Simulated spread; above 2×10^6 nodes, simulate 2×10^6 and add log_(1+2f) of the remaining factor. */
function spread(mode: SpreadMode, nodes: number, fanout: number, churn: number): SpreadSummary {
  const n = Math.min(nodes, MAX_SIMULATED_NODES);
  const trials = n >= 200_000 ? 3 : TRIALS;
  const summary = simulateSpreadTrials({ mode, nodes: n, fanout, churn }, trials);
  if (n === nodes) return summary;
  const extra = Math.ceil(Math.log(nodes / n) / Math.log(1 + 2 * fanout));
  return {
    ...summary,
    meanRoundsToFull: summary.meanRoundsToFull + extra,
    p95RoundsToFull: summary.p95RoundsToFull + extra,
    maxRoundsToFull: summary.maxRoundsToFull + extra,
    minRoundsToFull: summary.minRoundsToFull + extra,
  };
}

function design(domain: string, scenario: Scenario): string {
  const n = scenario.nodes!;
  const groups = scenario.groups;
  const twoLevel = groups !== undefined && groups >= 8 && n / groups >= 50;
  return twoLevel ? twoLevelDesign(domain, scenario, n, groups) : flatDesign(domain, scenario, n);
}

/** Smallest fanout (1..4) whose p95 total fits the bound's headroom; the largest when none does. */
function chooseFanout<T extends { p95: number }>(
  options: (f: number) => T,
  bound: number | undefined,
): { fanout: number; plan: T } {
  for (const f of [2, 3, 4]) {
    const plan = options(f);
    if (bound === undefined || plan.p95 <= HEADROOM * bound) return { fanout: f, plan };
  }
  return { fanout: 4, plan: options(4) };
}

function twoLevelDesign(domain: string, scenario: Scenario, n: number, groups: number): string {
  const perSite = Math.round(n / groups);
  const bound = scenario.bound;
  const { plan } = chooseFanout((f) => {
    const site = tier('site', perSite, Math.max(2, f - 1), LAN);
    const wan = tier('inter-site', groups, f, WAN);
    return { site, wan, p95: 2 * site.p95Time + wan.p95Time, mean: 2 * site.meanTime + wan.meanTime };
  }, bound);
  const { site, wan } = plan;
  const churnLevel = scenario.churn ?? 'moderate';
  const churn =
    scenario.churnPerHour !== undefined
      ? (scenario.churnPerHour * LAN.interval) / 3600
      : CHURN_PER_ROUND[churnLevel];
  const churned = spread('push-pull', perSite, site.fanout, churn);
  const flat = spread('push', n, 3, 0);
  const flatTime = convergenceTime(flat.meanRoundsToFull, WAN.interval, 0.1);
  const gateways = groups * GATEWAYS_PER_SITE;
  const views = hyparviewViewSizes(gateways);
  const suspicion = memberlistSuspicionTimeout(perSite);
  const bits = bloomBitsPerElement(0.01);
  const hashes = Math.round(bloomOptimalHashes(bits));
  const recentIds = 100_000;
  const bloomKb = (recentIds * bits) / 8 / 1000;
  const phi = 10;
  const heartbeat = 1;
  const boundText = bound !== undefined ? `the ${showSeconds(bound)} bound` : 'the convergence target';
  const headroom =
    bound !== undefined
      ? `, leaving ${showSeconds(bound - plan.p95)} of headroom for churn-driven retries`
      : '';

  return `# Gossip architecture: ${domain}

Scale: N = ${show(n)} nodes in ${show(groups)} sites (about ${show(perSite)} nodes per site), ${churnLevel} churn${bound !== undefined ? `, convergence bound ${showSeconds(bound)}` : ''}. A flat epidemic would need membership for all ${show(n)} nodes on every node, so the design has two levels: sites, and gateways between sites.

## 1. Gossip Modality and Mathematical Model

**Modality: push-pull gossip in two tiers.** Push gives the exponential start, pull closes the tail (at the end the uninformed fraction is roughly squared each round). With fanout f, push informs at most (1+f)^t nodes after t rounds, so push needs at least ⌈log_(f+1) N⌉ rounds and about log_(1+f) N + ln N / f on average; push-pull grows up to ×(1+2f) per round and finishes faster. Spread is O(log N) rounds in every tier. Round counts below are from ${TRIALS} seeded runs of the spread simulation (complete graph, synchronous rounds).

- **Tier 1, inside a site:** push-pull with fanout f = ${site.fanout} every ${showSeconds(site.interval)} over ${show(perSite)} nodes takes ${show(site.summary.meanRoundsToFull)} rounds on average (p95 ${site.summary.p95RoundsToFull} rounds). With LAN one-way latency L ≤ ${showSeconds(site.latency)} each round costs max(T_int, L + T_int/2) = ${showSeconds(site.roundCost)}, so the site converges in ${site.summary.p95RoundsToFull} × ${showSeconds(site.roundCost)} = ${showSeconds(site.p95Time)} at p95.
- **Tier 2, between sites:** ${GATEWAYS_PER_SITE} gateways per site (${show(gateways)} in total) run push-pull with fanout f = ${wan.fanout} every ${showSeconds(wan.interval)} over the ${show(groups)} sites, taking ${show(wan.summary.meanRoundsToFull)} rounds on average (p95 ${wan.summary.p95RoundsToFull} rounds). With WAN one-way latency L ≤ ${showSeconds(wan.latency)} each round costs max(${showSeconds(wan.interval)}, ${showSeconds(wan.latency)} + ${showSeconds(wan.interval / 2)}) = ${showSeconds(wan.roundCost)}, so this tier converges in ${wan.summary.p95RoundsToFull} × ${showSeconds(wan.roundCost)} = ${showSeconds(wan.p95Time)} at p95.
- **End to end:** origin site, then gateways, then every destination site: total convergence ≈ ${showSeconds(plan.mean)} on average and ${showSeconds(plan.p95)} at p95, inside ${boundText}${headroom}.
- **Churn:** even if ${show(churn * 100, 2)}% of a site's nodes failed in every round (a stress test far above a 10-minute mean session), simulation still reaches every surviving member in ${show(churned.meanRoundsToFull)} rounds on average (p95 ${churned.p95RoundsToFull} rounds); only the origin site's share of the time grows.
- **Rejected alternative:** flat push with fanout 3 over all ${show(n)} nodes would need about ${show(flat.meanRoundsToFull)} rounds; at 200 ms ticks and 100 ms latency that is ${showSeconds(flatTime)} with no headroom, and it needs full membership everywhere, so we do not use it.
- **Message overhead:** infect-forever push costs about N ln N ≈ ${sciText(pushMessages(n))} transmissions per update; push-pull with rumor counters (Karp et al.) stays near N ln ln N ≈ ${sciText(pushPullMessages(n))}. Gossip messages stay within one 1,400-byte UDP payload; an idle round exchanges only a digest of per-origin sequence numbers.

## 2. Peer Selection and Membership Protocol

- **Inside a site:** SWIM membership with Lifeguard. Every protocol period T′ = 1 s a member probes one random member; without an ack it asks k = 3 others for indirect probes. Expected first detection is e/(e−1) · T′ ≈ ${showSeconds(swimFirstDetectionTime(1))}. Membership changes piggyback on probes and acks, so each member's load is constant in the site size.
- **Between sites:** gateways form a HyParView overlay with an active view of about ${views.active} peers and a passive view of about ${views.passive}, refreshed by CYCLON-style shuffles every 10 s. Gossip partners are drawn uniformly from the active view plus, every few rounds, one passive peer, which keeps the sampled overlay close to a random graph.
- **Gateway election:** the ${GATEWAYS_PER_SITE} members with the highest rendezvous hash for the site ID, restricted to members with more than an hour of uptime, so short-lived far-edge nodes never sit on the inter-site path.
- **Extreme churn:** far-edge nodes join only their site's SWIM group through the site's seeds; no node keeps more than its site's ${show(perSite)} members plus a small view of gateways. A failed active peer is replaced from the passive view at once.
- **Partitions:** seeds in every region, periodic probing of unreachable members and the passive views reconnect the overlay after a split; anti-entropy then reconciles what each side missed.

## 3. Anti-Entropy and State Reconciliation

- **Version vectors:** every update carries (origin, sequence number); each site tracks a version vector of the highest contiguous sequence per origin, and dotted version vectors order concurrent updates of the same key.
- **Digest exchange:** every 5 s each node runs a Scuttlebutt-style exchange with one random site peer: digests of (origin, max version), then only the deltas the other side lacks, packed into 1,400-byte packets without leaving gaps.
- **Bloom filter:** nodes summarise the IDs of recently applied updates in a Bloom filter for a 1% false-positive rate: m/n = −ln p/(ln 2)² = ${show(bits)} bits per element with k = ${hashes} hash functions, about ${show(bloomKb)} KB for ${show(recentIds)} recent IDs, so a peer skips what it already has.
- **Merkle trees:** gateways compare Merkle trees of the update log (depth 16, 65,536 leaves) every 10 minutes and descend only into differing subtrees; this repairs anything the epidemic and the digests missed.
- **Tombstones:** deletes are kept as death certificates for 24 hours, longer than any partition we tolerate, so a healed partition cannot resurrect stale state.

## 4. Failure Detection and Network Resilience

- **Suspicion with incarnation numbers:** an unresponsive member becomes Suspect rather than Dead; it refutes by raising its incarnation number, Alive with a higher incarnation overrides Suspect, and Dead overrides both. For a site of ${show(perSite)} members the suspicion timeout is SuspicionMult × log10(n) × T′ = 4 × ${show(Math.log10(perSite))} × 1 s ≈ ${showSeconds(suspicion.min)}, shrinking from ${showSeconds(suspicion.max)} as independent confirmations arrive (Lifeguard); Lifeguard's local health multiplier slows a struggling node's own probes.
- **Gateways:** a phi-accrual detector with threshold Φ = ${phi} on ${showSeconds(heartbeat)} heartbeats, so a wrong suspicion has probability about 10^-${phi}; under the exponential model a silent gateway is convicted after Φ · ln 10 · mean ≈ ${showSeconds(phiDetectionTime(phi, heartbeat))}. No detection sits on the critical path: every site has ${GATEWAYS_PER_SITE} gateways forwarding independently, so updates route around a dead one.
- **Byzantine peers:** origin signatures (Ed25519) stop forgery but not omission, equivocation or eclipse. Against omission, each site listens to ${GATEWAYS_PER_SITE} gateways and digest exchange exposes gaps; against eclipse, gateway views use Brahms-style sampling with min-wise samplers; against equivocation, two different updates signed with the same (origin, sequence) are proof of misbehaviour and the origin is quarantined; per-peer rate limits cap flooding; admission requires operator-issued mTLS certificates, because gossip alone cannot stop Sybils.
`;
}

function flatDesign(domain: string, scenario: Scenario, n: number): string {
  const bound = scenario.bound;
  const net = { interval: 0.2, latency: 0.1 };
  const { plan } = chooseFanout((f) => {
    const t = tier('network', n, f, net);
    return { t, p95: t.p95Time, mean: t.meanTime };
  }, bound);
  const t = plan.t;
  const views = hyparviewViewSizes(n);
  const suspicion = memberlistSuspicionTimeout(n);
  const bits = bloomBitsPerElement(0.01);
  const hashes = Math.round(bloomOptimalHashes(bits));
  const boundText = bound !== undefined ? `inside the ${showSeconds(bound)} bound` : 'with no bound given';
  return `# Gossip architecture: ${domain}

Scale: N = ${show(n)} nodes${bound !== undefined ? `, convergence bound ${showSeconds(bound)}` : ''}.

## 1. Gossip Modality and Mathematical Model

**Modality: push-pull gossip.** Push needs at least ⌈log_(f+1) N⌉ rounds and about log_(1+f) N + ln N / f on average; push-pull grows up to ×(1+2f) per round and its pull half squares the uninformed fraction at the end. Spread is O(log N) rounds.

- With fanout f = ${t.fanout} every ${showSeconds(t.interval)} over ${show(n)} nodes, ${TRIALS} seeded simulation runs give ${show(t.summary.meanRoundsToFull)} rounds on average (p95 ${t.summary.p95RoundsToFull} rounds).
- With one-way latency L ≤ ${showSeconds(t.latency)} each round costs max(T_int, L + T_int/2) = ${showSeconds(t.roundCost)}, so convergence takes ${t.summary.p95RoundsToFull} × ${showSeconds(t.roundCost)} = ${showSeconds(t.p95Time)} at p95, ${boundText}.
- Gossip messages stay within one 1,400-byte UDP payload.

## 2. Peer Selection and Membership Protocol

HyParView partial views (active about ${views.active}, passive about ${views.passive}) refreshed by CYCLON-style shuffles; gossip partners are drawn from the active view. SWIM (T′ = 1 s, k = 3 indirect probes) tracks liveness; churned peers are replaced from the passive view, and seeds reconnect the overlay after partitions.

## 3. Anti-Entropy and State Reconciliation

Version vectors per origin; a Scuttlebutt-style digest exchange with one random peer every 5 s; a Bloom filter of recent update IDs for a 1% false-positive rate (${show(bits)} bits per element, k = ${hashes} hash functions); Merkle trees compared every 10 minutes for long-lived divergence; tombstones kept for 24 hours.

## 4. Failure Detection and Network Resilience

SWIM suspicion with incarnation numbers for refutation (suspicion timeout about ${showSeconds(suspicion.min)} at this size, Lifeguard confirmations shorten it); phi-accrual with threshold Φ = 8 on long-lived links. Byzantine peers: origin signatures against forgery, Brahms-style sampling against eclipse, per-peer rate limits, and certificate-based admission against Sybils.
`;
}

function sciText(x: number): string {
  const exp = Math.floor(Math.log10(x));
  return `${show(x / 10 ** exp, 2)}×10^${exp}`;
}
