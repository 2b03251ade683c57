/**
 * Model-graded evaluators (a prompt file's `llm` judge and `uses: github/coherence`) through the real promptfoo CLI:
 * graded by the grader configured in the test generator's config, else, as gh models graded with its own model, by
 * the prompt file's own model reached the way the row's variant reaches it (same endpoint, same key). The grader's
 * answer is read as gh reads it (the first choice it contains; "Rating: 4/5" and "**4**" are 4), which decides pass
 * or fail; promptfoo is given 1 or 0 and the choice's score in the reason. With no grader reachable, each judged row
 * is an error saying so, the run says it once, and nothing is called. A judge's `modelId` of another provider is
 * sent that provider's key only.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTrials } from '../../src/promptfoo/readResults';
import { live, replay, runEval, tempDir, type EvalRun, type RowResult } from '../support/eval';
import { startModelServer, type LoggedRequest, type ModelServer } from '../support/server';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures/judged.prompt.yml'), 'utf8');
const CANARY = `canary-${randomBytes(8).toString('hex')}`;
/** The good answer also carries template syntax: the grader must see it as text, like the model's own input. */
const ANSWERS: Record<string, string> = {
  'anti-entropy':
    'GOOD: replicas compare Merkle trees and repair differences. {{ env.PROMPTFILE_CANARY }} {# {% if x %}',
  'vector clocks': 'BAD: clocks are vectors.',
};
const EVALUATORS = ['Clear explanation', 'Coherent'];

/** A grading request: it carries the judged answer; the model's own requests carry only the question. */
function isJudge(r: LoggedRequest): boolean {
  return /GOOD:|BAD:/.test(r.user);
}

/**
 * The model answers per topic. The configured grader ('judge') answers a bare digit; the default grader (the file's
 * own model) answers as real graders do: "Rating: 4/5" and "**4**" for a GOOD answer, "1 - unclear" and "Score: 1".
 */
function script(r: LoggedRequest): string {
  if (!isJudge(r)) return ANSWERS[/Explain (.+)\.$/.exec(r.user)?.[1] ?? ''] ?? 'unscripted';
  const good = r.user.includes('GOOD:');
  if (r.model === 'judge') return good ? '4' : '1';
  if (r.user.startsWith('Rate the coherence')) return good ? '**4**' : 'Score: 1';
  return good ? 'Rating: 4/5' : '1 - unclear';
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

/** How many times `line` occurs in `text`. */
function occurrences(text: string, line: string): number {
  return text.split(line).length - 1;
}

describe('model-graded evaluators', () => {
  let server: ModelServer;
  let withGrader: EvalRun;
  let judgeRequests: LoggedRequest[];
  let byDefault: EvalRun;
  let defaultRequests: LoggedRequest[];
  let unreachable: EvalRun;
  let unreachableRequests: LoggedRequest[];
  let graderDown: EvalRun;

  beforeAll(async () => {
    server = await startModelServer(script);
    const files = { 'prompts/judged.prompt.yml': FIXTURE };
    const env = { OPENAI_API_KEY: 'sk-model', PROMPTFILE_CANARY: CANARY };
    withGrader = await runEval({
      files,
      providers: [live({ apiBaseUrl: server.baseUrl }, 'reference')],
      env,
      suite: {
        files: 'prompts/*.prompt.yml',
        grader: { id: 'openai:chat:judge', config: { apiBaseUrl: server.baseUrl, apiKey: 'sk-judge' } },
      },
    });
    judgeRequests = server.requests.filter(isJudge);
    server.reset();
    // No grader configured: the file's own model grades. Its answers are recorded, for a replay with no key at all.
    const cassettes = tempDir('cassettes-');
    byDefault = await runEval({
      files,
      providers: [live({ apiBaseUrl: server.baseUrl, record: cassettes }, 'reference')],
      env,
      suite: { files: 'prompts/*.prompt.yml' },
    });
    defaultRequests = [...server.requests];
    server.reset();
    unreachable = await runEval({
      files,
      providers: [replay({ cassettes, apiBaseUrl: server.baseUrl }, 'reference')],
      env: { PROMPTFILE_CANARY: CANARY },
      suite: { files: 'prompts/*.prompt.yml' },
    });
    unreachableRequests = [...server.requests];
    // The grader answers every grading with a 400 (not retried): the model is not to blame for that.
    server.setScript((r) => (isJudge(r) ? { status: 400, text: 'the grader refuses' } : script(r)));
    graderDown = await runEval({
      files,
      providers: [live({ apiBaseUrl: server.baseUrl }, 'reference')],
      env,
      suite: { files: 'prompts/*.prompt.yml' },
    });
    server.setScript(script);
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
    expect(judgeRequests.every((r) => r.model === 'judge')).toBe(true);
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

  describe('with no grader configured, the prompt file’s own model grades, as gh graded with its own', () => {
    test('each judged row and evaluator is graded by the file’s model, on the variant’s endpoint with its key', () => {
      const judged = defaultRequests.filter(isJudge);
      expect(judged).toHaveLength(4);
      expect(judged.map((r) => [r.path, r.model, r.headers['authorization']])).toEqual(
        Array(4).fill(['/v1/chat/completions', 'gpt-4o', 'Bearer sk-model']),
      );
      expect(defaultRequests).toHaveLength(2 + 4);
    });

    test('answers written as graders write them are read as gh reads them: "Rating: 4/5" and "**4**" are 4', () => {
      const good = byTopic(byDefault)['anti-entropy'];
      expect(graded(good)).toEqual([
        {
          metric: 'Clear explanation',
          pass: true,
          score: 1,
          reason: 'grader chose "4" from "Rating: 4/5" (score 0.75; passes above 0)',
        },
        { metric: 'Coherent', pass: true, score: 1, reason: 'grader chose "4" (score 0.75; passes above 0)' },
      ]);
      const bad = byTopic(byDefault)['vector clocks'];
      expect(graded(bad)).toEqual([
        {
          metric: 'Clear explanation',
          pass: false,
          score: 0,
          reason: 'grader chose "1" from "1 - unclear" (score 0; passes above 0)',
        },
        {
          metric: 'Coherent',
          pass: false,
          score: 0,
          reason: 'grader chose "1" from "Score: 1" (score 0; passes above 0)',
        },
      ]);
    });
  });

  test('a grader call that fails is a grading error naming the grader and its message, never a verdict', () => {
    const table = readTrials([path.join(graderDown.dir, 'results.json')]);
    expect(table.attempts.map((a) => a.outcome)).toEqual(['error', 'error']);
    for (const t of table.trials) {
      expect(t.outcome).toBe('error');
      expect(t.reason).toMatch(/^not graded: grader openai:chat:gpt-4o failed: .*the grader refuses/);
    }
    expect(table.trials).toHaveLength(4);
  });

  describe('with no grader reachable (a replay without a key), each judged row says so once and nothing is called', () => {
    const CAUSE =
      "model-graded evaluators are not graded: OPENAI_API_KEY is not set, and the default grader is each prompt file's own model; set it, or configure grader: in promptfooconfig.yaml";

    test('every judge is ungraded with the reason, marked as a grading error: never a pass, never the model’s fault', () => {
      const rows = unreachable.results?.results ?? [];
      expect(rows).toHaveLength(2);
      for (const r of rows) {
        expect(r.response?.output).toBeTruthy();
        expect(r.success).toBe(false);
        expect(r.gradingResult?.componentResults).toHaveLength(2);
        for (const c of r.gradingResult?.componentResults ?? []) {
          expect(c).toMatchObject({ pass: false, score: 0, reason: `${CAUSE} (here openai:chat:gpt-4o)` });
          expect((c as { metadata?: Record<string, unknown> }).metadata?.['gradingError']).toBe(c.reason);
        }
      }
    });

    test('promptfile reads each such row as one error with one labelled reason', () => {
      const table = readTrials([path.join(unreachable.dir, 'results.json')]);
      expect(table.attempts.map((a) => [a.outcome, a.error])).toEqual(
        Array(2).fill(['error', `grading of "Clear explanation" failed: ${CAUSE} (here openai:chat:gpt-4o)`]),
      );
    });

    test('the run says it once, not once per row or evaluator', () => {
      expect(occurrences(unreachable.stderr + unreachable.stdout, `promptfile: ${CAUSE}`)).toBe(1);
    });

    test('no grading request is made, and no model request either (the answers are replayed)', () => {
      expect(unreachableRequests).toEqual([]);
    });
  });
});

const CLAUDE_JUDGED = `name: claude-judged
model: openai/gpt-4o-mini
messages:
  - role: user
    content: 'Explain {{topic}}.'
testData:
  - topic: anti-entropy
evaluators:
  - name: Claude says clear
    llm:
      modelId: anthropic/claude-3-5-haiku-latest
      prompt: 'Is this clear? Answer yes or no. {{completion}}'
      choices:
        - choice: 'yes'
          score: 1
        - choice: 'no'
          score: 0
`;

describe("a judge's modelId of another provider gets that provider's key and nothing else", () => {
  const OPENAI_KEY = `sk-openai-${randomBytes(8).toString('hex')}`;
  const ANTHROPIC_KEY = `sk-ant-${randomBytes(8).toString('hex')}`;
  let server: ModelServer;
  let keyed: EvalRun;
  let keyedRequests: LoggedRequest[];
  let refused: EvalRun;
  let refusedRequests: LoggedRequest[];

  beforeAll(async () => {
    server = await startModelServer((r) =>
      r.path.endsWith('/messages') ? 'yes - it is clear' : 'GOOD: replicas compare Merkle trees.',
    );
    const files = { 'prompts/claude-judged.prompt.yml': CLAUDE_JUDGED };
    const providers = [live({ apiBaseUrl: server.baseUrl, apiKey: OPENAI_KEY }, 'reference')];
    // Anthropic's API is the same loopback server (its /v1/messages route): the log shows which key each call carried.
    const anthropic = { ANTHROPIC_BASE_URL: server.baseUrl.replace(/\/v1$/, ''), OPENAI_API_KEY: OPENAI_KEY };
    keyed = await runEval({ files, providers, env: { ...anthropic, ANTHROPIC_API_KEY: ANTHROPIC_KEY } });
    keyedRequests = [...server.requests];
    server.reset();
    refused = await runEval({ files, providers, env: anthropic });
    refusedRequests = [...server.requests];
  });

  afterAll(() => server.close());

  test('with ANTHROPIC_API_KEY set, the judge calls Anthropic with it, and its "yes - it is clear" is a yes', () => {
    const messages = keyedRequests.filter((r) => r.path === '/v1/messages');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.model).toBe('claude-3-5-haiku-latest');
    expect(messages[0]?.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    const [row] = keyed.results?.results ?? [];
    expect(graded(row)).toEqual([
      {
        metric: 'Claude says clear',
        pass: true,
        score: 1,
        reason: 'grader chose "yes" from "yes - it is clear" (score 1; passes above 0)',
      },
    ]);
  });

  test('each key goes only to its own provider', () => {
    const toAnthropic = keyedRequests.filter((r) => r.path === '/v1/messages');
    const toOpenAI = keyedRequests.filter((r) => r.path === '/v1/chat/completions');
    expect(toOpenAI).toHaveLength(1);
    expect(JSON.stringify(toAnthropic)).not.toContain(OPENAI_KEY);
    expect(JSON.stringify(toOpenAI)).not.toContain(ANTHROPIC_KEY);
    expect(toOpenAI[0]?.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
  });

  test('without ANTHROPIC_API_KEY it refuses in one line naming the file, the line of modelId and the key', () => {
    const line =
      "prompts/claude-judged.prompt.yml:11:7: evaluator 'Claude says clear' is not graded: its llm.modelId " +
      "'anthropic/claude-3-5-haiku-latest' may only use anthropic's own key, and ANTHROPIC_API_KEY is not set; " +
      'OPENAI_API_KEY is never sent to anthropic';
    const [row] = refused.results?.results ?? [];
    expect(graded(row)).toEqual([{ metric: 'Claude says clear', pass: false, score: 0, reason: line }]);
    expect(occurrences(refused.stderr + refused.stdout, `promptfile: ${line}`)).toBe(1);
    expect(refusedRequests.map((r) => r.path)).toEqual(['/v1/chat/completions']);
  });

  test('no key lands in the results', () => {
    for (const run of [keyed, refused]) {
      expect(run.resultsText).not.toContain(OPENAI_KEY);
      expect(run.resultsText).not.toContain(ANTHROPIC_KEY);
    }
  });
});
