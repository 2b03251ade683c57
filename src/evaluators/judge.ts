/**
 * Model-graded evaluators: a prompt file's own `llm` judge, and the `uses: github/...` judges whose prompts we
 * write ourselves. Pure: builds the grader's messages and turns its answer into a score. The call to the
 * grader model happens in the promptfoo adapter.
 *
 * Scoring follows gh models: the grader answers with one of the choices; the choice's score is the result;
 * built-in judges answer "1".."5", scored 0, .25, .5, .75, 1; a row passes when its score is above 0, unless
 * a stricter threshold is configured.
 */
import type { BuiltinJudge, JudgeChoice, LlmJudge } from '../promptfile/model';
import { renderTemplate } from '../promptfile/template';
import { excerpt, type Verdict } from './result';

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
 * Turns the grader's answer into a verdict. The answer must be one of the choices, ignoring case as gh models
 * does: exactly (trimmed), or as the only choice that appears as a whole word. Anything else is a failing
 * verdict that says what the grader answered, never a pass.
 */
export function scoreJudgeAnswer(
  judge: LlmJudge,
  answer: string,
  threshold?: number,
): Verdict & { choice?: string } {
  const trimmed = answer
    .trim()
    .replace(/^["'`]+|["'`.]+$/g, '')
    .toLowerCase();
  let chosen = judge.choices.find((c) => c.choice.toLowerCase() === trimmed);
  if (!chosen) {
    const present = judge.choices.filter((c) =>
      new RegExp(`(^|\\W)${escapeRegExp(c.choice)}($|\\W)`, 'i').test(answer),
    );
    if (present.length === 1) chosen = present[0];
  }
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
  return {
    pass,
    score: chosen.score,
    choice: chosen.choice,
    reason: `grader chose "${chosen.choice}" (score ${chosen.score}; ${rule})`,
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
