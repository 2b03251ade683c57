/**
 * promptfoo adapter for every evaluator kind that checks the reply itself (`string`, `type: regex`, ...): the kind
 * scores it (src/evaluators/registry.ts). Model-graded kinds go through ./judge.ts.
 */
import { kindOf } from '../../evaluators/registry';
import { rowOf } from '../row';
import { evaluatorConfig, type AssertionContext } from './context';

export function evaluate(output: string, context: AssertionContext) {
  const { evaluator, expect } = evaluatorConfig(context);
  const kind = kindOf(evaluator.kind);
  if (!kind.score) throw new Error(`evaluator adapter got the model-graded ${evaluator.kind} evaluator`);
  return kind.score(evaluator as never, String(output ?? ''), rowOf(context).row.variables, expect);
}
