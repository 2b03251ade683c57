/**
 * The ways a gate can be fooled (issue 11, "Why"), each through the real `promptfile` command against a model
 * server on 127.0.0.1: a model answering nonsense against the committed baseline, a missing shard, baselines that
 * gate nothing or are impossible, a baseline lowered in the same pull request, null outputs, names and paths that
 * would become workflow commands. Every one of them passed, crashed or printed raw lines before the gate failed
 * closed; each must now fail (exit 1), or be refused as bad input (exit 2), and say why in one line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { startModelServer, type ModelServer } from '../support/server';
import { offline, REPO, repoConfig } from '../support/eval';
import { expectExit, type CliRun } from '../support/cli';
import { createProject, variant, type Project } from '../support/project';

const GREETER = fs.readFileSync(path.join(__dirname, 'fixtures/greeter.prompt.yml'), 'utf8');
const PROMPT_FILE = 'prompts/greeter.prompt.yml';
const COOL = 'gpt-4o · T=0.2';
const REPEAT = 6;
const NO_POWER_REQUIREMENT = ['--max-detectable-drop', '1'];

/**
 * Lines GitHub Actions would read as a workflow command: `::` at the start after blanks (actions/runner
 * ActionCommand.TryParseV2 trims leading white space), or `##[` anywhere (the v1 syntax, found by IndexOf).
 */
function commandLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trimStart().startsWith('::') || l.includes('##['));
}

/** The gate's own annotations: `::error` or `::notice` with escaped properties (no raw `:`), then `::`. */
const OWN_ANNOTATION = /^::(error|notice) [^:\n]*::/;

/** A run's stdout and stderr together, as a CI log interleaves them. */
const log = (run: CliRun) => `${run.stdout}\n${run.stderr}`;

describe('a gate that cannot be fooled', () => {
  let server: ModelServer;
  /** What the greeter's model does: answer well, or stop naming the topic on the charlie row. */
  let behaviour: 'good' | 'regressed' = 'good';
  let project: Project;

  // Every eval here runs with --fail-on errors, as the workflow does: failed evaluators are the gate's to judge.
  beforeAll(async () => {
    server = await startModelServer((request) => {
      if (/Topic: lol/.test(request.user) || request.system.includes('gossip')) return 'lol no';
      const topic = /Topic: (\w+)/.exec(request.user)?.[1] ?? 'nothing';
      if (topic === 'zulu') return 'nope';
      if (topic === 'charlie' && behaviour === 'regressed') return 'hello! something else. 42';
      return `hello! ${topic} has 42 facets`;
    });
    project = createProject({ [PROMPT_FILE]: GREETER }, [
      variant(COOL, server.baseUrl, { temperature: 0.2 }),
    ]);
    behaviour = 'good';
    expectExit(
      await project.run(['eval', '--fail-on', 'errors', '--repeat', String(REPEAT), '-o', 'runs/good']),
      0,
    );
    expectExit(await project.run(['baseline', 'runs/good/latest.json', '-o', 'baselines/main.json']), 0);
    behaviour = 'regressed';
    expectExit(
      await project.run(['eval', '--fail-on', 'errors', '--repeat', String(REPEAT), '-o', 'runs/regressed']),
      0,
    );
  });

  afterAll(() => server?.close());

  const gate = (...args: string[]) => project.run(['gate', ...args, ...NO_POWER_REQUIREMENT]);

  test('the regressed run fails against the good baseline (the premise of every case below)', async () => {
    const run = await gate('runs/regressed/latest.json', '--baseline', 'baselines/main.json');
    expectExit(run, 1);
    expect(run.stdout).toMatch(/^Gate failed: .*regression/);
  });

  describe('a model answering nonsense against the committed baseline', () => {
    let gossip: Project;
    let nonsense: CliRun;
    // The reference variant's label: the file's own model and temperature (README, Live models).
    const REFERENCE = 'gpt-4o · T=0.2 (reference)';

    beforeAll(async () => {
      const file = 'prompts/peer_to_peer_gossip_protocol_architect.prompt.yml';
      gossip = createProject({ [file]: fs.readFileSync(path.join(REPO, file), 'utf8') }, []);
      // The repository's own config (its scope and domain checks), the live reference pointed at the server.
      const config = repoConfig();
      config.providers = [
        variant('reference', server.baseUrl),
        offline('offline reference (baseline, not a model)'),
      ];
      fs.writeFileSync(gossip.path('promptfooconfig.yaml'), stringify(config));
      nonsense = await gossip.run(['eval', '--fail-on', 'errors', '--repeat', '5', '-o', 'runs/nonsense']);
    });

    test('the model fails its evaluators ("lol no" to every row)', () => {
      expectExit(nonsense, 0);
      expect(nonsense.stdout).toMatch(/Gossip: four sections +0% 0\/5 .* 100% 5\/5/);
    });

    test('gate exits 1: the committed baseline holds only the offline reference, so it cannot gate a model', async () => {
      const run = await gossip.run([
        'gate',
        'runs/nonsense/latest.json',
        '--baseline',
        path.join(REPO, 'baselines/main.json'),
      ]);
      expectExit(run, 1);
      expect(run.stdout).toContain(
        `- "${REFERENCE}" is not in the baseline, so nothing it does can be compared with it`,
      );
      expect(run.stdout).toContain(
        'The baseline holds only deterministic variants (offline reference, replays): it gates no variant that calls a model.',
      );
      expect(run.stdout).not.toMatch(/pass \(new, no baseline\)/);
    });

    test('accepted as new, it must still meet its floors, and it does not', async () => {
      const run = await gossip.run([
        'gate',
        'runs/nonsense/latest.json',
        '--baseline',
        path.join(REPO, 'baselines/main.json'),
        '--accept-new',
        '--floor',
        '0.5',
      ]);
      expectExit(run, 1);
      expect(run.stdout).toMatch(
        new RegExp(`- .*"Gossip: four sections" for ${escape(REFERENCE)} is below its floor of 50%: 0/5`),
      );
    });

    test('accepted as new with no floor, it has nothing to meet: that fails too', async () => {
      const run = await gossip.run([
        'gate',
        'runs/nonsense/latest.json',
        '--baseline',
        path.join(REPO, 'baselines/main.json'),
        '--accept-new',
      ]);
      expectExit(run, 1);
      expect(run.stdout).toContain(`"${REFERENCE}" is accepted as new, but no floor applies to`);
    });
  });

  describe('shards: a missing, duplicated or foreign shard fails, naming it', () => {
    const shard = (i: number, dir: string, runId: string) =>
      project.run([
        'eval',
        '--fail-on',
        'errors',
        '--repeat',
        String(REPEAT),
        '--shard',
        `${i}/2`,
        '--run-id',
        runId,
        '-o',
        `runs/${dir}`,
      ]);

    beforeAll(async () => {
      behaviour = 'regressed';
      expectExit(await shard(1, 'shard-1', 'run-a'), 0);
      expectExit(await shard(2, 'shard-2', 'run-a'), 0);
      expectExit(await shard(1, 'shard-1-again', 'run-a'), 0);
      expectExit(await shard(2, 'shard-2-other', 'run-b'), 0);
    });

    test('each shard writes a manifest beside its results: run id, shard, its rows', () => {
      const manifest = JSON.parse(project.read('runs/shard-2/manifest.json')) as Record<string, unknown>;
      expect(manifest).toMatchObject({
        runId: 'run-a',
        shard: { index: 2, count: 2 },
        rows: { from: 1, to: 3, total: 3 },
        results: 'latest.json',
      });
      const keys = (manifest['rows'] as { keys: string[] }).keys;
      expect(keys).toHaveLength(2);
      for (const key of keys) expect(key).toMatch(/^greeter#[0-9a-f]{12}$/);
    });

    test('the regressed row sits in shard 2: shard 1 alone fails as incomplete, naming shard 2', async () => {
      const run = await gate('runs/shard-1/latest.json', '--baseline', 'baselines/main.json');
      expectExit(run, 1);
      expect(run.stdout).toContain('- Shard 2/2 of run run-a is missing (rows 1:3 of 3)');
    });

    test('both shards of the run find the regression', async () => {
      const run = await gate(
        'runs/shard-1/latest.json',
        'runs/shard-2/latest.json',
        '--baseline',
        'baselines/main.json',
      );
      expectExit(run, 1);
      expect(run.stdout).toMatch(/^Gate failed: \d+ regression\(s\)/);
    });

    test('a shard twice, or shards of different runs, fail naming them', async () => {
      const twice = await gate(
        'runs/shard-1/latest.json',
        'runs/shard-1-again/latest.json',
        'runs/shard-2/latest.json',
        '--baseline',
        'baselines/main.json',
      );
      expectExit(twice, 1);
      expect(twice.stdout).toContain(
        '- Shard 1/2 of run run-a appears twice (runs/shard-1/latest.json, runs/shard-1-again/latest.json)',
      );
      const mixed = await gate(
        'runs/shard-1/latest.json',
        'runs/shard-2-other/latest.json',
        '--baseline',
        'baselines/main.json',
      );
      expectExit(mixed, 1);
      expect(mixed.stdout).toContain('- The results come from different runs (run-a, run-b)');
    });

    test('--shards N says how many the run has: a run of 2 gated as one of 3 fails', async () => {
      const run = await gate(
        'runs/shard-1/latest.json',
        'runs/shard-2/latest.json',
        '--baseline',
        'baselines/main.json',
        '--shards',
        '3',
      );
      expectExit(run, 1);
      expect(run.stdout).toContain('the gate expects 3 shards (--shards), the manifests say 2');
    });

    test('a shard without a manifest among shards with one fails', async () => {
      const run = await gate(
        'runs/shard-1/latest.json',
        'runs/good/latest.json',
        '--baseline',
        'baselines/main.json',
      );
      expectExit(run, 1);
      expect(run.stdout).toContain('- runs/good/latest.json has no shard manifest');
    });
  });

  describe('baselines that gate nothing, or cannot be', () => {
    const baseline = () =>
      JSON.parse(project.read('baselines/main.json')) as {
        schemaVersion: number;
        variants: Record<string, Record<string, { total: Tally; rows: Record<string, Tally> }>>;
        rowVerdicts: Record<string, { total: Tally; rows: Record<string, Tally> }>;
      };
    type Tally = { passes: number; trials: number; errors: number };
    const everyTally = (b: ReturnType<typeof baseline>, f: (t: Tally) => void) => {
      for (const entry of [
        ...Object.values(b.variants).flatMap((e) => Object.values(e)),
        ...Object.values(b.rowVerdicts),
      ])
        for (const t of [entry.total, ...Object.values(entry.rows)]) f(t);
    };

    const cases: [string, () => unknown, RegExp][] = [
      [
        'no variants',
        () => ({ schemaVersion: baseline().schemaVersion, variants: {} }),
        /has no variants: it gates nothing/,
      ],
      [
        'all-zero tallies',
        () => {
          const b = baseline();
          everyTally(b, (t) => Object.assign(t, { passes: 0, trials: 0, errors: 0 }));
          return b;
        },
        /counts no call/,
      ],
      [
        'astronomically large counts',
        () => {
          const b = baseline();
          everyTally(b, (t) => Object.assign(t, { passes: t.passes * 375e12, trials: t.trials * 375e12 }));
          return b;
        },
        /more than the 1000000000 a baseline may hold/,
      ],
      [
        'negative counts',
        () => {
          const b = baseline();
          everyTally(b, (t) => Object.assign(t, { errors: -1 }));
          return b;
        },
        /must be a whole number of at least 0, found -1/,
      ],
      [
        'fractional counts',
        () => {
          const b = baseline();
          everyTally(b, (t) => Object.assign(t, { passes: t.passes - 0.5 }));
          return b;
        },
        /must be a whole number of at least 0, found \d+\.5/,
      ],
      [
        'a total that does not add up',
        () => {
          const b = baseline();
          const names = b.variants[COOL] as Record<string, { total: Tally }>;
          (names['Greets'] as { total: Tally }).total.passes -= 1;
          return b;
        },
        /is not the sum of its rows/,
      ],
      [
        'row verdicts that do not fit the evaluators',
        () => {
          const b = baseline();
          // One call fewer per row than its evaluators were graded on: no run can give that.
          const verdicts = b.rowVerdicts[COOL] as { total: Tally; rows: Record<string, Tally> };
          for (const t of Object.values(verdicts.rows))
            Object.assign(t, { passes: t.passes - 1, trials: t.trials - 1 });
          Object.assign(verdicts.total, {
            passes: verdicts.total.passes - 3,
            trials: verdicts.total.trials - 3,
          });
          return b;
        },
        /more calls than its row verdicts/,
      ],
    ];

    test.each(cases)('%s: exit 2, one line naming the file, no crash', async (_, make, message) => {
      fs.writeFileSync(project.path('baselines/tampered.json'), JSON.stringify(make()));
      const run = await gate('runs/regressed/latest.json', '--baseline', 'baselines/tampered.json');
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(/^baselines\/tampered\.json: error: [^\n]+\n$/);
      expect(run.stderr).toMatch(message);
    });

    test('renamed row keys: exit 1, naming the rows the run lacks and the new ones', async () => {
      const b = JSON.parse(project.read('baselines/main.json')) as Record<string, unknown>;
      delete b['slots'];
      const renamed = JSON.stringify(b).replaceAll('"greeter#', '"renamed#');
      fs.writeFileSync(project.path('baselines/renamed.json'), renamed);
      const run = await gate('runs/regressed/latest.json', '--baseline', 'baselines/renamed.json');
      expectExit(run, 1);
      expect(run.stdout).toMatch(
        new RegExp(
          `- The baseline has 3 rows of "${escape(COOL)}" that this run did not call: renamed#[0-9a-f]{12}, renamed#[0-9a-f]{12}, renamed#[0-9a-f]{12}\\.`,
        ),
      );
      expect(run.stdout).toContain(
        `- ${PROMPT_FILE}:10: This run has 3 rows of "${COOL}" that the baseline does not have: ${PROMPT_FILE}:10, ${PROMPT_FILE}:11, ${PROMPT_FILE}:12`,
      );
    });

    test('renamed keys where the baseline knows the rows’ places: reported as changed rows', async () => {
      const renamed = project.read('baselines/main.json').replaceAll('"greeter#', '"renamed#');
      fs.writeFileSync(project.path('baselines/renamed.json'), renamed);
      const run = await gate('runs/regressed/latest.json', '--baseline', 'baselines/renamed.json');
      expectExit(run, 1);
      expect(run.stdout).toContain(
        `3 rows of "${COOL}" changed, no baseline for them (their values or evaluators differ from the rows the baseline has there): ${PROMPT_FILE}:10, ${PROMPT_FILE}:11, ${PROMPT_FILE}:12.`,
      );
    });

    test('a row deleted from the run: exit 1 naming it', async () => {
      const results = JSON.parse(project.read('runs/good/latest.json')) as {
        results: { results: { testCase: { metadata: { promptfile: { row: number } } } }[] };
      };
      results.results.results = results.results.results.filter(
        (r) => r.testCase.metadata.promptfile.row !== 1,
      );
      fs.writeFileSync(project.path('runs/deleted.json'), JSON.stringify(results));
      const deleted = await gate('runs/deleted.json', '--baseline', 'baselines/main.json');
      expectExit(deleted, 1);
      expect(deleted.stdout).toMatch(
        new RegExp(
          `- The baseline has 1 row of "${escape(COOL)}" that this run did not call: ${escape(PROMPT_FILE)}#1 \\(greeter#[0-9a-f]{12}\\)\\.`,
        ),
      );
    });
  });

  describe('rows are known by what they are, not where they sit', () => {
    /** Runs eval with the greeter's file replaced by `files` (path -> text), then puts the original back. */
    async function evalWith(files: Record<string, string>, out: string): Promise<CliRun> {
      fs.rmSync(project.path(PROMPT_FILE));
      for (const [file, text] of Object.entries(files)) fs.writeFileSync(project.path(file), text);
      try {
        behaviour = 'good';
        return await project.run([
          'eval',
          '--fail-on',
          'errors',
          '--repeat',
          String(REPEAT),
          '-o',
          `runs/${out}`,
        ]);
      } finally {
        for (const file of Object.keys(files)) fs.rmSync(project.path(file));
        fs.writeFileSync(project.path(PROMPT_FILE), GREETER);
      }
    }

    test('a row inserted at the top shifts no comparison: the old rows keep their history, the new one has none', async () => {
      const inserted = GREETER.replace('testData:\n', 'testData:\n  - topic: zulu\n');
      expectExit(await evalWith({ [PROMPT_FILE]: inserted }, 'inserted'), 0);
      const run = await gate('runs/inserted/latest.json', '--baseline', 'baselines/main.json');
      expectExit(run, 1);
      expect(run.stdout).toMatch(/^Gate failed: 1 variant\(s\) with rows the baseline lacks \(/);
      expect(run.stdout).toContain(
        `This run has 1 row of "${COOL}" that the baseline does not have: ${PROMPT_FILE}:10;`,
      );
      expect(run.stdout).not.toMatch(/regressed/);
      // Accepted as new, the new row meets its floor or not; the old rows are still compared like with like.
      expectExit(
        await gate(
          'runs/inserted/latest.json',
          '--baseline',
          'baselines/main.json',
          '--accept-new',
          '--floor',
          '0',
        ),
        0,
      );
    });

    test('renaming the prompt file keeps its history', async () => {
      expectExit(await evalWith({ 'prompts/hello.prompt.yml': GREETER }, 'moved'), 0);
      const run = await gate('runs/moved/latest.json', '--baseline', 'baselines/main.json');
      expectExit(run, 0);
    });

    test('a row whose values changed is reported as changed, not compared with what it was', async () => {
      const changed = GREETER.replace('- topic: charlie', '- topic: delta');
      expectExit(await evalWith({ [PROMPT_FILE]: changed }, 'changed'), 0);
      const run = await gate('runs/changed/latest.json', '--baseline', 'baselines/main.json');
      expectExit(run, 1);
      expect(run.stdout).toContain(
        `- ${PROMPT_FILE}:12: Row ${PROMPT_FILE}:12 of "${COOL}" changed: no baseline for it (its values or evaluators differ from the row the baseline has there).`,
      );
    });

    test('so is a row whose evaluators changed', async () => {
      const changed = GREETER.replace("pattern: '\\d+'", "pattern: '[0-9]+'");
      expect(changed).not.toBe(GREETER);
      expectExit(await evalWith({ [PROMPT_FILE]: changed }, 'evaluators'), 0);
      const run = await gate('runs/evaluators/latest.json', '--baseline', 'baselines/main.json');
      expectExit(run, 1);
      expect(run.stdout).toContain(`3 rows of "${COOL}" changed, no baseline for them`);
    });
  });

  describe('a baseline lowered in the same pull request', () => {
    let lowered: CliRun;
    let accepted: CliRun;

    beforeAll(async () => {
      // The pull request regenerates the baseline from its own regressed run.
      expectExit(
        await project.run(['baseline', 'runs/regressed/latest.json', '-o', 'pr/baselines/main.json']),
        0,
      );
      const args = [
        'runs/regressed/latest.json',
        '--baseline',
        'pr/baselines/main.json',
        '--previous-baseline',
        'baselines/main.json',
      ];
      lowered = await gate(...args, '--summary', 'lowered.md');
      accepted = await gate(...args, '--accept-lowered', '--summary', 'accepted.md');
    });

    test('fails (exit 1), naming each expectation it lowers, before and after', () => {
      expectExit(lowered, 1);
      expect(lowered.stdout).toContain(
        `- The baseline lowers "Names the topic" for ${COOL} from ${3 * REPEAT}/${3 * REPEAT} (100%) to ${2 * REPEAT}/${3 * REPEAT} (66.7%)`,
      );
      expect(lowered.stdout).toContain('--accept-lowered');
    });

    test('the summary lists every lowered expectation in a section of its own', () => {
      const summary = project.read('lowered.md');
      expect(summary).toMatch(/^## ❌ Prompt gate failed\n/);
      expect(summary).toContain('### Expectations this baseline lowers');
      expect(summary).toMatch(
        /\| gpt-4o · T=0\.2 \| Names the topic \| 18\/18 \(100%\) \| 12\/18 \(66\.7%\) \|/,
      );
    });

    test('accepted explicitly, the lowered baseline gates the run, and the summary still shows what was lowered', () => {
      expectExit(accepted, 0);
      const summary = project.read('accepted.md');
      expect(summary).toMatch(/^## ✅ Prompt gate passed\n/);
      expect(summary).toContain('### Expectations this baseline lowers (accepted)');
    });

    test('baseline --merge adds counts, so a merged baseline is never lower than its parts', async () => {
      expectExit(
        await project.run([
          'baseline',
          'runs/good/latest.json',
          '--merge',
          'baselines/main.json',
          '-o',
          'baselines/merged.json',
        ]),
        0,
      );
      const run = await gate(
        'runs/good/latest.json',
        '--baseline',
        'baselines/merged.json',
        '--previous-baseline',
        'baselines/main.json',
      );
      expectExit(run, 0);
    });
  });

  describe('null outputs never count as a pass', () => {
    let replay: CliRun;

    beforeAll(async () => {
      behaviour = 'good';
      expectExit(
        await project.run(['eval', '--fail-on', 'errors', '--record', 'cassettes', '-o', 'runs/recorded']),
        0,
      );
      expectExit(
        await project.run(['eval', '--fail-on', 'errors', '--replay', 'cassettes', '-o', 'runs/replayed']),
        0,
      );
      expectExit(
        await project.run(['baseline', 'runs/replayed/latest.json', '-o', 'baselines/replay.json']),
        0,
      );
      const files = fs.readdirSync(project.path('cassettes'), { recursive: true }) as string[];
      const cassettes = files.filter((f) => f.endsWith('.json'));
      expect(cassettes.length).toBe(3);
      for (const f of cassettes) {
        const cassette = JSON.parse(project.read(`cassettes/${f}`)) as { response: { output: unknown } };
        cassette.response.output = null;
        fs.writeFileSync(project.path(`cassettes/${f}`), JSON.stringify(cassette));
      }
      replay = await project.run(['eval', '--fail-on', 'errors', '--replay', 'cassettes', '-o', 'runs/null']);
    });

    test('eval prints each such row as an ERROR, not PASS, and exits 1', () => {
      expectExit(replay, 1);
      const rows = replay.stdout.split('\n').filter((l) => l.startsWith(PROMPT_FILE));
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row).toMatch(/: ERROR .*no output/);
    });

    test('the gate fails: nothing was measured', async () => {
      const run = await gate('runs/null/latest.json', '--baseline', 'baselines/replay.json');
      expectExit(run, 1);
      expect(run.stdout).toMatch(/errored on 3 of 3 calls .*no output/);
    });
  });

  describe('names and paths cannot become workflow commands or forge a verdict', () => {
    let hostile: Project;
    const HOSTILE_FILE = 'prompts/hostile.prompt.yml';
    const LABEL = '::warning::forged label';

    beforeAll(async () => {
      const text = `name: hostile
model: 'openai/::add-mask::m'
messages:
  - role: user
    content: 'Topic: {{topic}}'
testData:
  - topic: alpha
  - topic: lol
evaluators:
  - name: '::add-mask::FAIL'
    string:
      contains: hello
  - name: '::stop-commands::x'
    type: regex
    pattern: '\\d+'
  - name: '##[error]forged'
    string:
      contains: '{{topic}}'
  - name: '%0A::warning::x'
    string:
      contains: hello
`;
      hostile = createProject({ [HOSTILE_FILE]: text }, [
        variant(LABEL, server.baseUrl, { temperature: 0.2 }),
      ]);
    });

    test('check, eval, compare, baseline and gate print no workflow command but the gate’s own annotations', async () => {
      const check = await hostile.run(['check']);
      expectExit(check, 0);
      const evaluated = await hostile.run(['eval', '--fail-on', 'errors', '--repeat', '2', '-o', 'runs/a']);
      expectExit(evaluated, 0);
      const compared = await hostile.run(['compare', 'runs/a/latest.json']);
      expectExit(compared, 0);
      const baseline = await hostile.run(['baseline', 'runs/a/latest.json', '-o', 'baselines/main.json']);
      expectExit(baseline, 0);
      const gated = await hostile.run([
        'gate',
        'runs/a/latest.json',
        '--baseline',
        'baselines/main.json',
        '--annotations',
        '--floor',
        '0.9',
        '--summary',
        'summary.md',
        ...NO_POWER_REQUIREMENT,
      ]);
      expectExit(gated, 1);
      for (const run of [check, evaluated, compared, baseline]) expect(commandLines(log(run))).toEqual([]);
      const commands = commandLines(log(gated));
      expect(commands.length).toBeGreaterThan(0);
      for (const line of commands) expect(line).toMatch(OWN_ANNOTATION);
      // The names are still there for people to read, escaped.
      expect(evaluated.stdout).toContain('\\::add-mask::FAIL');
      expect(check.stdout).toContain('##\\u005b' + 'error]forged');
      // The summary holds our headings and nothing that reads as one.
      const headings = project_headings(hostile.read('summary.md'));
      expect(headings).toEqual(['## ❌ Prompt gate failed', '### Problems', '### Checks']);
    });

    test('under GitHub Actions, promptfoo’s own output is fenced by ::stop-commands:: with a token nobody can guess', async () => {
      const run = await hostile.run(['eval', '--fail-on', 'errors', '-o', 'runs/b'], undefined, {
        GITHUB_ACTIONS: 'true',
      });
      expectExit(run, 0);
      const stop = /^::stop-commands::([0-9a-f]{32})$/m.exec(run.stdout);
      expect(stop).not.toBeNull();
      const token = stop?.[1] as string;
      const lines = run.stdout.split('\n');
      const from = lines.indexOf(`::stop-commands::${token}`);
      const to = lines.indexOf(`::${token}::`);
      expect(from).toBeGreaterThanOrEqual(0);
      expect(to).toBeGreaterThan(from);
      // Our own table comes after the fence is lifted, escaped.
      expect(lines.slice(to).join('\n')).toContain('Pass rate by evaluator');
    });

    test('a prompt-file path with a newline or control character is refused (exit 2) in one line', async () => {
      const evil = 'prompts/evil\n## ✅ Prompt gate passed\n.prompt.yml';
      fs.writeFileSync(hostile.path(evil), GREETER);
      try {
        for (const args of [['check'], ['eval', '-o', 'runs/evil']]) {
          const run = await hostile.run(args);
          expect(run.code).toBe(2);
          expect(run.stderr).toBe(
            'prompts/evil\\u000a## ✅ Prompt gate passed\\u000a.prompt.yml: error: the path contains a control character (U+000A); rename the file\n',
          );
        }
      } finally {
        fs.rmSync(hostile.path(evil));
      }
    });

    test('results naming such a path cannot forge a heading or a verdict in the summary or the log', async () => {
      const evil = 'prompts/evil\n## ✅ Prompt gate passed\n::add-mask::x.prompt.yml';
      const results = project
        .read('runs/regressed/latest.json')
        .replaceAll(JSON.stringify(PROMPT_FILE), JSON.stringify(evil));
      fs.writeFileSync(project.path('runs/evil.json'), results);
      const run = await gate(
        'runs/evil.json',
        '--baseline',
        'baselines/main.json',
        '--summary',
        'evil.md',
        '--annotations',
      );
      expectExit(run, 1);
      const summary = project.read('evil.md');
      expect(project_headings(summary)).toEqual(['## ❌ Prompt gate failed', '### Problems', '### Checks']);
      expect(log(run)).not.toMatch(/^\s*## ✅/m);
      for (const line of commandLines(log(run))) expect(line).toMatch(OWN_ANNOTATION);
    });
  });
});

/** Markdown headings of a summary: lines that start with `#`. */
function project_headings(markdown: string): string[] {
  return markdown.split('\n').filter((l) => l.startsWith('#'));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
