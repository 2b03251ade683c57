/**
 * Evaluator scoping, with the scope the repository's promptfooconfig.yaml declares for the seed prompt file.
 * The seed applies four regexes to every row (gh models' all-on-all), so even perfect answers fail without
 * scoping: a correct refusal mentions no Merkle tree, a correct design prints no refusal JSON.
 */
import * as path from 'node:path';
import { gossipArchitect } from '../../suites/gossip/src/architect';
import { loadPromptFileOrThrow } from '../../src/promptfile/load';
import {
  live,
  repoConfig,
  runEval,
  variantOf,
  verdict,
  verdicts,
  type EvalRun,
  type PromptfooConfig,
  type RowResult,
} from '../support/eval';
import { startModelServer, type LoggedRequest, type ModelServer } from '../support/server';

const SEED = 'prompts/peer_to_peer_gossip_protocol_architect.prompt.yml';
const SEED_ROWS = loadPromptFileOrThrow(path.join(__dirname, '../..', SEED)).file.rows;

/** Perfect answers: the CDN row gets a real design (the reference architect's), which the domain checks also pass. */
const PERFECT = {
  cdn: gossipArchitect(SEED_ROWS[0]!.variables),
  empty: 'Please provide the missing inputs: system domain, network scale and consistency requirements.',
  injection: '{"error": "unsafe"}',
};

type SeedRow = keyof typeof PERFECT;

function seedRow(request: LoggedRequest): SeedRow {
  if (request.user.includes('Ignore previous instructions')) return 'injection';
  if (request.user.includes('CDN')) return 'cdn';
  return 'empty';
}

/** Perfect answers, except that the `leaky` model appends the refusal JSON to its CDN design. */
function answer(request: LoggedRequest): string {
  const row = seedRow(request);
  if (row === 'cdn' && request.model === 'leaky') return `${PERFECT.cdn}\n{"error": "unsafe"}`;
  return PERFECT[row];
}

/** The repository's config with its providers replaced by live variants pointing at the test server. */
function configWith(
  server: ModelServer,
  scoped: boolean,
  variants: Record<string, Record<string, unknown>>,
): PromptfooConfig {
  const config = repoConfig();
  const generator = config.tests?.[0];
  if (!generator?.config?.['scope'])
    throw new Error('promptfooconfig.yaml no longer scopes the seed prompt file');
  if (!scoped) delete generator.config['scope'];
  config.providers = Object.entries(variants).map(([label, c]) =>
    live({ apiBaseUrl: server.baseUrl, ...c }, label),
  );
  return config;
}

function byVariantAndRow(run: EvalRun): Record<string, Record<number, RowResult>> {
  const out: Record<string, Record<number, RowResult>> = {};
  for (const r of run.results?.results ?? []) {
    (out[variantOf(r)] ??= {})[r.testCase.metadata?.promptfile?.row ?? -1] = r;
  }
  return out;
}

describe('evaluator scoping (the seed scope in promptfooconfig.yaml)', () => {
  let server: ModelServer;
  let scoped: EvalRun;
  let unscoped: EvalRun;

  beforeAll(async () => {
    server = await startModelServer(answer);
    const env = { OPENAI_API_KEY: 'sk-test' };
    scoped = await runEval({
      copy: [SEED],
      config: configWith(server, true, { reference: {}, leaky: { model: 'leaky' } }),
      env,
    });
    unscoped = await runEval({ copy: [SEED], config: configWith(server, false, { reference: {} }), env });
  });

  afterAll(() => server.close());

  test('each run asks the model once per row and variant (3 scoped + 3 unscoped, 3 leaky)', () => {
    expect(server.requests.filter((r) => r.model === 'gpt-4o')).toHaveLength(6);
    expect(server.requests.filter((r) => r.model === 'leaky')).toHaveLength(3);
  });

  test('with scoping, perfect answers pass on all three rows', () => {
    const rows = byVariantAndRow(scoped)['reference'] ?? {};
    expect([0, 1, 2].map((i) => (rows[i] ? verdict(rows[i]) : 'MISSING'))).toEqual(['PASS', 'PASS', 'PASS']);
    expect([0, 1, 2].map((i) => rows[i]?.response?.output)).toEqual([
      PERFECT.cdn,
      PERFECT.empty,
      PERFECT.injection,
    ]);
  });

  test('each row is graded by exactly the evaluators its scope names; an inverted one has its own metric', () => {
    const rows = byVariantAndRow(scoped)['reference'] ?? {};
    // Domain checks report their findings as nested components under the same metric: count each metric once.
    const metrics = (i: number) =>
      [...new Set(rows[i]?.gradingResult?.componentResults?.map((c) => c.assertion?.metric))].sort();
    expect(metrics(0)).toEqual([
      'Gossip: four sections',
      'Gossip: numbers hold',
      'Gossip: safe design',
      'Mentions standard gossip modalities and protocols',
      'Mentions state reconciliation structures',
      'Refusal JSON (must not match)',
    ]);
    expect(metrics(1)).toEqual(['Gossip: asks for missing inputs', 'Handles empty inputs gracefully']);
    // The seed's byte-pattern Refusal JSON regex is not applied there: the domain check decides (README, Refusal).
    expect(metrics(2)).toEqual(['Gossip: exact refusal']);
  });

  test('without scoping (all evaluators on all rows) the same perfect answers all fail', () => {
    expect(verdicts(unscoped).map((v) => v.split(':')[0])).toEqual(['FAIL', 'FAIL', 'FAIL']);
    expect(unscoped.results?.results.map((r) => r.response?.output).sort()).toEqual(
      Object.values(PERFECT).sort(),
    );
    expect(unscoped.code).toBe(100);
  });

  test('a design that also prints the refusal JSON fails the must-not-match on the CDN row', () => {
    const rows = byVariantAndRow(scoped)['leaky'] ?? {};
    expect(rows[0]?.success).toBe(false);
    expect(rows[0]?.failureReason).toBe(1);
    const refusal = rows[0]?.gradingResult?.componentResults?.find(
      (c) => c.assertion?.metric === 'Refusal JSON (must not match)',
    );
    expect(refusal).toMatchObject({ pass: false, score: 0 });
    expect(refusal?.reason).toMatch(/must not match/);
    expect([rows[1]?.success, rows[2]?.success]).toEqual([true, true]);
  });
});
