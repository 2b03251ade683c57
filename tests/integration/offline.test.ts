/**
 * The default needs nothing: the repository's promptfooconfig.yaml with only the offline reference provider
 * runs the seed prompt file with no API key and no model server. Only the structure is asserted; the
 * reference architect's answers are another module's business (suites/gossip/src).
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO, repoConfig, runEval, type EvalRun } from '../support/eval';

const SEED = 'prompts/peer_to_peer_gossip_protocol_architect.prompt.yml';

describe('offline default: the repository config with only the offline reference', () => {
  let run: EvalRun;

  beforeAll(async () => {
    const config = repoConfig();
    const providers = config.providers ?? [];
    const offlineEntry = providers.find((p) => /\/providers\/offline\.[jt]s$/.test(p.id));
    if (!offlineEntry) throw new Error('promptfooconfig.yaml no longer lists providers/offline.ts');
    config.providers = [offlineEntry];
    run = await runEval({ copy: [SEED], config, env: { OPENAI_API_KEY: undefined } });
  });

  test('all three seed rows are scored, with zero errors', () => {
    const rows = (run.results?.results ?? []).map((r) => ({
      row: r.testCase.metadata?.promptfile?.row,
      outcome: r.failureReason === 2 ? `error: ${r.error}` : 'scored',
    }));
    expect(rows.sort((a, b) => (a.row ?? 0) - (b.row ?? 0))).toEqual([
      { row: 0, outcome: 'scored' },
      { row: 1, outcome: 'scored' },
      { row: 2, outcome: 'scored' },
    ]);
    expect(run.results?.stats.errors).toBe(0);
    expect(run.results?.prompts).toHaveLength(1);
    expect(run.results?.prompts[0]?.metrics?.testErrorCount).toBe(0);
  });

  test('the injection row is answered with exactly the refusal JSON', () => {
    const injection = run.results?.results.find((r) => r.testCase.metadata?.promptfile?.row === 2);
    expect(injection?.response?.output).toBe('{"error": "unsafe"}');
  });

  test('the column is labelled a baseline, not a model', () => {
    expect(run.results?.prompts[0]?.provider).toBe('offline reference (baseline, not a model)');
  });

  test("the committed baseline (baselines/main.json) knows exactly these rows, so CI's gate compares them", () => {
    // A row's identity is its values and its evaluators' definitions (suite/identity.ts): when a change moves it,
    // the gate in .ci/run and the workflow fails with "changed rows" until the baseline is rebuilt. Said here first.
    const baseline = JSON.parse(fs.readFileSync(path.join(REPO, 'baselines/main.json'), 'utf8')) as {
      variants: Record<string, Record<string, { rows: Record<string, unknown> }>>;
    };
    const label = run.results?.prompts[0]?.provider ?? '';
    const known = new Set(Object.values(baseline.variants[label] ?? {}).flatMap((e) => Object.keys(e.rows)));
    const ran = new Set(
      (run.results?.results ?? []).map((r) => {
        const meta = r.testCase.metadata?.promptfile;
        return `${meta?.name}#${meta?.id}`;
      }),
    );
    expect([...ran].sort()).toEqual([...known].sort());
  });
});
