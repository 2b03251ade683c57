/**
 * Variants, repeats, and record/replay, through one recorded matrix: 2 models × 3 temperatures ×
 * `--repeat 3` over a one-row prompt file, run as a user would (`promptfoo eval --repeat 3`, cache on).
 * The recording run is then replayed with the model server stopped.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  live,
  replay,
  runEval,
  tempDir,
  variantOf,
  verdicts,
  type EvalRun,
  type RowResult,
} from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures/one_row.prompt.yml'), 'utf8');
const MODELS = ['gpt-4o', 'gpt-4o-mini'];
const TEMPERATURES = [0.2, 0.7, 1];
const REPEATS = 3;
const LABELS = MODELS.flatMap((m) => TEMPERATURES.map((t) => `${m} · T=${t}`));
/** The replay variant nobody recorded; unlabelled, so promptfoo names it by the provider's id(). */
const NEVER_RECORDED = 'gpt-4o · T=1.5 (replay)';
const SECRET_KEY = `sk-integration-${randomBytes(10).toString('hex')}`;
/** The gpt-4o-mini variants carry their key in provider config instead of the environment. */
const CONFIG_KEY = `sk-config-${randomBytes(10).toString('hex')}`;

/** Output by variant and repeat (promptfoo's testIdx), from a run's rows. */
function outputs(rows: RowResult[], strip = ''): Record<string, string> {
  return Object.fromEntries(
    rows.map((r) => [`${variantOf(r).replace(strip, '')} #${r.testIdx}`, String(r.response?.output)]),
  );
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile());
}

describe('variants and --repeat', () => {
  let server: ModelServer;
  let tripwire: ModelServer;
  let dir: string;
  let cassettes: string;
  let recorded: EvalRun;
  let replayed: EvalRun;

  beforeAll(async () => {
    server = await startModelServer((r) => `answer #${r.index} from ${r.model} at ${r.temperature}`);
    dir = tempDir();
    cassettes = path.join(dir, 'cassettes');
    recorded = await runEval({
      dir,
      files: { 'prompts/one_row.prompt.yml': FIXTURE },
      providers: MODELS.flatMap((model) =>
        TEMPERATURES.map((temperature) =>
          live({
            apiBaseUrl: server.baseUrl,
            model,
            temperature,
            ...(model === 'gpt-4o-mini' ? { apiKey: CONFIG_KEY } : {}),
          }),
        ),
      ),
      args: ['--repeat', String(REPEATS)],
      cache: true,
      env: { OPENAI_API_KEY: SECRET_KEY, PROMPTFILE_RECORD: cassettes },
    });
    await server.close();
    // Anything the replay run sends to an OpenAI endpoint lands here instead of vanishing into a refused port.
    tripwire = await startModelServer(() => 'the replay run called a model');
    replayed = await runEval({
      dir,
      files: { 'prompts/one_row.prompt.yml': FIXTURE },
      providers: [
        ...MODELS.flatMap((model) =>
          TEMPERATURES.map((temperature) => replay({ cassettes, model, temperature })),
        ),
        replay({ cassettes, model: 'gpt-4o', temperature: 1.5 }),
      ],
      args: ['--repeat', String(REPEATS)],
      cache: true,
      env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: tripwire.baseUrl },
    });
  });

  afterAll(() => tripwire.close());

  describe('variants and repeats reach the model as separate calls', () => {
    test(`${MODELS.length} models × ${TEMPERATURES.length} temperatures × ${REPEATS} repeats = exactly ${MODELS.length * TEMPERATURES.length * REPEATS} requests`, () => {
      expect(server.requests).toHaveLength(MODELS.length * TEMPERATURES.length * REPEATS);
      expect(verdicts(recorded)).toEqual(Array(18).fill('PASS'));
    });

    test("each request carries its variant's model and temperature, and the file's maxTokens as max_tokens", () => {
      const count: Record<string, number> = {};
      for (const r of server.requests) {
        const key = JSON.stringify({
          model: r.body?.['model'],
          temperature: r.body?.['temperature'],
          max_tokens: r.body?.['max_tokens'],
        });
        count[key] = (count[key] ?? 0) + 1;
      }
      const expected = Object.fromEntries(
        MODELS.flatMap((model) =>
          TEMPERATURES.map((temperature) => [
            JSON.stringify({ model, temperature, max_tokens: 4096 }),
            REPEATS,
          ]),
        ),
      );
      expect(count).toEqual(expected);
    });

    test('repeats are independent calls: each variant got three different answers', () => {
      const byVariant: Record<string, Set<string>> = {};
      for (const r of recorded.results?.results ?? [])
        (byVariant[variantOf(r)] ??= new Set()).add(String(r.response?.output));
      expect(Object.fromEntries(Object.entries(byVariant).map(([k, v]) => [k, v.size]))).toEqual(
        Object.fromEntries(LABELS.map((l) => [l, REPEATS])),
      );
    });

    test('columns are labelled model · T=temperature', () => {
      expect(recorded.results?.prompts.map((p) => p.provider)).toEqual(LABELS);
    });
  });

  describe('record then replay', () => {
    test('recording wrote one cassette per call, and the keys were really sent', () => {
      expect(listFiles(cassettes)).toHaveLength(18);
      const keyFor = (model: string | undefined) =>
        `Bearer ${model === 'gpt-4o-mini' ? CONFIG_KEY : SECRET_KEY}`;
      expect(server.requests.filter((r) => r.headers['authorization'] !== keyFor(r.model))).toEqual([]);
    });

    test('no cassette contains an API key, from the environment or from provider config', () => {
      const files = listFiles(cassettes);
      expect(files.length).toBeGreaterThan(0);
      expect(files.filter((f) => fs.readFileSync(f, 'utf8').includes(SECRET_KEY))).toEqual([]);
      expect(files.filter((f) => fs.readFileSync(f, 'utf8').includes(CONFIG_KEY))).toEqual([]);
      expect(replayed.resultsText).not.toContain(SECRET_KEY);
    });

    test('replay reproduces every output, per variant and repeat, without calling any model', () => {
      const recordedRows = recorded.results?.results ?? [];
      const replayedRows = (replayed.results?.results ?? []).filter((r) => variantOf(r) !== NEVER_RECORDED);
      expect(recordedRows).toHaveLength(18);
      expect(outputs(replayedRows, ' (replay)')).toEqual(outputs(recordedRows));
      expect(replayedRows.every((r) => r.success)).toBe(true);
      expect(tripwire.requests).toHaveLength(0);
    });

    test('a missing cassette is an error row that names what is missing, never a pass', () => {
      const missing = (replayed.results?.results ?? []).filter((r) => variantOf(r) === NEVER_RECORDED);
      expect(missing).toHaveLength(REPEATS);
      for (const r of missing) {
        expect(r.success).toBe(false);
        expect(r.failureReason).toBe(2);
        expect(r.error).toMatch(
          /^gpt-4o · T=1\.5 \(replay\): no cassette for prompts\/one_row\.prompt\.yml row 0, openai:chat:gpt-4o T=1\.5, repeat [0-2]: expected /,
        );
      }
      expect(replayed.results?.stats.errors).toBe(REPEATS);
      expect(replayed.code).toBe(100);
    });
  });
});
