/**
 * Checks on what a reply says its gossip costs and covers: rumor-mongering residue (§9.11) and per-node
 * bandwidth (§9.14). Both read one sentence, or one rumor paragraph, at a time.
 */
import { scanQuantities } from '../claims/quantity';
import { rumorResidue } from '../rumor';
import { paragraphs, type ReplyContext } from './context';
import { show, type Finding } from './finding';

const RUMOR =
  /rumou?r[- ]monger\w*|lose[s]? interest|loss of interest|\bSIR\b|\bdemers\b|blind removal|feedback counter/i;
const K_VALUE = /\bk\s*=\s*(\d+(?:\.\d+)?)\b|probability\s+1\s*\/\s*(\d+)\b/i;
/** Coverage a reply claims: "reaches 99.9% of the nodes", "99.9% coverage". */
const COVERAGE =
  /(?:reach\w*|cover\w*|inform\w*|deliver\w*|infect\w*)\s+(?:about\s+|roughly\s+|over\s+|at least\s+)?(\d{1,3}(?:\.\d+)?)\s*%|(\d{1,3}(?:\.\d+)?)\s*%\s+(?:coverage|of (?:the |all )?(?:nodes|sites|members|peers|servers))/i;
/** Residue a reply states: "leaves about 2% … uninformed", "s ≈ 0.007", "a residue of 0.06". */
const RESIDUE =
  /(?:\bs\s*[≈=~]\s*|residue\s*(?:of|is|≈|=|~)?\s*(?:about\s+|roughly\s+|only\s+|just\s+|under\s+|below\s+)?|leaves?\s+(?:about\s+|roughly\s+|only\s+|just\s+)?)(\d+(?:\.\d+)?)\s*(%?)/i;

/**
 * Rumor mongering with loss of interest 1/k leaves a fraction s = e^(−(k+1)(1−s)) of sites that never hear the
 * rumor (Demers et al.): 0.20 at k = 1, 0.06 at 2, 0.02 at 3. A paragraph that names rumor mongering, a k, and
 * a coverage or residue must agree with that within a factor of two.
 */
export function checkResidue(c: ReplyContext): Finding[] {
  const findings: Finding[] = [];
  for (const sentences of paragraphs(c)) {
    const text = sentences.join(' ');
    if (!RUMOR.test(text)) continue;
    const k = K_VALUE.exec(text);
    if (!k) continue;
    const kValue = Number(k[1] ?? k[2]);
    if (!(kValue >= 1 && kValue <= 20)) continue;
    const expected = rumorResidue(kValue);
    const coverage = COVERAGE.exec(text);
    const residue = RESIDUE.exec(text);
    let stated: number | undefined;
    let how = '';
    if (residue) {
      stated = residue[2] === '%' ? Number(residue[1]) / 100 : Number(residue[1]);
      how = `a residue of ${show(stated)}`;
      if (!(stated < 1)) stated = undefined;
    }
    // "0.1% of nodes" on its own is what is missed, not what is reached: coverage is the larger share.
    const share = coverage ? Number(coverage[1] ?? coverage[2]) : NaN;
    if (stated === undefined && coverage && (coverage[1] !== undefined || share >= 50)) {
      stated = 1 - share / 100;
      how = `coverage of ${share}% (residue ${show(stated)})`;
    }
    if (stated === undefined) continue;
    const wrong = stated < expected / 2 - 1e-3 || stated > expected * 2 + 1e-3;
    findings.push({
      check: 'residue',
      outcome: wrong ? 'FAIL' : 'PASS',
      detail: `rumor mongering with k = ${show(kValue)}: reply states ${how}; s = e^(−(k+1)(1−s)) gives ${show(expected)} (a factor of 2 allowed)`,
      snippet: sentences.find((x) => RUMOR.test(x)) ?? text.slice(0, 200),
    });
  }
  return findings;
}

const RATE_AFTER = /^\s*(?:\/\s*s(?:ec(?:ond)?)?\b|per\s+s(?:ec(?:ond)?)?\b|a second\b)/i;
const MESSAGES_AFTER = /^\s*(?:[\w-]+\s+){0,2}?(?:messages?|datagrams?|packets?|pushes|updates?)\b/i;

/**
 * A per-node bandwidth the reply computes must match its own figures: messages × size / interval (§5, §9.14),
 * within a factor of two, when one sentence gives all four.
 */
export function checkBandwidth(c: ReplyContext): Finding[] {
  const findings: Finding[] = [];
  for (const sentence of c.extracted.sentences) {
    const s = sentence.text;
    if (!/\/\s*s\b|per second/i.test(s) || !/\d\s*(?:[KMG]i?B|bytes?|B)\b/.test(s)) continue;
    const quantities = scanQuantities(s);
    const rate = quantities.find(
      (q) => q.dimension === 'bytes' && RATE_AFTER.test(s.slice(q.end, q.end + 12)),
    );
    const size = quantities.find(
      (q) => q.dimension === 'bytes' && q !== rate && !RATE_AFTER.test(s.slice(q.end, q.end + 12)),
    );
    const count = quantities.find(
      (q) => q.dimension === 'count' && MESSAGES_AFTER.test(s.slice(q.end, q.end + 40)),
    );
    const interval = c
      .claimsInSentence(sentence.index)
      .find((x) => x.kind === 'interval' || x.kind === 'roundCost');
    if (!rate || !size || !count || !interval || !(interval.quantity.value > 0)) continue;
    const computed = (count.value * size.value) / interval.quantity.value;
    const said = rate.value;
    const wrong = said < computed / 2 || said > computed * 2;
    findings.push({
      check: 'bandwidth',
      outcome: wrong ? 'FAIL' : 'PASS',
      detail: `reply says ${rate.text}; ${show(count.value)} × ${show(size.value)} B every ${show(interval.quantity.value * 1000)} ms is ${show(computed / 1000)} KB/s per node (a factor of 2 allowed)`,
      snippet: s,
    });
  }
  return findings;
}

/** A whole table, state or membership list exchanged at once, rather than digests or deltas. */
const FULL_STATE =
  /\bfull[- ]state\b|\b(?:entire|whole|complete|full)\s+(?:[\w-]+\s+){0,2}?(?:table|state|database|membership(?:\s+list)?|data\s*set|cache\s+index)\b/i;
const EVERY = /\bevery\s+(\d+(?:[.,]\d+)?)\s*(ms|milliseconds?|s|sec(?:ond)?s?|min(?:ute)?s?)\b/i;
/** Per node, far above any gossip budget (§5: f × 1,400 B every 200 ms is 21 KB/s). */
const FULL_STATE_LIMIT = 1e6;

/**
 * Full-state exchange has a bandwidth the reply may not compute: the state's size over its period, per node (§5:
 * "full-state push/pull is infeasible" at 10⁶ nodes). A paragraph that ships a whole table or state of a stated size
 * every so often fails when that comes to more than 1 MB/s per node.
 */
export function checkFullState(c: ReplyContext): Finding[] {
  const findings: Finding[] = [];
  // A rejected alternative's full-state sync is not the design's.
  const rejected = new Set(c.extracted.claims.filter((x) => x.counterfactual).map((x) => x.sentence));
  for (const sentences of paragraphs(c, (index) => !rejected.has(index))) {
    const text = sentences.join(' ');
    if (!FULL_STATE.test(text)) continue;
    const every = EVERY.exec(text);
    if (!every) continue;
    const unit = (every[2] ?? 's').toLowerCase();
    const period =
      Number((every[1] ?? '').replace(',', '.')) *
      (unit.startsWith('ms') || unit.startsWith('milli') ? 1e-3 : unit.startsWith('min') ? 60 : 1);
    const size = scanQuantities(text)
      .filter((q) => q.dimension === 'bytes' && !RATE_AFTER.test(text.slice(q.end, q.end + 12)))
      .reduce((max, q) => Math.max(max, q.value), 0);
    if (!(period > 0) || size < 1e6) continue;
    const rate = size / period;
    findings.push({
      check: 'full state',
      outcome: rate > FULL_STATE_LIMIT ? 'FAIL' : 'PASS',
      detail: `a full-state exchange of ${show(size / 1e6)} MB every ${show(period)} s is ${show(rate / 1e6)} MB/s per node${rate > FULL_STATE_LIMIT ? '; over 1 MB/s per node, full-state sync at this scale is infeasible (use digests or deltas)' : ''}`,
      snippet: sentences.find((x) => FULL_STATE.test(x)) ?? text.slice(0, 200),
    });
  }
  return findings;
}
