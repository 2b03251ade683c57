/**
 * promptfoo adapter for model-graded evaluators (`llm` judges and `uses: github/...`). The grader is the
 * provider configured in promptfooconfig.yaml (test generator config `grader:`). With no grader the row gets
 * a clear failing result, never a pass. promptfoo is given score 1 or 0 (src/promptfoo/grading.ts); the
 * choice's own score is in the reason.
 */
import { builtinJudge, judgeMessages, scoreJudgeAnswer } from '../src/evaluators/judge';
import { renderMessages } from '../src/promptfile/messages';
import { decided } from '../src/promptfoo/grading';
import { rowOf } from '../src/promptfoo/row';
import { targetFor } from '../src/variants/variant';
import { callProvider } from '../providers/delegate';
import { evaluatorConfig, type AssertionContext } from './context';

export async function judge(output: string, context: AssertionContext) {
  const { evaluator, grader, judgeThreshold } = evaluatorConfig(context);
  if (evaluator.kind !== 'llm' && evaluator.kind !== 'uses')
    throw new Error(`judge adapter got a ${evaluator.kind} evaluator`);
  const definition = evaluator.kind === 'llm' ? evaluator.judge : builtinJudge(evaluator.uses);
  if (!grader) {
    return {
      pass: false,
      score: 0,
      reason: `evaluator '${evaluator.name}' is model-graded but no grader is configured: set grader: { id: ... } in the promptfile test generator's config`,
    };
  }
  const { file, row } = rowOf(context);
  const userTurns = renderMessages(file, row.variables).filter((m) => m.role === 'user');
  const input = row.variables['input'] ?? userTurns.map((m) => m.content).join('\n\n');
  const messages = judgeMessages(definition, String(output ?? ''), row.variables, input);
  // A judge's own modelId (gh models' field) picks the grader model; the configured grader supplies credentials.
  const id = evaluator.kind === 'llm' && definition.modelId ? targetFor(definition.modelId) : grader.id;
  let answer;
  try {
    answer = await callProvider(id, grader.config ?? {}, messages);
  } catch (error) {
    return { pass: false, score: 0, reason: `grader ${id} failed: ${(error as Error).message}` };
  }
  if (answer.error) return { pass: false, score: 0, reason: `grader ${id} failed: ${answer.error}` };
  const text = typeof answer.output === 'string' ? answer.output : JSON.stringify(answer.output);
  // The choice's score (gh models' figure) is in the reason; promptfoo counts the pass or fail.
  return decided(scoreJudgeAnswer(definition, text, judgeThreshold));
}
