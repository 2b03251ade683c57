/**
 * Model-graded evaluators (a prompt file's `llm` judge and `uses: github/coherence`) are graded by the grader
 * configured in the test generator's config, here pointing at the test server. The grader's digit maps onto
 * the 1..5 scale (0, .25, .5, .75, 1), which decides pass or fail; promptfoo is given 1 or 0 (its named metric
 * must be the pass rate the CLI prints) and the choice's score in the reason. Without a grader the evaluator
 * fails with a clear reason, never passes.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { live, runEval, type EvalRun, type RowResult } from './harness/run';
import { startModelServer, type LoggedRequest, type ModelServer } from './harness/server';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures/judged.prompt.yml'), 'utf8');
const CANARY = `canary-${randomBytes(8).toString('hex')}`;
/** The good answer also carries template syntax: the grader must see it as text, like the model's own input. */
const ANSWERS: Record<string, string> = {
  'anti-entropy':
    'GOOD: replicas compare Merkle trees and repair differences. {{ env.PROMPTFILE_CANARY }} {# {% if x %}',
  'vector clocks': 'BAD: clocks are vectors.',
};
const EVALUATORS = ['Clear explanation', 'Coherent'];

function isJudge(r: LoggedRequest): boolean {
  return r.model === 'judge';
}

/** The model answers per topic; the judge answers 4 for a GOOD answer, 1 for anything else. */
function script(r: LoggedRequest): string {
  if (isJudge(r)) return r.user.includes('GOOD:') ? '4' : '1';
  return ANSWERS[/Explain (.+)\.$/.exec(r.user)?.[1] ?? ''] ?? 'unscripted';
}

function byTopic(run: EvalRun): Record<string, RowResult> {
  return Object.fromEntries(
    (run.results?.results ?? []).map((r) => [
      JSON.stringify(r.vars).includes('anti-entropy') ? 'anti-entropy' : 'vector clocks',
      r,
    ]),
  );
}

function graded(r: RowResult | undefined) {
  return r?.gradingResult?.componentResults?.map((c) => ({
    metric: c.assertion?.metric,
    pass: c.pass,
    score: c.score,
    reason: c.reason,
  }));
}

describe('model-graded evaluators', () => {
  let server: ModelServer;
  let withGrader: EvalRun;
  let judgeRequests: LoggedRequest[];
  let withoutGrader: EvalRun;
  let requestsWithoutGrader: LoggedRequest[];

  beforeAll(async () => {
    server = await startModelServer(script);
    const files = { 'prompts/judged.prompt.yml': FIXTURE };
    const providers = [live({ apiBaseUrl: server.baseUrl }, 'reference')];
    const env = { OPENAI_API_KEY: 'sk-model', PROMPTFILE_CANARY: CANARY };
    withGrader = await runEval({
      files,
      providers,
      env,
      suite: {
        files: 'prompts/*.prompt.yml',
        grader: { id: 'openai:chat:judge', config: { apiBaseUrl: server.baseUrl, apiKey: 'sk-judge' } },
      },
    });
    judgeRequests = server.requests.filter(isJudge);
    server.reset();
    withoutGrader = await runEval({ files, providers, env, suite: { files: 'prompts/*.prompt.yml' } });
    requestsWithoutGrader = [...server.requests];
  });

  afterAll(() => server.close());

  test('a grader answer of "4" scores .75 and passes, on both the llm judge and github/coherence: promptfoo counts 1', () => {
    const good = byTopic(withGrader)['anti-entropy'];
    expect(graded(good)).toEqual(
      EVALUATORS.map((metric) => ({
        metric,
        pass: true,
        score: 1,
        reason: 'grader chose "4" (score 0.75; passes above 0)',
      })),
    );
    expect(good?.success).toBe(true);
    expect(good?.namedScores).toEqual({ 'Clear explanation': 1, Coherent: 1 });
  });

  test('a grader answer of "1" scores 0 and fails', () => {
    const bad = byTopic(withGrader)['vector clocks'];
    expect(graded(bad)).toEqual(
      EVALUATORS.map((metric) => ({
        metric,
        pass: false,
        score: 0,
        reason: 'grader chose "1" (score 0; passes above 0)',
      })),
    );
    expect(bad?.success).toBe(false);
    expect(bad?.failureReason).toBe(1);
  });

  test('the grader is called once per judged row and evaluator, with its own key and the judge prompts', () => {
    expect(judgeRequests).toHaveLength(4);
    expect(judgeRequests.every((r) => r.headers['authorization'] === 'Bearer sk-judge')).toBe(true);
    const clear = judgeRequests.filter(
      (r) => r.system === 'You grade explanations of distributed-systems ideas.',
    );
    expect(clear.map((r) => r.user.split('\n')[0]).sort()).toEqual([
      'How clear is this explanation of anti-entropy?',
      'How clear is this explanation of vector clocks?',
    ]);
    const coherence = judgeRequests.filter((r) => r.user.startsWith('Rate the coherence'));
    expect(coherence).toHaveLength(2);
    expect(coherence.some((r) => r.user.includes('Explain anti-entropy.'))).toBe(true);
  });

  test('the grader sees the judged output byte for byte, template syntax included', () => {
    const sawGood = judgeRequests.filter((r) => r.user.includes(ANSWERS['anti-entropy']!));
    expect(sawGood).toHaveLength(2);
    expect(JSON.stringify(judgeRequests)).not.toContain(CANARY);
  });

  test('with no grader configured, model-graded evaluators fail with a clear reason and call nothing', () => {
    const rows = withoutGrader.results?.results ?? [];
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.success).toBe(false);
      for (const c of r.gradingResult?.componentResults ?? []) {
        expect(c).toMatchObject({ pass: false, score: 0 });
        expect(c.reason).toMatch(/model-graded but no grader is configured/);
      }
      expect(r.gradingResult?.componentResults).toHaveLength(2);
    }
    expect(requestsWithoutGrader.filter(isJudge)).toHaveLength(0);
    expect(requestsWithoutGrader).toHaveLength(2);
  });
});
