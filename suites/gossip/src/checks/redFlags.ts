/**
 * Red flags of the reference (§8) that live in prose, not in numbers: the design states them as decisions.
 *
 * - **Full membership at 10⁶ nodes**: every node keeping the membership of the whole network (40–100 MB per node
 *   and a churn stream to match, §6/§8). Full membership inside a site of 2,000 is fine, so the sentence must say
 *   the whole network: all of a population of at least 100,000, or the entire network/cluster/fleet.
 * - **No tombstones**: deletes removed outright while anti-entropy merges state, so a replica that missed the delete
 *   brings the entry back (§8, §5).
 * - **Rumor mongering without anti-entropy**: the residue never hears the update (§1, §8).
 * - **"Signatures make gossip Byzantine-tolerant"**: they stop forgery, not omission or eclipse (§7, §8).
 *
 * A flag fails only when stated as the design's own choice: not in a rejected option, not hedged ("would", "could",
 * "without … would resurrect"), not negated ("no node keeps the full membership"). A reply that also keeps
 * tombstones elsewhere is not flagged for a sentence that says it keeps none somewhere.
 */
import { paragraphs, type ReplyContext } from './context';
import type { Finding } from './finding';

const FULL_MEMBERSHIP =
  /\b(?:full|complete|entire|whole|global)\s+(?:[\w-]+\s+)?(?:membership|member\s*(?:list|table|ship))|\bknows?\s+(?:about\s+)?(?:every|all)\s+other\s+(?:nodes?|members?|peers?)\b/i;
const WHOLE_NETWORK =
  /\b(?:entire|whole)\s+(?:network|cluster|fleet|system|overlay)\b|\ball\s+(?:the\s+)?(?:nodes|members|peers)\s+(?:in|of)\s+the\s+(?:network|cluster|fleet|system)\b/i;
/** "all 1,000,000 nodes", "all 10⁶ members", "every one of the million nodes". */
const ALL_OF_MANY =
  /\b(?:all|every(?:\s+one\s+of)?)\s+(?:(?:the|its|of\s+the)\s+)*((?:\d[\d.,\s\u202f']*\d|\d)(?:\s*(?:k|m|million))?|10\^?6|10⁶|1e6|one\s+million|a\s+million|million)\s+(?:\w+\s+)?(?:nodes|members|peers|servers|hosts)\b/i;
const HEDGED =
  /\b(?:no|not|never|none|nor|without|would|could|might|instead|rather\s+than|avoid\w*|infeasible|impractical|unaffordable|too\s+(?:large|big|expensive|costly))\b|n't\b/i;

const NO_TOMBSTONES =
  /\b(?:no|without|never|zero)\s+(?:[\w-]+\s+){0,2}tombstones?\b|\btombstones?\s+(?:are|is)\s+(?:not\s+(?:needed|required|kept|used|necessary)|unnecessary|skipped|omitted)\b|\b(?:skip|omit|avoid|drop)\w*\s+(?:the\s+)?tombstones?\b/i;
const TOMBSTONE = /\btombstone/i;
const DECLINED = /\b(?:no|not|never|without|avoid\w*|would|instead|rather than)\b|n't\b/i;

/** Anti-entropy turned down: "no anti-entropy", "periodic anti-entropy: none", "anti-entropy is not needed". */
const NO_ANTI_ENTROPY =
  /\b(?:no|without|none|zero|drop\w*|remov\w*|skip\w*|omit\w*|forgo\w*)\s+(?:[\w-]+\s+){0,2}anti-?\s?entropy\b|\banti-?\s?entropy\b[^.;]{0,20}?(?::\s*none\b|\b(?:is|are)\s+(?:not\s+(?:needed|required|necessary|used)|unnecessary)|\bnot\s+required\b)/i;
/** A comparison or a cost weighed: "far lower than running reconciliation", "the cost of periodic reconciliation". */
const WEIGHED = /\bthan\b|\bcost\s+of\b/i;
const RUMOR = /rumou?r[- ]mongering|\bSIR\b|infect[- ]and[- ]die|feedback counter|\brumou?rs?\b/i;
/** "This makes the protocol Byzantine fault tolerant", "Byzantine-resilient thanks to signatures". */
const BYZANTINE_CLAIM =
  /\b(?:makes?|renders?|is|are|becomes?|gives?|provides?|achieves?|ensures?|thanks to|therefore|so)\b[^.;:]{0,40}\bbyzantine[- ](?:fault[- ])?(?:toleran(?:t|ce)|resilien(?:t|ce)|safe(?:ty)?|proof|robust(?:ness)?)/i;
const SIGNATURES = /\bsign(?:ed|atures?|ing)\b|\bed25519\b|\bhmac\b|\bmacs?\b|\becdsa\b/i;
const NEGATED_BEFORE = /\b(?:not|no|never|nor|alone|only)\b|n't\b/i;
const HYPOTHETICAL = /\b(?:would|could|might|otherwise|lest|else|if)\b/i;

/** The number in "all 1,000,000 nodes" (10⁶, one million, 1 000 000, 1.000.000 …). */
function countOf(text: string): number {
  const t = text.toLowerCase().replace(/\s+/g, ' ').trim();
  if (/^(?:10\^?6|10⁶|1e6|one million|a million|million)$/.test(t)) return 1e6;
  const scale = /m(?:illion)?$/.test(t) ? 1e6 : /k$/.test(t) ? 1e3 : 1;
  const digits = t.replace(/[^\d]/g, '');
  return digits === '' ? 0 : Number(digits) * scale;
}

/** The red flags of §8 that a design states in words. */
export function checkRedFlags(c: ReplyContext): Finding[] {
  const findings: Finding[] = [];
  const own = c.extracted.sentences.filter((s) => !c.extracted.rejected.has(s.index));
  for (const s of own) {
    if (!FULL_MEMBERSHIP.test(s.text) || HEDGED.test(s.text)) continue;
    const many = ALL_OF_MANY.exec(s.text);
    if (!(WHOLE_NETWORK.test(s.text) || (many && countOf(many[1] ?? '') >= 1e5))) continue;
    findings.push({
      check: 'red flag',
      outcome: 'FAIL',
      detail:
        'every node keeps the membership of the whole network: at 10⁶ nodes that is 40–100 MB per node and a churn stream to every node (§8); use partial views (HyParView, CYCLON) or a membership per site',
      snippet: s.text,
    });
    break;
  }
  // "Tombstones would grow without bound, so we avoid them" does not keep any.
  const keepsTombstones = own.some(
    (s) => TOMBSTONE.test(s.text) && !NO_TOMBSTONES.test(s.text) && !DECLINED.test(s.text),
  );
  if (!keepsTombstones) {
    const none = own.find((s) => NO_TOMBSTONES.test(s.text) && !HYPOTHETICAL.test(s.text));
    if (none)
      findings.push({
        check: 'red flag',
        outcome: 'FAIL',
        detail:
          'deletes without tombstones: anti-entropy from a replica that missed the delete brings the entry back (§8); keep tombstones until every replica has seen the delete',
        snippet: none.text,
      });
  }
  const heading = (text: string) =>
    /^#{1,6}\s|^\d+\.\s+[A-Z][\w-]*(?:\s+[A-Z&][\w-]*)*\.?$/.test(text.trim());
  const declinesAntiEntropy = own.find(
    (s) => NO_ANTI_ENTROPY.test(s.text) && !/\b(?:would|could|might|otherwise|lest)\b/i.test(s.text),
  );
  // A sentence that weighs reconciliation's cost ("cheaper than running reconciliation traffic") does not run it.
  const runsAntiEntropy = own.some(
    (s) =>
      /anti-?\s?entropy|merkle|scuttlebutt|digest exchange|reconcil/i.test(s.text) &&
      !NO_ANTI_ENTROPY.test(s.text) &&
      !DECLINED.test(s.text) &&
      !WEIGHED.test(s.text) &&
      !heading(s.text),
  );
  if (declinesAntiEntropy && !runsAntiEntropy && RUMOR.test(c.extracted.text))
    findings.push({
      check: 'red flag',
      outcome: 'FAIL',
      detail:
        'rumor mongering without anti-entropy: the residue (about e^−(k+1) of the nodes) never receives the update (§1, §8); back it with digest or Merkle anti-entropy',
      snippet: declinesAntiEntropy.text,
    });
  for (const sentences of paragraphs(c, (index) => !c.extracted.rejected.has(index))) {
    const text = sentences.join(' ');
    if (!SIGNATURES.test(text)) continue;
    const claim = sentences.find((x) => {
      const found = BYZANTINE_CLAIM.exec(x);
      return found !== null && !NEGATED_BEFORE.test(x.slice(0, found.index + found[0].length));
    });
    if (!claim) continue;
    findings.push({
      check: 'red flag',
      outcome: 'FAIL',
      detail:
        'signatures stop forgery, not omission, delay or biased peer sampling: they do not make gossip Byzantine-tolerant (§7, §8)',
      snippet: claim,
    });
    break;
  }
  return findings;
}
