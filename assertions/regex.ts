/** promptfoo adapter for `type: regex` evaluators (RE2, linear time, inline flags honoured). */
import { scoreRegex } from '../src/evaluators/regex';
import { evaluatorConfig, type AssertionContext } from './context';

export function regex(output: string, context: AssertionContext) {
  const { evaluator, expect } = evaluatorConfig(context);
  if (evaluator.kind !== 'regex') throw new Error(`regex adapter got a ${evaluator.kind} evaluator`);
  return scoreRegex(evaluator.pattern, String(output ?? ''), expect);
}
