/** The eval's row table reads in file and line order, whatever order the calls finished in and whatever the keys. */
import { rowsTable } from '../../../src/cli/summary';
import type { Attempt, TrialTable } from '../../../src/results/trial';

const usage = { promptTokens: 0, completionTokens: 1, totalTokens: 1, cost: 0, latencyMs: 0 };

function attempt(file: string, line: number, key: string): Attempt {
  return {
    variant: 'v',
    row: { key, label: `${file}:${line}`, file, line },
    repeat: 0,
    outcome: 'pass',
    source: 'results.json',
    usage,
  };
}

test('rows are listed by file, then line (numerically), not by their content-hash keys or completion order', () => {
  const attempts = [
    attempt('prompts/b.prompt.yml', 9, 'b#000000000001'),
    attempt('prompts/a.prompt.yml', 90, 'a#000000000000'),
    attempt('prompts/a.prompt.yml', 82, 'a#ffffffffffff'),
    attempt('prompts/a.prompt.yml', 86, 'a#888888888888'),
  ];
  const table: TrialTable = { trials: [], attempts, sources: [] };
  const order = rowsTable(table)
    .split('\n')
    .filter((l) => l.startsWith('prompts/'))
    .map((l) => l.split(/\s/)[0]);
  expect(order).toEqual([
    'prompts/a.prompt.yml:82',
    'prompts/a.prompt.yml:86',
    'prompts/a.prompt.yml:90',
    'prompts/b.prompt.yml:9',
  ]);
});
