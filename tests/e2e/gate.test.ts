/**
 * The regression gate, end to end through the real `promptfile` command in a user's project: `eval` against a
 * scripted model server, `baseline` from a good run, then `gate` on later runs. Two variants (T=0.2 and T=1)
 * answer three rows eight times each, so a row that stops passing is a significant drop, not noise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startModelServer, type ModelServer } from '../support/server';
import { expectExit, type CliRun } from '../support/cli';
import { createProject, variant, type Project } from '../support/project';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures/greeter.prompt.yml'), 'utf8');
const PROMPT_FILE = 'prompts/greeter.prompt.yml';
const REPEAT = 8;
const COOL = 'gpt-4o · T=0.2';
const HOT = 'gpt-4o · T=1';
/** 1-based line of an evaluator in the fixture, where the gate's annotations must point. */
const EVALUATOR_LINE = FIXTURE.split('\n').findIndex((l) => l.includes('- name: Names the topic')) + 1;

/**
 * How the model behaves. `regressed`: at T=1 the answer to the bravo row stops naming the topic (it still greets
 * and gives a number), so exactly one evaluator of one variant drops, on one row. `outage`: every call for the
 * bravo row gets a 500.
 */
type Behaviour = 'good' | 'regressed' | 'outage';

interface Annotation {
  properties: Record<string, string>;
  message: string;
}

/** Every `::error` workflow command in a text, decoded as GitHub decodes it (`%25` is `%`, `%3A` is `:`...). */
function errorAnnotations(text: string): Annotation[] {
  const decode = (s: string) =>
    s.replace(/%(25|0D|0A|3A|2C)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return text
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => {
      const [, props = '', message = ''] = /^::error ?([^:]*)::(.*)$/.exec(l) ?? [];
      const properties = Object.fromEntries(
        props
          .split(',')
          .map((p) => [decode(p.slice(0, p.indexOf('='))), decode(p.slice(p.indexOf('=') + 1))]),
      );
      return { properties, message: decode(message) };
    });
}

interface JunitCase {
  name: string;
  classname: string;
  failures: string[];
}

/** The test cases of a JUnit document with the `type` of each failure (the renderer writes one element a line). */
function junitCases(xml: string): JunitCase[] {
  const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1] ?? '';
  return [...xml.matchAll(/<testcase ([^>]*)>([\s\S]*?)<\/testcase>/g)].map(([, tag = '', body = '']) => ({
    name: attr(tag, 'name'),
    classname: attr(tag, 'classname'),
    failures: [...body.matchAll(/<failure type="([^"]*)"/g)].map((m) => m[1] ?? ''),
  }));
}

describe('the gate, end to end', () => {
  let server: ModelServer;
  let project: Project;
  let behaviour: Behaviour = 'good';
  let good: CliRun;
  let baseline: CliRun;

  /**
   * Runs `promptfile eval --repeat REPEAT -o runs/<name>` with the model behaving as given; `--fail-on errors`, as the
   * workflow runs it, since judging failed evaluators is the gate's job here.
   */
  async function evaluate(name: string, as: Behaviour, extra: string[] = []): Promise<CliRun> {
    behaviour = as;
    return project.run([
      'eval',
      '--fail-on',
      'errors',
      '--repeat',
      String(REPEAT),
      '-o',
      `runs/${name}`,
      ...extra,
    ]);
  }

  /**
   * `promptfile gate`. Three rows x 8 repeats cannot see a 15-point drop, so the default power requirement fails
   * every gate here as underpowered (its own test below); the other tests are about what the gate finds, and set
   * the requirement off.
   */
  const gate = (...args: string[]) => project.run(['gate', ...args, '--max-detectable-drop', '1']);
  const gateAsShipped = (...args: string[]) => project.run(['gate', ...args]);

  beforeAll(async () => {
    server = await startModelServer((request) => {
      const topic = /Topic: (\w+)/.exec(request.user)?.[1] ?? 'nothing';
      if (topic === 'bravo' && behaviour === 'outage') return { status: 500, text: 'scripted outage' };
      if (topic === 'bravo' && behaviour === 'regressed' && request.temperature === 1) {
        return 'hello! I would rather talk about something else. 42';
      }
      return `hello! ${topic} has 42 facets`;
    });
    project = createProject({ [PROMPT_FILE]: FIXTURE }, [
      variant(COOL, server.baseUrl, { temperature: 0.2 }),
      variant(HOT, server.baseUrl, { temperature: 1 }),
    ]);
    good = await evaluate('good', 'good');
    baseline = await project.run(['baseline', 'runs/good/latest.json', '-o', 'baselines/main.json']);
  });

  afterAll(() => server?.close());

  describe('a good run becomes the baseline and passes against itself', () => {
    test('eval calls the model once per row, repeat and variant, and exits 0', () => {
      expectExit(good, 0);
      expect(server.requests).toHaveLength(3 * REPEAT * 2);
      expect(good.stdout).toMatch(/Names the topic +100% 24\/24/);
    });

    test('the baseline holds per-row counts for every variant and evaluator', () => {
      expectExit(baseline, 0);
      const written = JSON.parse(project.read('baselines/main.json')) as {
        variants: Record<string, Record<string, { total: unknown; rows: Record<string, unknown> }>>;
      };
      expect(Object.keys(written.variants).sort()).toEqual([COOL, HOT]);
      for (const evaluators of Object.values(written.variants)) {
        expect(Object.keys(evaluators).sort()).toEqual(['Gives a number', 'Greets', 'Names the topic']);
        for (const { total, rows } of Object.values(evaluators)) {
          expect(total).toEqual({ errors: 0, passes: 3 * REPEAT, trials: 3 * REPEAT });
          // Rows by what they are (the prompt's name and a content hash), with where each sat.
          expect(Object.keys(rows)).toHaveLength(3);
          for (const key of Object.keys(rows)) expect(key).toMatch(/^greeter#[0-9a-f]{12}$/);
        }
      }
    });

    test('gate exits 0 and says so, in the log and as a notice', async () => {
      const run = await gate('runs/good/latest.json', '--baseline', 'baselines/main.json', '--annotations');
      expectExit(run, 0);
      expect(run.stdout).toMatch(/^Gate passed: 8 checks across 2 variants;/);
      expect(run.stdout).toMatch(/^::notice title=Prompt gate passed::Gate passed/m);
      expect(errorAnnotations(run.stdout)).toEqual([]);
    });

    test('as shipped it passes: 24 of 24 again rules out a 15-point drop (at most 10.1 points worse)', async () => {
      const run = await gateAsShipped('runs/good/latest.json', '--baseline', 'baselines/main.json');
      expectExit(run, 0);
    });

    test('asked about a 5-point drop, 8 repeats of 3 rows can neither see nor rule it out: underpowered', async () => {
      const run = await gateAsShipped(
        'runs/good/latest.json',
        '--baseline',
        'baselines/main.json',
        '--max-detectable-drop',
        '0.05',
      );
      expectExit(run, 1);
      expect(run.stdout).toMatch(/^Gate failed: 2 underpowered check\(s\)/);
      expect(run.stdout).toMatch(
        new RegExp(
          `The gate cannot see a drop of 5% in the row verdict for ${COOL}: the smallest drop it detects .* ` +
            'and the data do not rule one out \\(it could be up to 10\\.1%',
        ),
      );
      expect(run.stdout).toContain('promptfile plan says how many');
    });
  });

  describe('one row going bad at T=1 fails the gate, naming evaluator, variant, before, after and p', () => {
    let regressed: CliRun;
    let run: CliRun;
    const rowMessage =
      `The row verdict regressed for ${HOT}: 24/24 (100%) in the baseline, 16/24 (66.7%) now ` +
      '(one-sided exact test over 3 shared rows, Holm-adjusted p = 0.004, alpha 0.05).';
    const message =
      `"Names the topic" regressed for ${HOT}: 24/24 (100%) in the baseline, 16/24 (66.7%) now ` +
      '(one-sided exact test over 3 shared rows, Holm-adjusted p = 0.005, alpha 0.05, after its row verdict regressed).';
    /** The bravo row: where the row verdict's annotation points. */
    const BRAVO_LINE = FIXTURE.split('\n').findIndex((l) => l.includes('bravo')) + 1;

    beforeAll(async () => {
      regressed = await evaluate('regressed', 'regressed');
      fs.writeFileSync(project.path('summary.md'), '# an earlier step\n');
      run = await gate(
        'runs/regressed/latest.json',
        '--baseline',
        'baselines/main.json',
        '--annotations',
        '--summary',
        'summary.md',
        '--junit',
        'reports/gate.junit.xml',
      );
    });

    test('eval --fail-on errors still exits 0: failed evaluators are results for the gate, not errors', () => {
      expectExit(regressed, 0);
      expect(regressed.stdout).toMatch(/Names the topic +100% 24\/24 .* 66\.7% 16\/24/);
    });

    test('gate exits 1: the row verdict of that variant at the row, then that evaluator at its line', () => {
      expectExit(run, 1);
      expect(run.stdout).toMatch(/^Gate failed: 2 regression\(s\) \(8 checks across 2 variants\)\./);
      expect(run.stdout).toContain(
        `\nProblems:\n- ${PROMPT_FILE}:${BRAVO_LINE}: ${rowMessage}\n- ${PROMPT_FILE}:${EVALUATOR_LINE}: ${message}\n`,
      );
      const failing = run.stdout.split('\n').filter((l) => l.includes('FAIL'));
      expect(failing).toHaveLength(2);
      expect(failing[1]).toMatch(
        new RegExp(
          `^${HOT} +Names the topic +24/24 \\(100%\\) +16/24 \\(66\\.7%\\) .*0\\.005 .*FAIL: regression$`,
        ),
      );
    });

    test('its annotations point at the row and the evaluator and carry the same sentences', () => {
      expect(errorAnnotations(run.stdout)).toEqual([
        {
          properties: {
            file: PROMPT_FILE,
            line: String(BRAVO_LINE),
            title: `Regression: (row verdict: every evaluator passes) (${HOT})`,
          },
          message: rowMessage,
        },
        {
          properties: {
            file: PROMPT_FILE,
            line: String(EVALUATOR_LINE),
            title: `Regression: Names the topic (${HOT})`,
          },
          message,
        },
      ]);
    });

    test('the JUnit report fails exactly that test case', () => {
      const xml = project.read('reports/gate.junit.xml');
      expect(xml).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="promptfile gate" tests="12" failures="2"/,
      );
      const failed = junitCases(xml).filter((c) => c.failures.length > 0);
      expect(failed).toEqual([
        { name: '(row verdict: every evaluator passes)', classname: HOT, failures: ['regression'] },
        { name: 'Names the topic', classname: HOT, failures: ['regression'] },
      ]);
      expect(xml).toContain(
        'message="&quot;Names the topic&quot; regressed for gpt-4o · T=1: 24/24 (100%) in the baseline, 16/24 (66.7%) now',
      );
    });

    test('the Markdown summary is appended after what was there, headed as a failure, with the problem', () => {
      const summary = project.read('summary.md');
      expect(summary.startsWith('# an earlier step\n## ❌ Prompt gate failed\n')).toBe(true);
      expect(summary).toContain(`\`${PROMPT_FILE}:${EVALUATOR_LINE}\``);
      expect(summary).toMatch(
        /"Names the topic" regressed for gpt-4o · T=1: 24\/24 \(100%\) in the baseline, 16\/24 \(66\.7%\) now/,
      );
      expect(summary).toMatch(
        /\| gpt-4o · T=1 \| Names the topic \| 24\/24 \(100%\) \| 16\/24 \(66\.7%\) \|.*\| FAIL: regression \|/,
      );
    });
  });

  describe('eval --shard 1/2 and 2/2 merge into the same counts as the unsharded run', () => {
    let shards: CliRun[];
    const merged = ['runs/shard-1/latest.json', 'runs/shard-2/latest.json'];
    const whole = ['runs/regressed/latest.json'];

    beforeAll(async () => {
      shards = [await evaluate('shard-1', 'regressed', ['--shard', '1/2', '--run-id', 'r1'])];
      shards.push(await evaluate('shard-2', 'regressed', ['--shard', '2/2', '--run-id', 'r1']));
    });

    test('each shard runs its own contiguous rows, and together every row once', () => {
      shards.forEach((shard) => expectExit(shard, 0));
      expect(shards[0]?.stderr).toContain('promptfile: shard 1/2 of run r1 runs rows 0:1');
      expect(shards[1]?.stderr).toContain('promptfile: shard 2/2 of run r1 runs rows 1:3');
      const rowsOf = (file: string) => {
        const { results } = JSON.parse(project.read(file)) as {
          results: { results: { testCase: { metadata: { promptfile: { row: number } } } }[] };
        };
        return results.results.map((r) => r.testCase.metadata.promptfile.row).sort();
      };
      const perRow = REPEAT * 2;
      expect(rowsOf(merged[0] as string)).toEqual(Array(perRow).fill(0));
      expect(rowsOf(merged[1] as string)).toEqual([...Array(perRow).fill(1), ...Array(perRow).fill(2)]);
    });

    test('compare gives the same pass counts, usage and tests', async () => {
      const counts = async (files: string[]) => {
        const run = await project.run(['compare', ...files, '--json']);
        expectExit(run, 0);
        const result = JSON.parse(run.stdout) as {
          variants: { variant: string; overall: object; evaluators: object; usage: { attempts: number } }[];
          comparisons: {
            a: string;
            b: string;
            evaluator: string;
            rows: number;
            countsA: { passes: number; trials: number };
            countsB: { passes: number; trials: number };
          }[];
        };
        return {
          variants: result.variants.map((v) => ({ ...v, usage: v.usage.attempts })),
          comparisons: result.comparisons.map(({ a, b, evaluator, rows, countsA, countsB }) => ({
            a,
            b,
            evaluator,
            rows,
            countsA,
            countsB,
          })),
        };
      };
      const fromShards = await counts(merged);
      expect(fromShards).toEqual(await counts(whole));
      expect(fromShards.comparisons.find((c) => c.evaluator === 'Names the topic')).toEqual({
        a: COOL,
        b: HOT,
        evaluator: 'Names the topic',
        rows: 3,
        countsA: { passes: 3 * REPEAT, trials: 3 * REPEAT },
        countsB: { passes: 2 * REPEAT, trials: 3 * REPEAT },
      });
    });

    test('the baseline written from the shards is byte for byte the unsharded one', async () => {
      expectExit(await project.run(['baseline', ...merged, '-o', 'baselines/shards.json']), 0);
      expectExit(await project.run(['baseline', ...whole, '-o', 'baselines/whole.json']), 0);
      expect(project.read('baselines/shards.json')).toBe(project.read('baselines/whole.json'));
    });

    test('the gate over the shards says exactly what it says over the unsharded run', async () => {
      const fromShards = await gate(...merged, '--baseline', 'baselines/main.json');
      const fromWhole = await gate(...whole, '--baseline', 'baselines/main.json');
      expectExit(fromShards, 1);
      expect(fromShards.stdout).toBe(fromWhole.stdout);
    });
  });

  describe('errors fail the gate closed', () => {
    let outage: CliRun;
    let run: CliRun;

    beforeAll(async () => {
      outage = await evaluate('outage', 'outage');
      run = await gate('runs/outage/latest.json', '--baseline', 'baselines/main.json', '--annotations');
    });

    test('eval writes the results and exits 1, saying how many rows errored', () => {
      expectExit(outage, 1);
      expect(outage.stderr).toContain(`promptfile eval: ${2 * REPEAT} rows ended in an error`);
      expect(fs.existsSync(project.path('runs/outage/latest.json'))).toBe(true);
    });

    test('gate exits 1 naming each variant, how many calls errored and the first error', () => {
      expectExit(run, 1);
      expect(run.stdout).toMatch(/^Gate failed: 2 variant\(s\) with errors \(8 checks across 2 variants\)\./);
      for (const name of [COOL, HOT]) {
        expect(run.stdout).toMatch(
          new RegExp(
            `^- ${PROMPT_FILE}:\\d+: ${name} errored on ${REPEAT} of ${3 * REPEAT} calls \\(33\\.3%\\), more than the 0% allowed; first at ${PROMPT_FILE}:\\d+: ${name}: .*500.*scripted outage`,
            'm',
          ),
        );
      }
      expect(errorAnnotations(run.stdout).map((a) => a.properties['title'])).toEqual([
        `Errors: ${COOL}`,
        `Errors: ${HOT}`,
      ]);
    });

    test('the rows that did answer are no regression: tolerating errors explicitly lets the run pass', async () => {
      const tolerant = await gate(
        'runs/outage/latest.json',
        '--baseline',
        'baselines/main.json',
        '--max-error-rate',
        '0.5',
      );
      expectExit(tolerant, 0);
    });
  });

  describe('nothing measured, or nothing to measure against', () => {
    test('a run with no results fails the gate (exit 1), and makes no baseline (exit 2)', async () => {
      // promptfoo runs no test when the filter matches none (and promptfile eval still exits 0).
      await project.run(['eval', '-o', 'runs/empty', '--', '--filter-pattern', 'no row is called this']);
      const results = JSON.parse(project.read('runs/empty/latest.json')) as {
        results: { results: unknown[] };
      };
      expect(results.results.results).toEqual([]);

      const run = await gate('runs/empty/latest.json', '--baseline', 'baselines/main.json');
      expectExit(run, 1);
      expect(run.stdout).toContain('- The run has no trials, so nothing was measured and nothing can pass.');
      expectExit(await gate('runs/empty/latest.json', '--no-baseline'), 1);

      const refused = await project.run(['baseline', 'runs/empty/latest.json', '-o', 'baselines/empty.json']);
      expectExit(refused, 2);
      expect(refused.stderr).toContain('refusing to write an empty baseline');
      expect(fs.existsSync(project.path('baselines/empty.json'))).toBe(false);
    });

    test('a missing baseline file, a missing --baseline or a missing results file is bad input (exit 2), in one line', async () => {
      const cases: [string[], string][] = [
        [
          ['runs/good/latest.json', '--baseline', 'baselines/nope.json'],
          'baselines/nope.json: error: baseline file not found\n',
        ],
        [
          ['runs/good/latest.json'],
          'promptfile gate: give --baseline FILE (or --no-baseline to check floors and errors only)\n',
        ],
        [
          ['runs/nope/latest.json', '--baseline', 'baselines/main.json'],
          'runs/nope/latest.json: error: results file not found\n',
        ],
        // The baseline is read while the results are parsed; the results' error is still the one reported.
        [
          ['runs/nope/latest.json', '--baseline', 'baselines/nope.json'],
          'runs/nope/latest.json: error: results file not found\n',
        ],
      ];
      for (const [args, stderr] of cases) {
        const run = await gate(...args);
        expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
          code: 2,
          stdout: '',
          stderr,
        });
      }
    });

    test('outputs go where they are asked, new directories included; a path that cannot be written is bad input', async () => {
      const run = await gate(
        'runs/good/latest.json',
        '--baseline',
        'baselines/main.json',
        '--summary',
        'new/summaries/gate.md',
        '--junit',
        'new/junit/gate.xml',
      );
      expectExit(run, 0);
      expect(project.read('new/summaries/gate.md')).toMatch(/^## ✅ Prompt gate passed\n/);
      expect(junitCases(project.read('new/junit/gate.xml'))).toHaveLength(12);

      const blocked = await gate(
        'runs/good/latest.json',
        '--baseline',
        'baselines/main.json',
        '--summary',
        'runs',
      );
      expect({ code: blocked.code, stderr: blocked.stderr }).toEqual({
        code: 2,
        stderr: 'runs: error: cannot write the output file (EISDIR)\n',
      });
    });
  });
});
