/**
 * promptfoo adapter for model-graded evaluators (`llm` judges and `uses: github/...`). The grader is the one
 * configured in promptfooconfig.yaml (test generator config `grader:`), else the prompt file's own model reached as
 * the row's live variant reaches it, or with its family's key (src/variants/grader.ts). A judge's `modelId` is only
 * sent its own family's key.
 *
 * A row no grader can reach, or whose grader call fails, is not graded: an error on that row (promptfoo's
 * `gradingError`, which promptfile's results read as ERROR), never a pass or a verdict on the model, and the run
 * says why once on stderr. promptfoo is given score 1 or 0 (src/promptfoo/grading.ts); the choice's own score is
 * in the reason.
 */
import { judgeMessages, scoreJudgeAnswer } from '../../evaluators/judge';
import { kindOf } from '../../evaluators/registry';
import { excerpt } from '../../evaluators/result';
import type { PromptFile } from '../../promptfile/model';
import { renderMessages } from '../../promptfile/messages';
import { decided } from '../grading';
import { rowOf } from '../row';
import { visible } from '../../format/visible';
import { resolveGrader, type Connection } from '../../variants/grader';
import { callProvider } from '../delegate';
import { evaluatorConfig, type AssertionContext } from './context';

/** What the assertion context's `provider` offers when it is one of our variants (providers/promptfile.ts, replay.ts). */
interface VariantProvider {
  connection?(file: PromptFile): Connection | undefined;
}

export async function judge(output: string, context: AssertionContext & { provider?: unknown }) {
  const { evaluator, grader: configured, judgeThreshold } = evaluatorConfig(context);
  const kind = kindOf(evaluator.kind);
  if (!kind.judge)
    throw new Error(`judge adapter got the ${evaluator.kind} evaluator, which no model grades`);
  const definition = kind.judge(evaluator as never);
  const { file, row } = rowOf(context);
  const provider = context.provider as VariantProvider | undefined;
  const variant = typeof provider?.connection === 'function' ? provider.connection(file) : undefined;
  const grader = resolveGrader({
    file,
    evaluator,
    ...(configured ? { configured } : {}),
    ...(variant ? { variant } : {}),
    env: { ...process.env, ...variant?.env },
  });
  if (!grader.reachable) {
    sayOnce(grader.cause);
    return notGraded(grader.reason);
  }
  const userTurns = renderMessages(file, row.variables).filter((m) => m.role === 'user');
  const input = row.variables['input'] ?? userTurns.map((m) => m.content).join('\n\n');
  const messages = judgeMessages(definition, String(output ?? ''), row.variables, input);
  let answer;
  try {
    answer = await callProvider(grader.id, grader.config, messages, grader.env);
  } catch (error) {
    return notGraded(`not graded: grader ${grader.id} failed: ${excerpt((error as Error).message, 300)}`);
  }
  if (answer.error) return notGraded(`not graded: grader ${grader.id} failed: ${excerpt(answer.error, 300)}`);
  const text = typeof answer.output === 'string' ? answer.output : JSON.stringify(answer.output);
  // The choice's score (gh models' figure) is in the reason; promptfoo counts the pass or fail.
  return decided(scoreJudgeAnswer(definition, text, judgeThreshold));
}

/** A row the grader did not judge: failed for promptfoo, an error for promptfile's results (src/promptfoo/parseResults.ts). */
function notGraded(reason: string) {
  return { pass: false, score: 0, reason, metadata: { gradingError: reason } };
}

/**
 * One line on stderr per cause for the whole run, however many rows it stops. Kept on globalThis: promptfoo may load
 * this module more than once in a process.
 */
function sayOnce(cause: string): void {
  const key = Symbol.for('promptfile.judge.said');
  const said = ((globalThis as Record<symbol, Set<string> | undefined>)[key] ??= new Set<string>());
  if (said.has(cause)) return;
  said.add(cause);
  // Names and paths come from prompt files: each stays on this one line.
  process.stderr.write(`promptfile: ${visible(cause)}\n`);
}
