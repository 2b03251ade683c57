/** promptfoo adapter for gh models' `string` evaluators. */
import { scoreString } from '../src/evaluators/string';
import { rowOf } from '../src/promptfoo/row';
import { evaluatorConfig, type AssertionContext } from './context';

export function string(output: string, context: AssertionContext) {
  const { evaluator, expect } = evaluatorConfig(context);
  if (evaluator.kind !== 'string') throw new Error(`string adapter got a ${evaluator.kind} evaluator`);
  const v = scoreString(evaluator.check, String(output ?? ''), rowOf(context).row.variables);
  if (expect === 'no-match')
    return { pass: !v.pass, score: v.pass ? 0 : 1, reason: `must not hold: ${v.reason}` };
  return v;
}
