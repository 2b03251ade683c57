/**
 * The `rubric` check's pure part: a model-graded depth rubric on churn, partitions and Byzantine peers.
 * We write the grader's prompt ourselves and read its choice "1".."5" as a score 0, .25, .5, .75, 1.
 * Calling a grader is I/O and lives in grader.ts.
 */
import { verdictOf, type CheckVerdict } from './finding';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** Passing score when the config gives none: choice 4 of 5. */
export const RUBRIC_DEFAULT_THRESHOLD = 0.75;

const RUBRIC = `You grade the depth of a peer-to-peer gossip protocol design on three hard topics. Judge only what the design says, not its length or style.

Topics:
A. Churn: how membership and dissemination survive nodes joining and leaving at a high rate (partial views with a passive view for repair, suspicion and refutation with incarnation numbers, rejoin and bootstrap, keeping churny nodes out of critical paths), with numbers where they matter.
B. Partitions: how a partition is noticed and healed (seeds, probing unreachable members, passive views, anti-entropy after healing) and why deletes survive it (tombstones or death certificates that outlive the partition).
C. Byzantine peers: what stops a malicious peer, knowing that origin signatures stop forgery but not omission, equivocation or eclipse (verifiable or Brahms-style peer sampling, several independent paths or gateways, rate limits, admission control against Sybils).

Choices:
1 - None of the three topics is addressed beyond a word.
2 - One topic is addressed with a concrete mechanism; the others are missing or only named.
3 - All three are mentioned and at least two have concrete mechanisms, but there is a real gap (for example "signatures make gossip Byzantine-tolerant", or nothing on healing after a partition).
4 - All three have concrete, correct mechanisms; minor gaps only.
5 - All three in depth: mechanisms, their failure modes, and numbers where relevant.

Answer with the single digit of your choice on the first line, then one sentence of justification.`;

/** The grader's messages for one reply; the row's inputs give the design's context. */
export function rubricMessages(reply: string, variables: Record<string, string>): ChatMessage[] {
  const inputs = Object.entries(variables)
    .filter(([name]) => !name.startsWith('__'))
    .map(([name, value]) => `<${name}>\n${value}\n</${name}>`)
    .join('\n');
  return [
    { role: 'system', content: RUBRIC },
    {
      role: 'user',
      content: `The design was written for these inputs:\n${inputs}\n\nThe design:\n<design>\n${reply}\n</design>`,
    },
  ];
}

/** Reads the grader's choice: the first standalone digit 1-5 ("4", "**4**", "Choice: 4", {"choice": 4}). */
export function parseRubricChoice(answer: string): { choice: number; score: number } | undefined {
  const m = /(?<![\d.])([1-5])(?![\d.])/.exec(answer);
  if (!m) return undefined;
  const choice = Number(m[1]);
  return { choice, score: (choice - 1) / 4 };
}

/** Turns the grader's answer into a verdict: pass when its score reaches `threshold`. */
export function rubricVerdict(answer: string, threshold = RUBRIC_DEFAULT_THRESHOLD): CheckVerdict {
  const parsed = parseRubricChoice(answer);
  const said = answer.replace(/\s+/g, ' ').trim().slice(0, 200);
  if (!parsed) {
    return verdictOf('rubric', [
      { check: 'rubric', outcome: 'FAIL', detail: `the grader's answer has no choice 1-5: "${said}"` },
    ]);
  }
  const pass = parsed.score >= threshold;
  const verdict = verdictOf('rubric', [
    {
      check: 'rubric',
      outcome: pass ? 'PASS' : 'FAIL',
      detail: `grader chose ${parsed.choice}/5 (score ${parsed.score}, threshold ${threshold}): "${said}"`,
    },
  ]);
  return { ...verdict, score: parsed.score };
}
