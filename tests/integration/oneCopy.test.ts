/**
 * One copy of promptfoo: a live variant on an OpenAI-compatible endpoint is called by our small client
 * (src/models/openaiChat.ts), so the CLI never loads promptfoo's CommonJS build beside its own ESM modules. A config
 * that needs promptfoo's provider (here: OpenAI `tools`) still loads it, which shows the probe can see a second copy.
 * Through the real promptfoo CLI, against a model server on 127.0.0.1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { live, runEval, tempDir, type EvalRun } from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';

const FILE = [
  'name: one-copy',
  'model: gpt-4o',
  'modelParameters: { temperature: 0.3 }',
  'messages:',
  '  - { role: user, content: "say {{word}}" }',
  'testData:',
  '  - word: apples',
  '  - word: pears',
  'evaluators:',
  '  - name: Says it',
  '    string: { contains: "{{word}}" }',
  '',
].join('\n');

/** A --require'd script that writes, at exit, the promptfoo CommonJS modules this process loaded. */
function probe(dir: string): { script: string; report: string } {
  const script = path.join(dir, 'probe.cjs');
  const report = path.join(dir, 'probe.json');
  fs.writeFileSync(
    script,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(
      Object.keys(require.cache).filter((f) => /[\\\\/]promptfoo[\\\\/]dist[\\\\/]src[\\\\/]index\\.cjs$/.test(f)))));\n`,
  );
  return { script, report };
}

describe('a live OpenAI-compatible variant runs on the CLI’s one copy of promptfoo', () => {
  let server: ModelServer;
  const runs: Record<string, { run: EvalRun; loaded: string[] }> = {};

  beforeAll(async () => {
    server = await startModelServer((r) => `I say ${/say (\w+)/.exec(r.user)?.[1] ?? ''}`);
    for (const [name, config] of Object.entries({
      direct: { apiBaseUrl: server.baseUrl },
      viaPromptfoo: {
        apiBaseUrl: server.baseUrl,
        tools: [{ type: 'function', function: { name: 'noop', parameters: { type: 'object' } } }],
      },
    })) {
      const { script, report } = probe(tempDir('probe-'));
      const run = await runEval({
        files: { 'prompts/one.prompt.yml': FILE },
        providers: [live(config, name)],
        env: { OPENAI_API_KEY: 'sk-one-copy', NODE_OPTIONS: `--require ${script}` },
      });
      runs[name] = { run, loaded: JSON.parse(fs.readFileSync(report, 'utf8')) as string[] };
    }
  }, 300_000);

  afterAll(() => server.close());

  test('the direct client answers every row and loads no second promptfoo', () => {
    const { run, loaded } = runs['direct']!;
    expect(run.code).toBe(0);
    expect(run.results?.results.map((r) => r.success)).toEqual([true, true]);
    expect(loaded).toEqual([]);
  });

  test('it sent the file’s parameters only, with the key from the environment', () => {
    const sent = server.requests.filter((r) => !r.raw.includes('"tools"'));
    expect(sent).toHaveLength(2);
    for (const r of sent) {
      expect(Object.keys(r.body ?? {}).sort()).toEqual(['messages', 'model', 'temperature']);
      expect(r.temperature).toBe(0.3);
      expect(r.headers['authorization']).toBe('Bearer sk-one-copy');
    }
  });

  test('a config only promptfoo’s provider serves still works, on promptfoo’s CommonJS copy', () => {
    const { run, loaded } = runs['viaPromptfoo']!;
    expect(run.code).toBe(0);
    expect(run.results?.results.map((r) => r.success)).toEqual([true, true]);
    expect(loaded).toHaveLength(1);
  });
});
