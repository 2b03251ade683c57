/**
 * The gossip domain checks under promptfoo's real CLI: a check that overruns its time limit ends as an error
 * row that names the check, the other rows are graded as usual, and the run finishes.
 */
import {
  live,
  repoConfig,
  runEval,
  type EvalRun,
  type PromptfooConfig,
  type RowResult,
} from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';

const SEED = 'prompts/peer_to_peer_gossip_protocol_architect.prompt.yml';
/** 1 MB that no check can read in 1 ms. */
const HUGE = 'Inside a site, push with fanout 3 every 100 ms reaches 2,000 nodes in about 9 rounds. '.repeat(
  12_000,
);

/** The repository's config, the CDN row's `numbers` check limited to 1 ms, one live variant on the test server. */
function configWith(server: ModelServer): PromptfooConfig {
  const config = repoConfig();
  const scope = config.tests?.[0]?.config?.['scope'] as
    Record<string, { rows: { row: number; assert?: Record<string, unknown>[] }[] }> | undefined;
  const cdn = scope?.[SEED]?.rows.find((r) => r.row === 0);
  const numbers = cdn?.assert?.find((a) =>
    /suites\/gossip\/assertions\.[jt]s:numbers$/.test(String(a['value'])),
  );
  if (!numbers)
    throw new Error(
      'promptfooconfig.yaml no longer wires suites/gossip/assertions.ts:numbers on the CDN row',
    );
  numbers['config'] = { timeLimitMs: 1 };
  config.providers = [live({ apiBaseUrl: server.baseUrl }, 'reference')];
  return config;
}

describe('a gossip check that overruns its time limit', () => {
  let server: ModelServer;
  let run: EvalRun;
  const rows: Record<number, RowResult> = {};

  beforeAll(async () => {
    server = await startModelServer((request) =>
      request.user.includes('CDN')
        ? HUGE
        : request.user.includes('Ignore previous instructions')
          ? '{"error": "unsafe"}'
          : 'Please provide the missing inputs: system domain, network scale and consistency requirements.',
    );
    run = await runEval({ copy: [SEED], config: configWith(server), env: { OPENAI_API_KEY: 'sk-test' } });
    for (const r of run.results?.results ?? []) rows[r.testCase.metadata?.promptfile?.row ?? -1] = r;
  });

  afterAll(() => server.close());

  test('is an error row naming the check, not a failure and not a hang', () => {
    expect(rows[0]?.success).toBe(false);
    expect(rows[0]?.failureReason).toBe(2);
    expect(rows[0]?.error).toContain(
      `suites/gossip/assertions.ts:numbers exceeded its time limit of 1 ms on a reply of ${HUGE.length} characters`,
    );
  });

  test('the other rows are graded as usual and the run completes', () => {
    expect([rows[1]?.success, rows[2]?.success]).toEqual([true, true]);
    expect(run.results?.results).toHaveLength(3);
    expect(run.code).toBe(100);
  });
});
