/**
 * Several prompt files in one run: promptfoo has one prompt function for all of them, so each test must be
 * rendered with its own file's messages, never another file's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { live, runEval, verdicts, type EvalRun } from '../support/eval';
import { startModelServer, type LoggedMessage, type ModelServer } from '../support/server';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

/** The exact messages each row must be sent with, keyed by the row's value. */
const EXPECTED: Record<string, LoggedMessage[]> = {
  ...Object.fromEntries(
    ['alpha row zero', 'alpha row one'].map((text) => [
      text,
      [
        { role: 'system', content: 'ALPHA-SYSTEM. You translate to French.' },
        { role: 'user', content: `Translate: ${text}` },
      ],
    ]),
  ),
  ...Object.fromEntries(
    ['beta row zero', 'beta row one', 'beta row two'].map((document) => [
      document,
      [
        { role: 'system', content: 'BETA-SYSTEM. You summarise in one line.' },
        { role: 'user', content: `Summarise: ${document}` },
        { role: 'assistant', content: 'Understood.' },
        { role: 'user', content: `Now the summary of ${document}, please.` },
      ],
    ]),
  ),
};

describe('two prompt files in one run', () => {
  let server: ModelServer;
  let run: EvalRun;

  beforeAll(async () => {
    server = await startModelServer(
      (r) => `${r.system.split('.')[0]} answered: ${r.messages.at(-1)?.content}`,
    );
    run = await runEval({
      files: {
        'prompts/alpha.prompt.yml': fixture('alpha.prompt.yml'),
        'prompts/nested/beta.prompt.yml': fixture('beta.prompt.yml'),
      },
      providers: [live({ apiBaseUrl: server.baseUrl }, 'reference')],
      env: { OPENAI_API_KEY: 'sk-test' },
    });
  });

  afterAll(() => server.close());

  test('both files are discovered: 2 + 3 rows, all pass', () => {
    expect(verdicts(run)).toEqual(Array(5).fill('PASS'));
    expect(server.requests).toHaveLength(5);
  });

  test("each request carries exactly its own file's messages for its row", () => {
    const sent = Object.fromEntries(
      server.requests.map((r) => [
        Object.keys(EXPECTED).find((value) => r.messages.some((m) => m.content.includes(value))) ??
          `unknown ${r.index}`,
        r.messages,
      ]),
    );
    expect(sent).toEqual(EXPECTED);
  });

  test('each result row belongs to its file and got the answer to its own system prompt', () => {
    const rows = (run.results?.results ?? []).map((r) => [
      r.testCase.metadata?.promptfile?.file,
      String(r.response?.output).split(' ')[0],
    ]);
    expect(rows.sort()).toEqual([
      ['prompts/alpha.prompt.yml', 'ALPHA-SYSTEM'],
      ['prompts/alpha.prompt.yml', 'ALPHA-SYSTEM'],
      ['prompts/nested/beta.prompt.yml', 'BETA-SYSTEM'],
      ['prompts/nested/beta.prompt.yml', 'BETA-SYSTEM'],
      ['prompts/nested/beta.prompt.yml', 'BETA-SYSTEM'],
    ]);
  });
});
