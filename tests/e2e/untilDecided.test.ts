/**
 * `promptfile eval --until-decided` through the real CLI against a model server on 127.0.0.1 that counts what it is
 * asked: a model as good as its baseline stops once a 15-point drop is ruled out, one that regressed on a row stops as soon as the
 * regression is shown, and the gate replays the looks from the calls (it never takes eval's word for a decision).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startModelServer, type ModelServer } from '../support/server';
import { expectExit } from '../support/cli';
import { createProject, variant, type Project } from '../support/project';

const GREETER = fs.readFileSync(path.join(__dirname, 'fixtures/greeter.prompt.yml'), 'utf8');
const ROWS = 3;
/** Looks after 4, 8, 12, 16, 20 repeats per row. */
const SEQUENTIAL = [
  '--until-decided',
  '--max-repeat',
  '20',
  '--looks',
  '5',
  '--baseline',
  'baselines/main.json',
];

describe('eval --until-decided', () => {
  let server: ModelServer;
  let behaviour: 'good' | 'regressed' | 'flaky' = 'good';
  let project: Project;
  let flaky = 0;

  beforeAll(async () => {
    server = await startModelServer((request) => {
      const topic = /Topic: (\w+)/.exec(request.user)?.[1] ?? 'nothing';
      if (topic === 'charlie' && behaviour === 'regressed') return 'hello! something else. 42';
      // Every third answer on charlie misses the topic: a drop of about 11 points over the three rows, which
      // neither shows a regression nor rules out one of 15 points early.
      if (topic === 'charlie' && behaviour === 'flaky' && flaky++ % 3 === 0)
        return 'hello! something else. 42';
      return `hello! ${topic} has 42 facets`;
    });
    project = createProject({ 'prompts/greeter.prompt.yml': GREETER }, [
      variant('gpt-4o · T=0.2', server.baseUrl, { temperature: 0.2 }),
    ]);
    behaviour = 'good';
    expectExit(await project.run(['eval', '--fail-on', 'errors', '--repeat', '20', '-o', 'runs/base']), 0);
    expectExit(await project.run(['baseline', 'runs/base/latest.json', '-o', 'baselines/main.json']), 0);
  });

  afterAll(() => server?.close());

  test('a model as good as its baseline stops once a 15-point drop is ruled out: look 3 of 5, 60% of the calls', async () => {
    behaviour = 'good';
    server.reset();
    const run = await project.run(['eval', '--fail-on', 'errors', ...SEQUENTIAL, '-o', 'runs/good']);
    expectExit(run, 0);
    expect(server.requests).toHaveLength(ROWS * 12);
    expect(run.stderr).toMatch(/look 2 of 5 \(8 repeats per row\): gpt-4o · T=0\.2: undecided, continues/);
    expect(run.stderr).toMatch(/look 3 of 5 \(12 repeats per row\): gpt-4o · T=0\.2: fine/);
    expect(run.stderr).not.toMatch(/look 4 of 5/);
    const manifest = JSON.parse(project.read('runs/good/manifest.json')) as {
      sequential: { looks: number[] };
    };
    expect(manifest.sequential.looks).toEqual([4, 8, 12, 16, 20]);

    const gate = await project.run(['gate', 'runs/good/latest.json', '--baseline', 'baselines/main.json']);
    expectExit(gate, 0);
    expect(gate.stdout).toMatch(
      /gpt-4o · T=0\.2: fine \(a 15% drop ruled out\) at look 3 of 5 \(12 repeats per row\)/,
    );
  });

  test('a model that regressed on one row stops at the look that shows it, and the gate fails it there', async () => {
    behaviour = 'regressed';
    server.reset();
    const run = await project.run(['eval', '--fail-on', 'errors', ...SEQUENTIAL, '-o', 'runs/regressed']);
    expectExit(run, 0);
    expect(run.stderr).toMatch(/look 1 of 5 \(4 repeats per row\): gpt-4o · T=0\.2: regressed/);
    expect(run.stderr).not.toMatch(/look 2 of 5/);
    expect(server.requests).toHaveLength(ROWS * 4);

    const gate = await project.run([
      'gate',
      'runs/regressed/latest.json',
      '--baseline',
      'baselines/main.json',
    ]);
    expectExit(gate, 1);
    expect(gate.stdout).toMatch(
      /The row verdict regressed for gpt-4o · T=0\.2 at look 1 of 5 \(4 repeats per row\)/,
    );
  });

  test('a doubtful model spends the budget: it runs to the last look', async () => {
    behaviour = 'flaky';
    flaky = 0;
    server.reset();
    const run = await project.run(['eval', '--fail-on', 'errors', ...SEQUENTIAL, '-o', 'runs/flaky']);
    expectExit(run, 0);
    expect(run.stderr).toMatch(/look 5 of 5 \(20 repeats per row\)/);
    expect(server.requests).toHaveLength(ROWS * 20);
  });

  test('a run stopped before it was decided fails the gate: the gate replays the looks with its own drop', async () => {
    behaviour = 'flaky';
    flaky = 0;
    // Stopping as soon as a 90-point drop is ruled out: the gate, held to 15 points, finds it undecided there.
    const run = await project.run([
      'eval',
      '--fail-on',
      'errors',
      ...SEQUENTIAL,
      '--drop',
      '0.9',
      '-o',
      'runs/early',
    ]);
    expectExit(run, 0);
    expect(run.stderr).toMatch(/look 1 of 5 .*: fine/);
    const gate = await project.run(['gate', 'runs/early/latest.json', '--baseline', 'baselines/main.json']);
    expectExit(gate, 1);
    expect(gate.stdout).toMatch(
      /stopped at look 1 of 5 \(4 repeats per row\) before its verdict was decided/,
    );
  });

  test("a manifest whose design is not this version's is refused as bad input, naming it", async () => {
    fs.cpSync(project.path('runs/good'), project.path('runs/tampered'), { recursive: true });
    const file = project.path('runs/tampered/manifest.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { sequential: { rho: number } };
    manifest.sequential.rho = 0.1;
    fs.writeFileSync(file, JSON.stringify(manifest));
    const gate = await project.run([
      'gate',
      'runs/tampered/latest.json',
      '--baseline',
      'baselines/main.json',
    ]);
    expectExit(gate, 2);
    expect(gate.stderr).toMatch(
      /manifest\.json.*sequential design is not usable: it spends alpha with rho 0\.1/,
    );
  });

  test('flags that make no sense together are refused before any call', async () => {
    server.reset();
    for (const args of [
      ['--until-decided', '--max-repeat', '20'],
      ['--until-decided', '--baseline', 'baselines/main.json', '--max-repeat', '20', '--repeat', '3'],
      ['--max-repeat', '20'],
    ]) {
      const run = await project.run(['eval', ...args]);
      expectExit(run, 2);
    }
    expect(server.requests).toHaveLength(0);
  });
});
