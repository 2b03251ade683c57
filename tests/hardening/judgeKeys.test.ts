/**
 * A judge's key stays with its own provider. One prompt file has a built-in judge (graded by default with the file's
 * own OpenAI model, on the variant's key) and an `llm` judge whose `modelId` names an Anthropic model. Both providers
 * are the same loopback server (its /v1/chat/completions and /v1/messages routes), so its log shows which key every
 * call carried. Through `promptfile eval` with debug logging: with both keys set, then with no Anthropic key (the
 * judge is refused), then replayed with no key at all (nothing is graded). No key reaches the other provider, and
 * none lands in a file or a printed line; the refusal and the no-grader line are each printed once.
 */
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { live } from '../support/eval';
import { startModelServer, type LoggedRequest, type ModelServer } from '../support/server';
import { type CliRun } from '../support/cli';
import { filesContaining, promptfile, workspace, type Workspace } from '../support/workspace';

const secret = (label: string) => `sk-judgekeys-${label}${randomBytes(12).toString('hex')}`;
const OPENAI_KEY = secret('openai-');
const CONFIG_KEY = secret('cfg-');
const ANTHROPIC_KEY = secret('ant-');
const KEYS = { OPENAI_KEY, CONFIG_KEY, ANTHROPIC_KEY };

const isGrading = (r: LoggedRequest) => r.user.includes('ANSWER:');

let server: ModelServer;
let ws: Workspace;
const runs: Record<string, CliRun> = {};
const requests: Record<string, LoggedRequest[]> = {};

beforeAll(async () => {
  server = await startModelServer((r) => {
    if (r.path.endsWith('/messages')) return 'yes, it answers';
    if (isGrading(r)) return 'Rating: 4/5';
    return `ANSWER: about ${r.user}`;
  });
  ws = workspace({
    files: {
      'prompts/judged.prompt.yml': stringify({
        name: 'judged',
        model: 'openai/gpt-4o',
        messages: [{ role: 'user', content: 'Answer {{q}}' }],
        testData: [{ q: 'row zero' }, { q: 'row one' }],
        evaluators: [
          { name: 'Fluent', uses: 'github/fluency' },
          {
            name: 'Claude judge',
            llm: {
              modelId: 'anthropic/claude-3-5-haiku-latest',
              prompt: 'Does this answer? {{completion}}',
              choices: [
                { choice: 'yes', score: 1 },
                { choice: 'no', score: 0 },
              ],
            },
          },
        ],
      }),
    },
    providers: [
      live({ apiBaseUrl: server.baseUrl }, 'env-keyed'),
      live({ apiBaseUrl: server.baseUrl, model: 'gpt-4o-mini', apiKey: CONFIG_KEY }, 'config-keyed'),
    ],
    env: {
      OPENAI_API_KEY: OPENAI_KEY,
      ANTHROPIC_BASE_URL: server.baseUrl.replace(/\/v1$/, ''),
      LOG_LEVEL: 'debug',
    },
  });
  const steps: [string, string[], Record<string, string>][] = [
    ['keyed', ['eval', '--record', 'cassettes', '-o', 'keyed'], { ANTHROPIC_API_KEY: ANTHROPIC_KEY }],
    ['refused', ['eval', '-o', 'refused'], {}],
    ['replayed', ['eval', '--replay', 'cassettes', '-o', 'replayed'], { OPENAI_API_KEY: '' }],
  ];
  for (const [name, args, env] of steps) {
    server.reset();
    runs[name] = await promptfile(ws, args, env);
    requests[name] = [...server.requests];
  }
});

afterAll(() => server.close());

describe('each judge used its own provider’s key', () => {
  test('the built-in judge graded with each variant’s own key; the Anthropic judge with ANTHROPIC_API_KEY', () => {
    const keyed = requests['keyed'] ?? [];
    const gradings = keyed.filter((r) => r.path === '/v1/chat/completions' && isGrading(r));
    expect(gradings).toHaveLength(4);
    expect(
      [...new Set(gradings.map((r) => `${r.model} ${String(r.headers['authorization'])}`))].sort(),
    ).toEqual([`gpt-4o Bearer ${CONFIG_KEY}`, `gpt-4o Bearer ${OPENAI_KEY}`]);
    const anthropic = keyed.filter((r) => r.path === '/v1/messages');
    expect(anthropic).toHaveLength(4);
    expect(new Set(anthropic.map((r) => r.headers['x-api-key']))).toEqual(new Set([ANTHROPIC_KEY]));
    expect(runs['keyed']?.code).toBe(0);
  });

  test('no OpenAI key ever reached the Anthropic route, and the Anthropic key no OpenAI call', () => {
    const all = Object.values(requests).flat();
    for (const r of all.filter((x) => x.path === '/v1/messages')) {
      const seen = JSON.stringify([r.headers, r.raw, r.path]);
      expect(seen).not.toContain(OPENAI_KEY);
      expect(seen).not.toContain(CONFIG_KEY);
    }
    for (const r of all.filter((x) => x.path !== '/v1/messages'))
      expect(JSON.stringify([r.headers, r.raw, r.path])).not.toContain(ANTHROPIC_KEY);
  });

  test('without ANTHROPIC_API_KEY the judge is refused once, in one line naming the file, modelId’s line and the key', () => {
    const refused = runs['refused']!;
    const line =
      "promptfile: prompts/judged.prompt.yml:14:7: evaluator 'Claude judge' is not graded: its llm.modelId " +
      "'anthropic/claude-3-5-haiku-latest' may only use anthropic's own key, and ANTHROPIC_API_KEY is not set; ";
    const printed = (refused.stdout + refused.stderr).split('\n').filter((l) => l.startsWith(line));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/never sent to anthropic$/);
    expect((requests['refused'] ?? []).filter((r) => r.path === '/v1/messages')).toEqual([]);
    expect(refused.code).toBe(1);
  });

  test('replayed with no key at all, nothing is graded and the cause is printed once', () => {
    const replayed = runs['replayed']!;
    expect(requests['replayed']).toEqual([]);
    const said = (replayed.stdout + replayed.stderr)
      .split('\n')
      .filter((l) =>
        l.startsWith('promptfile: model-graded evaluators are not graded: OPENAI_API_KEY is not set'),
      );
    expect(said).toHaveLength(1);
    expect(replayed.code).toBe(1);
  });
});

describe('no key in any artefact or printed line', () => {
  test.each(Object.entries(KEYS))(
    '%s is in no file but the user-written promptfooconfig.yaml',
    (name, key) => {
      expect(filesContaining(ws.dir, key)).toEqual(name === 'CONFIG_KEY' ? ['promptfooconfig.yaml'] : []);
    },
  );

  test.each(Object.entries(KEYS))('%s is never printed by any run', (_, key) => {
    for (const [name, r] of Object.entries(runs)) {
      const text = r.stdout + r.stderr;
      const at = text.indexOf(key);
      expect(`${name}: ${at === -1 ? 'clean' : text.slice(Math.max(0, at - 300), at + 100)}`).toBe(
        `${name}: clean`,
      );
    }
  });
});
