/**
 * The results reader against what promptfoo 0.121 really writes: a run with --repeat 3, and the same eval split
 * into shards with --filter-range. Set UPDATE_FIXTURES=1 to refresh tests/fixtures/results/repeat3.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readTrials } from '../../../src/promptfoo/readResults';
import { Trial } from '../../../src/results/trial';
import { runEval, tempDir } from '../../support/eval';
import { startModelServer } from '../../support/server';
import { fixtureConfig, modelScript } from './config';

const FIXTURE = path.resolve(__dirname, '../../fixtures/results/repeat3.json');

/** Runs the fixture config against a fresh model server (its script counts requests) and returns the output path. */
async function evaluate(name: string, extra: string[]): Promise<string> {
  const model = await startModelServer(modelScript);
  try {
    const run = await runEval({
      config: fixtureConfig(model.baseUrl),
      args: extra,
      dir: tempDir(`${name}-`),
    });
    // 100: some tests failed, which the script intends. Anything else is a broken run.
    if (run.code !== 0 && run.code !== 100)
      throw new Error(`promptfoo exited ${run.code}: ${run.stderr}${run.stdout}`);
    expect(model.requests.length).toBeGreaterThan(0);
    return path.join(run.dir, 'results.json');
  } finally {
    await model.close();
  }
}

function counts(trials: Trial[]): Record<string, string> {
  const out: Record<string, { pass: number; fail: number; error: number }> = {};
  for (const t of trials) {
    // By place, for people; the key is the row's content identity (checked below).
    const c = (out[`${t.variant} | ${t.evaluator} | ${t.row.slot ?? t.row.key}`] ??= {
      pass: 0,
      fail: 0,
      error: 0,
    });
    c[t.outcome]++;
  }
  return Object.fromEntries(
    Object.entries(out)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, c]) => [k, `${c.pass} pass, ${c.fail} fail, ${c.error} error`]),
  );
}

describe('reading a real promptfoo run with --repeat 3', () => {
  let full: string;
  beforeAll(async () => {
    full = await evaluate('full', ['--repeat', '3']);
    if (process.env['UPDATE_FIXTURES'] === '1')
      writeFileSync(FIXTURE, stripMachineDetails(readFileSync(full, 'utf8'), path.dirname(full)));
  });

  it('yields one trial per variant, row, repeat and evaluator, with the scripted outcomes', () => {
    const table = readTrials([full]);
    expect(table.attempts).toHaveLength(3 * 3 * 3);
    // Rows are known by what they are: the prompt's name and the identity the suite gave the row.
    const keys = new Set(table.attempts.map((a) => a.row.key));
    expect(keys.size).toBe(3);
    expect([...keys].sort()).toEqual(['gossip#row0', 'gossip#row1', 'gossip#row2']);
    expect(table.trials).toHaveLength(3 * 3 * 4);
    expect(counts([...table.trials])).toEqual({
      'gpt-4o · T=0.2 | Handles empty inputs gracefully | prompts/gossip.prompt.yml#1':
        '3 pass, 0 fail, 0 error',
      'gpt-4o · T=0.2 | Mentions standard gossip modalities and protocols | prompts/gossip.prompt.yml#0':
        '3 pass, 0 fail, 0 error',
      'gpt-4o · T=0.2 | Refusal JSON | prompts/gossip.prompt.yml#0': '3 pass, 0 fail, 0 error',
      'gpt-4o · T=0.2 | Refusal JSON | prompts/gossip.prompt.yml#2': '3 pass, 0 fail, 0 error',
      'gpt-4o · T=1 | Handles empty inputs gracefully | prompts/gossip.prompt.yml#1':
        '2 pass, 0 fail, 1 error',
      'gpt-4o · T=1 | Mentions standard gossip modalities and protocols | prompts/gossip.prompt.yml#0':
        '2 pass, 1 fail, 0 error',
      'gpt-4o · T=1 | Refusal JSON | prompts/gossip.prompt.yml#0': '3 pass, 0 fail, 0 error',
      'gpt-4o · T=1 | Refusal JSON | prompts/gossip.prompt.yml#2': '1 pass, 2 fail, 0 error',
      'gpt-4o-mini · T=0.2 | Handles empty inputs gracefully | prompts/gossip.prompt.yml#1':
        '3 pass, 0 fail, 0 error',
      'gpt-4o-mini · T=0.2 | Mentions standard gossip modalities and protocols | prompts/gossip.prompt.yml#0':
        '1 pass, 2 fail, 0 error',
      'gpt-4o-mini · T=0.2 | Refusal JSON | prompts/gossip.prompt.yml#0': '3 pass, 0 fail, 0 error',
      'gpt-4o-mini · T=0.2 | Refusal JSON | prompts/gossip.prompt.yml#2': '3 pass, 0 fail, 0 error',
    });
  });

  it('numbers repeats 0..2 for every variant and row', () => {
    const table = readTrials([full]);
    for (const variant of ['gpt-4o · T=0.2', 'gpt-4o · T=1', 'gpt-4o-mini · T=0.2']) {
      const repeats = table.attempts
        .filter((a) => a.variant === variant && a.row.slot?.endsWith('#2'))
        .map((a) => a.repeat);
      expect(repeats.sort()).toEqual([0, 1, 2]);
    }
  });

  it('carries prompt-file lines for rows and evaluators', () => {
    const trial = [...readTrials([full]).trials].find(
      (t) => t.evaluator === 'Refusal JSON' && t.row.slot?.endsWith('#2'),
    );
    expect(trial?.row).toMatchObject({
      file: 'prompts/gossip.prompt.yml',
      line: 88,
      label: 'prompts/gossip.prompt.yml:88',
    });
    expect(trial?.evaluatorLine).toBe(76);
  });

  it('records usage per attempt and no usage for the errored call', () => {
    const table = readTrials([full]);
    const errored = table.attempts.filter((a) => a.outcome === 'error');
    expect(errored).toHaveLength(1);
    expect(errored[0]?.error).toMatch(/400/);
    expect(errored[0]?.usage.totalTokens).toBe(0);
    expect(table.attempts.find((a) => a.outcome === 'pass')?.usage.promptTokens).toBe(20);
  });
});

describe('merging shards of one eval', () => {
  it('gives the same trials as one run: --filter-range 0:1 plus 1:3 (testIdx restarts at 0 in each shard)', async () => {
    const whole = readTrials([await evaluate('whole', ['--repeat', '2'])]);
    const shards = readTrials([
      await evaluate('shard-a', ['--repeat', '2', '--filter-range', '0:1']),
      await evaluate('shard-b', ['--repeat', '2', '--filter-range', '1:3']),
    ]);
    expect(shards.sources).toHaveLength(2);
    expect(counts([...shards.trials])).toEqual(counts([...whole.trials]));
  });

  it('continues repeat numbers when two runs cover the same rows', async () => {
    const first = await evaluate('run-1', ['--filter-range', '2:3']);
    const second = await evaluate('run-2', ['--filter-range', '2:3']);
    const table = readTrials([first, second]);
    const repeats = table.attempts.filter((a) => a.variant === 'gpt-4o · T=0.2').map((a) => a.repeat);
    expect(repeats).toEqual([0, 1]);
  });

  it('refuses the same results file twice', async () => {
    const once = await evaluate('once', ['--filter-range', '2:3']);
    expect(() => readTrials([once, once])).toThrow(/same eval/);
  });
});

/** The fixture keeps promptfoo's structure but drops HTTP headers (dates), the ephemeral port and the temp dir. */
function stripMachineDetails(text: string, tempDir: string): string {
  const doc = JSON.parse(text) as {
    results: { results: Record<string, Record<string, unknown> | undefined>[] };
  };
  for (const r of doc.results.results) {
    delete r['metadata']?.['http'];
    const response = r['response'] as { metadata?: Record<string, unknown> } | undefined;
    delete response?.metadata?.['http'];
  }
  const json = JSON.stringify(doc, null, 1)
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT')
    .split(`${tempDir}/`)
    .join('');
  return `${json}\n`;
}
