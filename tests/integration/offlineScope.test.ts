/**
 * The offline reference answers only the prompt files its provider entry says it has a reference for (`answers`); any
 * other file simply has no offline variant (no error row). Variant labels depend on model and parameters, never on which files exist; two files with
 * an evaluator of the same name feed two metrics; a prompt file named `toString` is just a name. Through the real
 * `promptfile eval`, against a model server on 127.0.0.1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseResults } from '../../src/promptfoo/parseResults';
import { expectExit, type CliRun } from '../support/cli';
import { createProject, type Project } from '../support/project';
import { live, offline, REPO } from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';

const SEED = 'prompts/peer_to_peer_gossip_protocol_architect.prompt.yml';
const OFFLINE = 'offline reference (baseline, not a model)';

const file = (name: string, word: string) => `name: ${name}
model: openai/gpt-4o-mini
messages:
  - role: user
    content: "say {{word}}"
testData:
  - word: ${word}
evaluators:
  - name: Mentions it
    string:
      contains: ${word}
`;

interface Row {
  provider: { label?: string };
  /** 2: the row ended in an error (1 is a failed assertion). */
  failureReason: number;
  testCase: { metadata?: { promptfile?: { file: string } } };
  namedScores: Record<string, number>;
}

describe('the offline reference applies only where it has a reference', () => {
  let server: ModelServer;
  let project: Project;
  let all: CliRun;
  let one: CliRun;
  const rows = (dir: string) =>
    (JSON.parse(project.read(`${dir}/latest.json`)) as { results: { results: Row[] } }).results.results;
  /** The variant each row of `file` counts under, as compare, baseline and gate read the results. */
  const variantsOf = (dir: string, f: string) =>
    parseResults(JSON.parse(project.read(`${dir}/latest.json`)), dir)
      .attempts.filter((a) => a.row.file === f)
      .map((a) => a.variant)
      .sort();
  const MINI = 'openai/gpt-4o-mini (reference)';

  beforeAll(async () => {
    server = await startModelServer((r) => `I say ${/say (\w+)/.exec(r.user)?.[1] ?? ''}`);
    project = createProject(
      {
        [SEED]: fs.readFileSync(path.join(REPO, SEED), 'utf8'),
        'prompts/toString.prompt.yml': file('toString', 'apples'),
        'prompts/other.prompt.yml': file('other', 'pears'),
      },
      [
        live({ apiBaseUrl: server.baseUrl, apiKey: 'sk-loopback' }),
        offline(OFFLINE, ['peer_to_peer_gossip_protocol_architect']),
      ],
    );
    // Failed evaluators are not the point here (the seed's regexes on a toy answer): only errors fail these runs.
    all = await project.run(['eval', '--fail-on', 'errors', '-o', 'all']);
    one = await project.run(['eval', SEED, '--fail-on', 'errors', '-o', 'one']);
  }, 400_000);

  afterAll(() => server.close());

  test('a file without a reference runs on the model variant only: no offline row, no error row', () => {
    expectExit(all, 0);
    const results = rows('all');
    expect(results.filter((r) => r.failureReason === 2)).toEqual([]);
    expect(variantsOf('all', 'prompts/toString.prompt.yml')).toEqual([MINI]);
    expect(variantsOf('all', 'prompts/other.prompt.yml')).toEqual([MINI]);
    expect(variantsOf('all', SEED)).toEqual(
      [...Array(3).fill(OFFLINE), ...Array(3).fill('gpt-4o · T=0.2 (reference)')].sort(),
    );
  });

  test("a row's variant is its file's model and temperature, the same whichever files run", () => {
    expectExit(one, 0);
    expect(variantsOf('one', SEED)).toEqual(variantsOf('all', SEED));
  });

  test('two files with an evaluator of the same name feed two metrics, each naming its file', () => {
    const metrics = new Set(rows('all').flatMap((r) => Object.keys(r.namedScores)));
    expect(metrics).toContain('Mentions it [toString]');
    expect(metrics).toContain('Mentions it [other]');
    expect(metrics).not.toContain('Mentions it');
  });

  test('a prompt file named toString is a name like any other', () => {
    const named = rows('all').filter(
      (r) => r.testCase.metadata?.promptfile?.file === 'prompts/toString.prompt.yml',
    );
    expect(named.map((r) => r.namedScores['Mentions it [toString]'])).toEqual([1]);
    expect(all.stdout + all.stderr).not.toContain('[object');
  });
});

describe('with no model variant, a file without a reference is said to run nowhere, and the others run', () => {
  let project: Project;
  let run: CliRun;

  beforeAll(async () => {
    project = createProject(
      {
        [SEED]: fs.readFileSync(path.join(REPO, SEED), 'utf8'),
        'prompts/other.prompt.yml': file('other', 'pears'),
      },
      [live({ model: 'gpt-4o-mini' }), offline(OFFLINE, ['peer_to_peer_gossip_protocol_architect'])],
    );
    // Unscoped, the seed's regexes apply to every row (as in gh models), so some fail: only errors fail this run.
    run = await project.run(['eval', '--fail-on', 'errors', '-o', 'results']);
  }, 300_000);

  test('one line names the file; the seed runs on the offline reference; no error row; exit 0', () => {
    expectExit(run, 0);
    expect(run.stderr).toContain(
      'promptfile: no variant runs prompts/other.prompt.yml: the offline reference has no answer for it and no model variant runs',
    );
    const results = (JSON.parse(project.read('results/latest.json')) as { results: { results: Row[] } })
      .results.results;
    expect(results.map((r) => r.testCase.metadata?.promptfile?.file)).toEqual(Array(3).fill(SEED));
    expect(results.filter((r) => r.failureReason === 2)).toEqual([]);
  });
});
