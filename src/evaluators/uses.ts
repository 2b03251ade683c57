/** gh models' built-in judges, `uses: github/similarity` and the rest, with prompts of our own (./judge.ts). */
import { didYouMean } from '../format/suggest';
import { BUILTIN_JUDGES, builtinJudge, builtinJudgeNeeds, type BuiltinJudge } from './judge';
import type { EvaluatorKind } from './kind';

export type UsesMethod = { kind: 'uses'; uses: BuiltinJudge };

const isBuiltin = (v: unknown): v is BuiltinJudge =>
  typeof v === 'string' && (BUILTIN_JUDGES as readonly string[]).includes(v);

export const usesKind: EvaluatorKind<UsesMethod> = {
  kind: 'uses',
  keys: ['uses'],
  howToWrite: "'uses'",
  schema: { uses: { type: 'string' } },
  textPaths: () => [['uses']],
  needs: (entry) => ({
    names: isBuiltin(entry['uses']) ? builtinJudgeNeeds(entry['uses']) : [],
    by: String(entry['uses']),
  }),
  check({ entry, name, report }) {
    const uses = entry['uses'];
    if (typeof uses !== 'string' || isBuiltin(uses)) return;
    const hint = didYouMean(uses, BUILTIN_JUDGES) || `; known: ${BUILTIN_JUDGES.join(', ')}`;
    report('error', ['uses'], `evaluator '${name}' uses unknown evaluator '${uses}'${hint}`);
  },
  read: ({ entry }) => ({ kind: 'uses', uses: entry['uses'] as BuiltinJudge }),
  judge: (method) => builtinJudge(method.uses),
};
