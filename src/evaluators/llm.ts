/** gh models' `llm` evaluator: the prompt file's own judge prompt and choices, graded by a model (./judge.ts). */
import type { PathSegment } from '../errors/diagnostics';
import { asList, isEntry, type Entry, type EvaluatorKind } from './kind';
import type { LlmJudge } from './judge';

export type LlmMethod = { kind: 'llm'; judge: LlmJudge };

const section = (entry: Entry): Entry => (isEntry(entry['llm']) ? entry['llm'] : {});

export const llmKind: EvaluatorKind<LlmMethod> = {
  kind: 'llm',
  keys: ['llm'],
  howToWrite: "'llm'",
  schema: {
    llm: {
      type: 'object',
      required: ['prompt', 'choices'],
      additionalProperties: false,
      properties: {
        modelId: { type: 'string' },
        prompt: { type: 'string' },
        systemPrompt: { type: 'string' },
        choices: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['choice', 'score'],
            additionalProperties: false,
            properties: {
              choice: { type: ['string', 'number'] },
              score: { type: 'number', minimum: 0, maximum: 1 },
            },
          },
        },
      },
    },
  },
  textPaths(entry) {
    const paths: PathSegment[][] = ['prompt', 'systemPrompt', 'modelId'].map((k) => ['llm', k]);
    asList(section(entry)['choices']).forEach((_, j) => paths.push(['llm', 'choices', j, 'choice']));
    return paths;
  },
  printedPaths: () => [['llm', 'modelId']],
  modelIds(entry) {
    const id = section(entry)['modelId'];
    return typeof id === 'string' ? [{ at: ['llm', 'modelId'], id }] : [];
  },
  check({ entry, name, report, line }) {
    if (!isEntry(entry['llm'])) return;
    const choices = asList(section(entry)['choices']).map((c) =>
      isEntry(c) ? String(c['choice']) : undefined,
    );
    const dup = choices.findIndex((c, k) => c !== undefined && choices.indexOf(c) !== k);
    if (dup === -1) return;
    const first = line(['llm', 'choices', choices.indexOf(choices[dup])]);
    report(
      'error',
      ['llm', 'choices', dup, 'choice'],
      `evaluator '${name}' lists choice '${choices[dup]}' twice, first on line ${first}`,
    );
  },
  read({ entry, position }) {
    const l = section(entry);
    return {
      kind: 'llm',
      judge: {
        prompt: String(l['prompt']),
        ...(typeof l['modelId'] === 'string'
          ? { modelId: l['modelId'], modelIdAt: position(['llm', 'modelId']) }
          : {}),
        ...(typeof l['systemPrompt'] === 'string' ? { systemPrompt: l['systemPrompt'] } : {}),
        choices: asList(l['choices']).map((c) => ({
          choice: String((c as Entry)['choice']),
          score: Number((c as Entry)['score']),
        })),
      },
    };
  },
  judge: (method) => method.judge,
};
