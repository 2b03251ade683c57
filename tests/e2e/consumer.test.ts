/**
 * Installing the package into another repository, as a team would: `npm pack` this checkout, `npm install` the
 * tarball into an empty project, then `promptfile init`, `check`, `eval` (against a loopback model server), `gate`,
 * and plain `npx promptfoo eval` on the config init wrote.
 *
 * One shortcut, for time: promptfoo itself (a peer dependency of ~1,000 packages) is not installed again; the
 * project's node_modules/promptfoo is a link to this checkout's copy, the version package-lock pins. Everything of
 * ours comes from the tarball, installed by npm with its own dependencies.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runNode } from '../support/cli';
import { OFFLINE_ENV } from '../support/environment';
import { REPO, tempDir } from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';

/** Runs a command to completion without blocking the event loop (the model server answers from this process). */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 240_000) {
  const clean = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return runNode({ command, argv: args, cwd, env: clean, timeoutMs });
}

describe('the packed package, installed into an empty repository', () => {
  let server: ModelServer;
  let project: string;
  let env: NodeJS.ProcessEnv;
  const npx = (args: string[]) =>
    run(path.join(project, 'node_modules/.bin', args[0]!), args.slice(1), project, env);

  beforeAll(async () => {
    server = await startModelServer(() => 'The app crashes on large PNG uploads in the gallery.');
    const work = tempDir('promptfile-consumer-');
    const pack = await run('npm', ['pack', '--pack-destination', work, '--silent'], REPO, process.env);
    expect(pack.code).toBe(0);
    const tarball = path.join(work, pack.stdout.trim().split('\n').pop()!);
    project = path.join(work, 'repo');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "consumer", "private": true }\n');
    const install = await run(
      'npm',
      ['install', tarball, '--legacy-peer-deps', '--prefer-offline', '--no-audit', '--no-fund'],
      project,
      process.env,
    );
    expect(install.stderr).not.toMatch(/ERR!/);
    expect(install.code).toBe(0);
    fs.symlinkSync(path.join(REPO, 'node_modules/promptfoo'), path.join(project, 'node_modules/promptfoo'));
    fs.symlinkSync('../promptfoo/dist/src/entrypoint.js', path.join(project, 'node_modules/.bin/promptfoo'));
    const home = path.join(work, 'home');
    fs.mkdirSync(home);
    env = {
      PATH: process.env['PATH'],
      HOME: home,
      PROMPTFOO_CONFIG_DIR: home,
      OPENAI_API_KEY: 'sk-consumer-test',
      OPENAI_BASE_URL: server.baseUrl,
      ...OFFLINE_ENV,
    };
  }, 600_000);

  afterAll(() => server?.close());

  test('the tarball holds the compiled plugin and its templates, not the sources or tests, and is publishable', () => {
    const installed = path.join(project, 'node_modules/promptfoo-promptfile');
    for (const f of [
      'bin/promptfile.js',
      'dist/src/cli/main.js',
      'dist/providers/promptfile.js',
      'dist/prompts/promptfile.js',
      'dist/assertions/evaluator.js',
      'dist/extensions/progress.js',
      'schema/prompt-file.schema.json',
      'templates/example.prompt.yml',
    ])
      expect(fs.existsSync(path.join(installed, f))).toBe(true);
    for (const f of ['tests', 'src', 'providers', 'dist/.tsbuildinfo'])
      expect(fs.existsSync(path.join(installed, f))).toBe(false);
    // No TypeScript at run time: the install brings neither tsx nor typescript, and every later step runs without.
    for (const m of ['tsx', 'typescript', 'ts-node'])
      expect(fs.existsSync(path.join(project, 'node_modules', m))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).private).toBeUndefined();
  });

  test('init writes a config whose plugin paths resolve to the installed package, an example, a workflow and scripts', async () => {
    const init = await npx(['promptfile', 'init']);
    expect(init.code).toBe(0);
    const config = fs.readFileSync(path.join(project, 'promptfooconfig.yaml'), 'utf8');
    expect(config).toContain('file://node_modules/promptfoo-promptfile/dist/providers/promptfile.js');
    for (const f of ['prompts/example.prompt.yml', '.github/workflows/prompt-eval.yml'])
      expect(fs.existsSync(path.join(project, f))).toBe(true);
    const scripts = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')).scripts;
    expect(scripts['prompts:eval']).toBe('promptfile eval');
    const again = await npx(['promptfile', 'init']);
    expect(again.stdout).toContain('kept promptfooconfig.yaml');
  });

  test('check accepts the example', async () => {
    const check = await npx(['promptfile', 'check']);
    expect(check.stderr + check.stdout).toContain('1 of 1 prompt file valid');
    expect(check.code).toBe(0);
  });

  test('eval runs the example against the model, and says how to view it in this repository', async () => {
    const evaluated = await npx(['promptfile', 'eval', '--repeat', '2']);
    expect(evaluated.stderr).not.toMatch(/\n\s+at /);
    expect(evaluated.code).toBe(0);
    expect(server.requests).toHaveLength(2 * 2);
    expect(evaluated.stdout).toContain('npx promptfile view');
    expect(fs.existsSync(path.join(project, 'results/latest.json'))).toBe(true);
  });

  test('baseline and gate run on those results', async () => {
    const baseline = await npx([
      'promptfile',
      'baseline',
      'results/latest.json',
      '-o',
      'baselines/main.json',
    ]);
    expect(baseline.code).toBe(0);
    const gated = await npx([
      'promptfile',
      'gate',
      'results/latest.json',
      '--baseline',
      'baselines/main.json',
      '--max-detectable-drop',
      '1',
    ]);
    expect(gated.stdout).toMatch(/^Gate passed/);
    expect(gated.code).toBe(0);
  });

  test('plain promptfoo eval runs the config init wrote', async () => {
    const before = server.requests.length;
    const plain = await npx(['promptfoo', 'eval', '--no-cache', '-o', 'plain.json']);
    expect(plain.stderr).not.toMatch(/Error|ENOENT/);
    expect(server.requests.length - before).toBe(2);
    const rows = JSON.parse(fs.readFileSync(path.join(project, 'plain.json'), 'utf8')).results.results;
    expect(rows).toHaveLength(2);
  });
});
