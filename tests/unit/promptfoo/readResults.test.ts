import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../../src/errors/diagnostics';
import { readTrials } from '../../../src/promptfoo/readResults';

const FIXTURE = path.resolve(__dirname, '../../fixtures/results/repeat3.json');

describe('readTrials on a real promptfoo 0.121 results file (--repeat 3, 3 variants, 3 rows)', () => {
  const table = readTrials([FIXTURE]);

  it('has one attempt per variant x row x repeat and one trial per attempt x evaluator', () => {
    expect(table.attempts).toHaveLength(27);
    // Row 0 has two evaluators, rows 1 and 2 one each: 4 per repeat per variant.
    expect(table.trials).toHaveLength(36);
    expect(new Set(table.trials.map((t) => t.variant))).toEqual(
      new Set(['gpt-4o · T=0.2', 'gpt-4o · T=1', 'gpt-4o-mini · T=0.2']),
    );
  });

  it('keys rows by prompt file and row index, and labels them with the prompt-file line', () => {
    expect([...new Set(table.attempts.map((a) => `${a.row.key} ${a.row.label}`))].sort()).toEqual([
      'prompts/gossip.prompt.yml#0 prompts/gossip.prompt.yml:80',
      'prompts/gossip.prompt.yml#1 prompts/gossip.prompt.yml:84',
      'prompts/gossip.prompt.yml#2 prompts/gossip.prompt.yml:88',
    ]);
  });

  it('makes the errored call an ERROR trial, never a pass or a fail', () => {
    const errors = table.trials.filter((t) => t.outcome === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      variant: 'gpt-4o · T=1',
      evaluator: 'Handles empty inputs gracefully',
      evaluatorLine: 74,
    });
    expect(errors[0]?.reason).toMatch(/API error: 400/);
  });

  it('numbers repeats 0, 1, 2 within each variant and row', () => {
    const seen = table.attempts.map((a) => `${a.variant}|${a.row.key}|${a.repeat}`);
    expect(new Set(seen).size).toBe(27);
    expect(Math.max(...table.attempts.map((a) => a.repeat))).toBe(2);
  });

  it('counts passes per variant and evaluator as the run scripted them', () => {
    const passes = (variant: string, evaluator: string) =>
      table.trials.filter((t) => t.variant === variant && t.evaluator === evaluator && t.outcome === 'pass')
        .length;
    expect(passes('gpt-4o · T=0.2', 'Refusal JSON')).toBe(6);
    expect(passes('gpt-4o · T=1', 'Refusal JSON')).toBe(4);
    expect(passes('gpt-4o-mini · T=0.2', 'Mentions standard gossip modalities and protocols')).toBe(1);
  });

  it('reads usage per attempt', () => {
    const pass = table.attempts.find((a) => a.outcome === 'pass');
    expect(pass?.usage.promptTokens).toBe(20);
    expect(pass?.usage.totalTokens).toBeGreaterThan(20);
    expect(pass?.usage.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe('readTrials reports unusable input as one UserError sentence', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'read-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('for a missing file', () => {
    expect(() => readTrials([path.join(dir, 'nope.json')])).toThrow(UserError);
    expect(() => readTrials([path.join(dir, 'nope.json')])).toThrow(
      /nope\.json: error: results file not found$/,
    );
  });

  it('for a file that is not JSON', () => {
    expect(() => readTrials([write('bad.json', '{ nope')])).toThrow(/bad\.json: error: not valid JSON/);
  });

  it('for JSON that is not a promptfoo results file', () => {
    expect(() => readTrials([write('other.json', '{"results": {"table": []}}')])).toThrow(
      /other\.json: error: not a promptfoo results file/,
    );
  });

  it('for no file at all', () => {
    expect(() => readTrials([])).toThrow(UserError);
  });

  it('with a one-line message', () => {
    try {
      readTrials([write('array.json', '[]')]);
      throw new Error('expected a UserError');
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
