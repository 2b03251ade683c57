/**
 * Model-graded evaluators: a prompt file's own `llm` judge, and the `uses: github/...` judges whose prompts we
 * write ourselves. Pure: builds the grader's messages and turns its answer into a score. The call to the
 * grader model happens in the promptfoo adapter.
 *
 * Scoring follows gh models: the grader answers with one of the choices; the choice's score is the result;
 * built-in judges answer "1".."5", scored 0, .25, .5, .75, 1; a row passes when its score is above 0, unless
 * a stricter threshold is configured.
 */
import { renderTemplate } from '../format/template';
import { excerpt, type Verdict } from './result';

export interface JudgeChoice {
  choice: string;
  score: number;
}

export interface LlmJudge {
  /** The grader model gh models calls (`openai/gpt-4o`); it may only be sent its own provider's key. */
  modelId?: string;
  /** Where `modelId` is written, for a refusal that points at it. */
  modelIdAt?: { line: number; column: number };
  prompt: string;
  systemPrompt?: string;
  choices: JudgeChoice[];
}

export const BUILTIN_JUDGES = [
  'github/similarity',
  'github/coherence',
  'github/fluency',
  'github/relevance',
  'github/groundedness',
] as const;
export type BuiltinJudge = (typeof BUILTIN_JUDGES)[number];

export interface GraderMessage {
  role: 'system' | 'user';
  content: string;
}

const FIVE_POINT: JudgeChoice[] = ['1', '2', '3', '4', '5'].map((choice, i) => ({ choice, score: i / 4 }));

const SCALE = `Answer with a single digit from 1 to 5 and nothing else, where 1 is very poor and 5 is excellent.`;

const BUILTIN_PROMPTS: Record<BuiltinJudge, { needs: string[]; prompt: string }> = {
  'github/similarity': {
    needs: ['expected'],
    prompt: `Rate how closely the RESPONSE matches the meaning of the EXPECTED answer: the same facts and conclusions, whatever the wording.

EXPECTED:
{{expected}}

RESPONSE:
{{completion}}

${SCALE}`,
  },
  'github/coherence': {
    needs: [],
    prompt: `Rate the coherence of the RESPONSE: whether its ideas follow logically, its parts connect, and it reads as one well-organised whole in answer to the QUESTION.

QUESTION:
{{input}}

RESPONSE:
{{completion}}

${SCALE}`,
  },
  'github/fluency': {
    needs: [],
    prompt: `Rate the fluency of the RESPONSE: grammar, word choice, sentence structure and readability. Judge the language only, not whether it is correct.

RESPONSE:
{{completion}}

${SCALE}`,
  },
  'github/relevance': {
    needs: [],
    prompt: `Rate the relevance of the RESPONSE to the QUESTION: whether it addresses what was asked, covers the key points and stays on topic.

QUESTION:
{{input}}

RESPONSE:
{{completion}}

${SCALE}`,
  },
  'github/groundedness': {
    needs: [],
    prompt: `Rate the groundedness of the RESPONSE in the CONTEXT: whether every claim it makes is supported by the context, with nothing invented.

CONTEXT:
{{context}}

RESPONSE:
{{completion}}

${SCALE}`,
  },
};

const JUDGE_SYSTEM = 'You are a strict, impartial evaluator. Follow the answer format exactly.';

/** The judge definition behind a built-in `uses:` evaluator. */
export function builtinJudge(uses: BuiltinJudge): LlmJudge {
  const b = BUILTIN_PROMPTS[uses];
  return { prompt: b.prompt, systemPrompt: JUDGE_SYSTEM, choices: FIVE_POINT };
}

/** Row variables a built-in judge reads beyond the output (e.g. `expected` for similarity). */
export function builtinJudgeNeeds(uses: BuiltinJudge): string[] {
  return BUILTIN_PROMPTS[uses].needs;
}

/**
 * The grader's messages. The judge prompt is templated with the row's variables plus `completion` (the
 * output being judged) and, when the row has no `input`, `input` as the user's rendered message.
 */
export function judgeMessages(
  judge: LlmJudge,
  output: string,
  row: Record<string, string>,
  input: string,
): GraderMessage[] {
  const values: Record<string, string> = { input, context: input, ...row, completion: output };
  const messages: GraderMessage[] = [];
  if (judge.systemPrompt)
    messages.push({ role: 'system', content: renderTemplate(judge.systemPrompt, values) });
  messages.push({ role: 'user', content: renderTemplate(judge.prompt, values) });
  return messages;
}

/**
 * Turns the grader's answer into a verdict, reading it as gh models does: the answer's first choice wins, ignoring
 * case, so "Yes - it is nice" scores as "yes". Where we read more carefully than gh (README, "Migrating from gh
 * models eval"): choices match as whole words (gh finds "correct" in "incorrect"), several choices go to the one the
 * answer names first (gh: the first in the file's order), and numeric choices are read as a rating (`ratingChoice`).
 * An answer with no choice is a failing verdict that says what the grader answered, never a pass.
 */
export function scoreJudgeAnswer(
  judge: LlmJudge,
  answer: string,
  threshold?: number,
): Verdict & { choice?: string } {
  const chosen = pickChoice(judge.choices, answer);
  if (!chosen) {
    const options = judge.choices.map((c) => `"${c.choice}"`).join(', ');
    return {
      pass: false,
      score: 0,
      reason: `grader answered "${excerpt(answer, 60)}", not one of ${options}`,
    };
  }
  const pass = threshold === undefined ? chosen.score > 0 : chosen.score >= threshold;
  const rule = threshold === undefined ? 'passes above 0' : `passes at ${threshold} or more`;
  const from = bare(answer) === chosen.choice.toLowerCase() ? '' : ` from "${excerpt(answer, 60)}"`;
  return {
    pass,
    score: chosen.score,
    choice: chosen.choice,
    reason: `grader chose "${chosen.choice}"${from} (score ${chosen.score}; ${rule})`,
  };
}

/** The choice an answer names: the whole answer, a rating for numeric choices, else the first choice it contains. */
export function pickChoice(choices: JudgeChoice[], answer: string): JudgeChoice | undefined {
  const whole = bare(answer);
  const exact = choices.find((c) => c.choice.toLowerCase() === whole);
  if (exact) return exact;
  const text = answer.replace(/[*`]+/g, '');
  if (choices.length > 0 && choices.every((c) => /^\d+$/.test(c.choice.trim())))
    return ratingChoice(choices, text);
  let best: { choice: JudgeChoice; at: number } | undefined;
  for (const choice of choices) {
    const at = wordIndex(text, choice.choice);
    if (at < 0) continue;
    if (!best || at < best.at || (at === best.at && choice.choice.length > best.choice.choice.length))
      best = { choice, at };
  }
  return best?.choice;
}

/**
 * A rating among numeric choices (1..5): "4", "**4**", "Rating: 4/5", "4 out of 5", "Score: 4" all read 4. The scale
 * restated ("1-5", "1 to 5": lowest choice to top) is no rating; a fraction over the top choice decides, then the
 * last labelled score, then the first number that is a choice. gh takes the first choice in file order found
 * anywhere, so "3 on a 1-5 scale" read 1 there.
 */
export function ratingChoice(choices: JudgeChoice[], text: string): JudgeChoice | undefined {
  const byValue = new Map(choices.map((c) => [Number(c.choice), c]));
  const low = Math.min(...byValue.keys());
  const top = Math.max(...byValue.keys());
  const plain = text
    .toLowerCase()
    .replace(/\(?\b(\d+)\s*(?:-|–|—|to)\s*(\d+)\b\)?/g, (span, a: string, b: string) =>
      Number(a) === low && Number(b) === top ? ' ' : span,
    );
  const NUMBER = '(?<![\\d.])(\\d+)(?!\\.?\\d)';
  const of = (m: RegExpExecArray | null | undefined) => (m ? byValue.get(Number(m[1])) : undefined);
  const FRACTION = new RegExp(`${NUMBER}\\s*(?:/|out of)\\s*(\\d+)`, 'g');
  for (const m of plain.matchAll(FRACTION)) if (Number(m[2]) === top && of(m)) return of(m);
  // Any other fraction (0/5, 3/10) is on no scale of these choices: neither of its numbers is a rating.
  const rest = plain.replace(FRACTION, ' ');
  const labelled = [
    ...rest.matchAll(new RegExp(`\\b(?:rating|score|stars?|grade)\\b[^\\d\\n]{0,16}?${NUMBER}`, 'g')),
  ].filter((m) => of(m));
  if (labelled.length > 0) return of(labelled[labelled.length - 1]);
  for (const m of rest.matchAll(new RegExp(NUMBER, 'g'))) if (of(m)) return of(m);
  return undefined;
}

/** The answer as a choice would be written: trimmed, lower-case, without quotes, emphasis or a final full stop. */
function bare(answer: string): string {
  return answer
    .trim()
    .replace(/^["'`*_]+|["'`*_.!]+$/g, '')
    .trim()
    .toLowerCase();
}

/** Where `word` first appears in `text` as a whole word, ignoring case; -1 when it does not. */
function wordIndex(text: string, word: string): number {
  const w = word.trim();
  if (!w) return -1;
  const before = /^\w/.test(w) ? '(?<!\\w)' : '';
  const after = /\w$/.test(w) ? '(?!\\w)' : '';
  return text.search(new RegExp(`${before}${escapeRegExp(w)}${after}`, 'i'));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
