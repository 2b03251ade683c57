/**
 * Every evaluator is its own named metric: promptfoo's report shows a score per evaluator name, per variant
 * (`prompts[i].metrics.namedScores`, weighted sums) and per row (`results[j].namedScores`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { live, runEval, variantOf, type EvalRun } from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures/named_metrics.prompt.yml'), 'utf8');
const EVALUATORS = ['Greets', 'Names the topic', 'Gives a number'];

/** Model `a` satisfies every evaluator; model `b` never greets, always names the topic, gives a number once. */
const ANSWERS: Record<string, Record<string, string>> = {
  a: { alpha: 'hello alpha 42', beta: 'hello beta 7' },
  b: { alpha: 'bye alpha', beta: 'bye beta 7' },
};

/** Per-row scores the answers above must produce, by variant and topic. */
const ROW_SCORES: Record<string, Record<string, number[]>> = {
  a: { alpha: [1, 1, 1], beta: [1, 1, 1] },
  b: { alpha: [0, 1, 0], beta: [0, 1, 1] },
};

describe('named metrics: one per evaluator, per variant and per row', () => {
  let server: ModelServer;
  let run: EvalRun;

  beforeAll(async () => {
    server = await startModelServer(
      (r) => ANSWERS[r.model ?? '']?.[/Topic: (\w+)/.exec(r.user)?.[1] ?? ''] ?? 'unscripted',
    );
    run = await runEval({
      files: { 'prompts/named_metrics.prompt.yml': FIXTURE },
      providers: [
        live({ apiBaseUrl: server.baseUrl, model: 'a' }, 'a'),
        live({ apiBaseUrl: server.baseUrl, model: 'b' }, 'b'),
      ],
      env: { OPENAI_API_KEY: 'sk-test' },
    });
  });

  afterAll(() => server.close());

  test('each variant reports a mean score per evaluator name', () => {
    const means = Object.fromEntries(
      (run.results?.prompts ?? []).map((p) => {
        const m = p.metrics;
        const weights = m?.namedScoreWeights ?? m?.namedScoresCount ?? {};
        return [
          p.provider,
          Object.fromEntries(
            Object.entries(m?.namedScores ?? {}).map(([name, sum]) => [name, sum / (weights[name] ?? NaN)]),
          ),
        ];
      }),
    );
    expect(means).toEqual({
      a: { Greets: 1, 'Names the topic': 1, 'Gives a number': 1 },
      b: { Greets: 0, 'Names the topic': 1, 'Gives a number': 0.5 },
    });
  });

  test('each row reports a score per evaluator name', () => {
    const rows = (run.results?.results ?? []).map((r) => ({
      variant: variantOf(r),
      topic:
        r.response?.output === undefined ? '?' : String(/alpha|beta/.exec(String(r.response.output))?.[0]),
      namedScores: r.namedScores,
    }));
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const want = ROW_SCORES[row.variant ?? '']?.[row.topic] ?? [];
      expect(row).toEqual({
        ...row,
        namedScores: Object.fromEntries(EVALUATORS.map((name, i) => [name, want[i]])),
      });
    }
  });

  test('every assertion carries metric = the evaluator name', () => {
    expect(run.results?.results).toHaveLength(4);
    for (const r of run.results?.results ?? []) {
      expect(r.gradingResult?.componentResults?.map((c) => c.assertion?.metric)).toEqual(EVALUATORS);
    }
  });
});
