/**
 * With no files named and none in the config, `promptfile check` and `eval` find prompt files anywhere in the
 * repository, as a team used to `gh models eval` keeps them (`.github/prompts/`, `evals/`), and leave out
 * node_modules and what .gitignore names; through the real CLI, eval against a model server on 127.0.0.1.
 */
import * as fs from 'node:fs';
import { parse, stringify } from 'yaml';
import { live } from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';
import { expectExit } from '../support/cli';
import { createProject, type Project } from '../support/project';

const promptFile = (word: string) => `model: openai/gpt-4o-mini
messages:
  - role: user
    content: "say {{word}}"
testData:
  - word: ${word}
evaluators:
  - name: says it
    string:
      contains: ${word}
`;

/** Not a valid prompt file: found, it would be reported and fail the command. */
const BROKEN = 'messages: 3\n';

describe('prompt files anywhere in the repository are found when nothing names them', () => {
  let server: ModelServer;
  let project: Project;

  beforeAll(async () => {
    server = await startModelServer((r) => `I say ${r.user.replace(/^say /, '')}`);
    project = createProject(
      {
        'evals/a.prompt.yml': promptFile('alpha'),
        '.github/prompts/b.prompt.yaml': promptFile('beta'),
        'deep/er/c.prompt.yml': promptFile('gamma'),
        'node_modules/some-package/x.prompt.yml': BROKEN,
        'build/y.prompt.yml': BROKEN,
        'notes/z.draft.prompt.yml': BROKEN,
        '.gitignore': 'build/\n*.draft.prompt.yml\n',
      },
      [live({ apiBaseUrl: server.baseUrl, apiKey: 'sk-loopback' }, 'reference')],
    );
    // The config names no files: the generator's `files` is left out.
    const config = parse(project.read('promptfooconfig.yaml')) as {
      tests: { config: Record<string, unknown> }[];
    };
    for (const t of config.tests) delete t.config['files'];
    fs.writeFileSync(project.path('promptfooconfig.yaml'), stringify(config));
  });

  afterAll(() => server.close());

  test('check finds the three, in evals/, .github/prompts/ and deep/er/, and none that is ignored', async () => {
    const run = await project.run(['check']);
    expectExit(run, 0);
    expect(run.stdout).toContain('3 of 3 prompt files valid');
    for (const file of ['evals/a.prompt.yml', '.github/prompts/b.prompt.yaml', 'deep/er/c.prompt.yml'])
      expect(run.stdout).toContain(`✓ ${file}`);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/node_modules|build\/y|z\.draft/);
  });

  test('eval runs their rows and nothing else', async () => {
    const run = await project.run(['eval']);
    expectExit(run, 0);
    expect(server.requests.map((r) => r.user).sort()).toEqual(['say alpha', 'say beta', 'say gamma']);
  }, 300_000);

  test('check without any promptfooconfig.yaml searches the same way', async () => {
    fs.renameSync(project.path('promptfooconfig.yaml'), project.path('elsewhere.yaml'));
    try {
      const run = await project.run(['check']);
      expectExit(run, 0);
      expect(run.stdout).toContain('3 of 3 prompt files valid');
    } finally {
      fs.renameSync(project.path('elsewhere.yaml'), project.path('promptfooconfig.yaml'));
    }
  });
});

describe('init in a repository that keeps its prompt files outside prompts/', () => {
  test('writes a config that names no files and no example; check then finds the files where they are', async () => {
    const project = createProject(
      {
        '.github/prompts/a.prompt.yml': promptFile('alpha'),
        'evals/b.prompt.yml': promptFile('beta'),
      },
      [],
    );
    fs.rmSync(project.path('promptfooconfig.yaml'));
    const init = await project.run(['init']);
    expectExit(init, 0);
    expect(fs.existsSync(project.path('prompts/example.prompt.yml'))).toBe(false);
    const config = parse(project.read('promptfooconfig.yaml')) as {
      tests: { config: Record<string, unknown> }[];
    };
    expect(config.tests[0]?.config).toEqual({});
    // The workflow runs on a pull request that touches a prompt file anywhere.
    const workflow = parse(project.read('.github/workflows/prompt-eval.yml')) as {
      on: { pull_request: { paths: string[] } };
    };
    expect(workflow.on.pull_request.paths).toEqual(
      expect.arrayContaining(['**/*.prompt.yml', '**/*.prompt.yaml']),
    );
    const check = await project.run(['check']);
    expectExit(check, 0);
    expect(check.stdout).toContain('2 of 2 prompt files valid');
  });
});
