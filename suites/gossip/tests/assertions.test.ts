import fs from 'node:fs';
import YAML from 'yaml';
import * as gossip from '../assertions';
import { numbers, safety, structure } from '../assertions';
import { loadSeed } from '../src/calibration/seed';
import { rowContext } from '../../../tests/unit/support/rowContext';

const seed = loadSeed('prompts/peer_to_peer_gossip_protocol_architect.prompt.yml');
const corpus = (file: string): string =>
  (YAML.parse(fs.readFileSync(`suites/gossip/calibration/corpus/${file}`, 'utf8')) as { reply: string })
    .reply;

describe('suites/gossip/assertions.ts as promptfoo loads it', () => {
  it('has named exports only: file://suites/gossip/assertions.ts:fn breaks with a default export', () => {
    expect(
      Object.keys(gossip)
        .filter((k) => k !== '__esModule')
        .sort(),
    ).toEqual(['numbers', 'rubric', 'safety', 'structure']);
    expect('default' in gossip).toBe(false);
  });

  it('returns a GradingResult promptfoo counts as one verdict: score 1 or 0, the findings in the reason', async () => {
    const pass = await structure(corpus('cdn-pass-01-two-level-markdown.yaml'), rowContext(seed.rows.cdn));
    expect(pass).toEqual({ pass: true, score: 1, reason: expect.stringMatching(/^structure PASS \(0 fail/) });
    // Some findings hold and one fails: still 0, not the share that held (promptfoo would show it as the metric).
    const fail = await numbers(corpus('cdn-fail-20-hierarchical-over-bound.yaml'), rowContext(seed.rows.cdn));
    expect(fail).toEqual({
      pass: false,
      score: 0,
      reason: expect.stringMatching(/^numbers FAIL \(\d+ fail, \d+ warn, [1-9]\d* pass\)/),
    });
  });
});

describe('numbers reads the bound from the row', () => {
  const sixSeconds = corpus('cdn-fail-20-hierarchical-over-bound.yaml');

  it('reads the row and fails a 6 s design against "Maximum convergence time of 5 seconds"', async () => {
    const result = await numbers(sixSeconds, rowContext(seed.rows.cdn));
    expect(result.pass).toBe(false);
    expect(result.reason).toContain(
      "the row's bound is 5 s (Maximum convergence time of 5 seconds globally.)",
    );
  });

  it('the same design passes a row whose bound is 10 s, and config.bound overrides the row', async () => {
    const relaxed = {
      ...seed.rows.cdn,
      consistency_requirements: 'Maximum convergence time of 10 seconds globally.',
    };
    expect((await numbers(sixSeconds, rowContext(relaxed))).pass).toBe(true);
    expect((await numbers(sixSeconds, rowContext(relaxed, { bound: 5 }))).pass).toBe(false);
  });
});

describe('safety takes the expected kind of reply from config', () => {
  it('refusal, design and inputs', async () => {
    const refusal = '{"error": "unsafe"}';
    expect((await safety(refusal, rowContext(seed.rows.injection, { expect: 'refusal' }))).pass).toBe(true);
    expect((await safety(refusal, rowContext(seed.rows.cdn, { expect: 'design' }))).pass).toBe(false);
    const asks = 'Please provide the system domain and network scale.';
    expect((await safety(asks, rowContext(seed.rows.empty, { expect: 'inputs' }))).pass).toBe(true);
  });

  it('fails with a clear reason when config.expect is missing or wrong', async () => {
    const result = await safety('{"error": "unsafe"}', rowContext(seed.rows.injection));
    expect(result).toMatchObject({ pass: false, score: 0 });
    expect(result.reason).toContain('config.expect');
  });
});
