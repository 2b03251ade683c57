/**
 * Which model grades a judge, and with which key (src/variants/grader.ts). gh models graded with its own model on
 * the account that ran the prompt; here the default is the prompt file's own model, reached as its live variant
 * reaches it. A judge's modelId is only ever sent its own provider family's key.
 */
import { loadPromptFileText } from '../../../src/promptfile/load';
import type { Evaluator } from '../../../src/evaluators/registry';
import type { PromptFile } from '../../../src/promptfile/model';
import { resolveGrader, type Connection } from '../../../src/variants/grader';

function load(yaml: string): PromptFile {
  const result = loadPromptFileText('prompts/judged.prompt.yml', yaml);
  if (!result.file) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.file;
}

const FILE = load(`model: openai/gpt-4o-mini
messages:
  - role: user
    content: "{{input}}"
testData:
  - input: hi
    expected: hello
evaluators:
  - name: Similarity
    uses: github/similarity
  - name: Own judge
    llm:
      prompt: "{{completion}}"
      choices: [{ choice: "yes", score: 1 }, { choice: "no", score: 0 }]
  - name: Same family
    llm:
      modelId: openai/gpt-4o
      prompt: "{{completion}}"
      choices: [{ choice: "yes", score: 1 }]
  - name: Claude judge
    llm:
      modelId: anthropic/claude-3-5-haiku-latest
      prompt: "{{completion}}"
      choices: [{ choice: "yes", score: 1 }]
`);

const evaluator = (name: string): Evaluator => {
  const found = FILE.evaluators.find((e) => e.name === name);
  if (!found) throw new Error(name);
  return found;
};

/** The live variant of the harness: a loopback server with a key in its config. */
const LIVE: Connection = {
  target: 'openai:chat:gpt-4o-mini',
  config: { apiBaseUrl: 'http://127.0.0.1:1234/v1', apiKeyEnvar: 'PROMPTFILE_API_KEY_1' },
  env: { PROMPTFILE_API_KEY_1: 'sk-variant' },
};

describe('the default grader is the prompt file’s own model, as gh graded with its own', () => {
  it('reached through the live variant’s endpoint and key when that variant is of the same family', () => {
    for (const name of ['Similarity', 'Own judge']) {
      expect(resolveGrader({ file: FILE, evaluator: evaluator(name), variant: LIVE, env: {} })).toEqual({
        reachable: true,
        id: 'openai:chat:gpt-4o-mini',
        config: LIVE.config,
        env: LIVE.env,
        source: 'file model',
      });
    }
  });

  it('the file’s model, not the variant’s: every variant of a file is judged by the same grader', () => {
    const other = { ...LIVE, target: 'openai:chat:gpt-4.1' };
    expect(
      resolveGrader({ file: FILE, evaluator: evaluator('Similarity'), variant: other, env: {} }),
    ).toMatchObject({
      id: 'openai:chat:gpt-4o-mini',
    });
  });

  it('with no live variant (offline reference, replay without a key), the family’s key variable', () => {
    expect(
      resolveGrader({ file: FILE, evaluator: evaluator('Similarity'), env: { OPENAI_API_KEY: 'sk-env' } }),
    ).toEqual({ reachable: true, id: 'openai:chat:gpt-4o-mini', config: {}, source: 'file model' });
  });

  it('none reachable: says why, and the cause is one line for the whole run', () => {
    const a = resolveGrader({ file: FILE, evaluator: evaluator('Similarity'), env: {} });
    const b = resolveGrader({ file: FILE, evaluator: evaluator('Own judge'), env: {} });
    expect(a).toEqual({
      reachable: false,
      cause:
        "model-graded evaluators are not graded: OPENAI_API_KEY is not set, and the default grader is each prompt file's own model; set it, or configure grader: in promptfooconfig.yaml",
      reason:
        "model-graded evaluators are not graded: OPENAI_API_KEY is not set, and the default grader is each prompt file's own model; set it, or configure grader: in promptfooconfig.yaml (here openai:chat:gpt-4o-mini)",
    });
    expect(b.reachable === false && b.cause).toBe(a.reachable === false && a.cause);
  });

  it('a variant of another family lends nothing: its key is for its own provider', () => {
    const claude: Connection = {
      target: 'anthropic:messages:claude-3-5-haiku-latest',
      config: { apiKey: 'sk-ant-variant' },
    };
    expect(
      resolveGrader({ file: FILE, evaluator: evaluator('Similarity'), variant: claude, env: {} }),
    ).toMatchObject({
      reachable: false,
    });
  });

  it('a file with no model is graded by its variant’s model', () => {
    const bare = load(`messages: [{ role: user, content: hi }]
evaluators: [{ name: Fluent, uses: github/fluency }]
`);
    expect(
      resolveGrader({ file: bare, evaluator: bare.evaluators[0]!, variant: LIVE, env: {} }),
    ).toMatchObject({ reachable: true, id: 'openai:chat:gpt-4o-mini' });
    expect(resolveGrader({ file: bare, evaluator: bare.evaluators[0]!, env: {} })).toMatchObject({
      reachable: false,
      reason:
        'model-graded evaluators are not graded: the prompt file names no model and promptfooconfig.yaml configures no grader',
    });
  });

  it('a model that needs no key (ollama) is always reachable', () => {
    const local = load(`model: ollama/llama3
messages: [{ role: user, content: hi }]
evaluators: [{ name: Fluent, uses: github/fluency }]
`);
    expect(resolveGrader({ file: local, evaluator: local.evaluators[0]!, env: {} })).toMatchObject({
      reachable: true,
      id: 'ollama:chat:llama3',
    });
  });
});

describe('a grader configured in promptfooconfig.yaml replaces the default', () => {
  const configured = {
    id: 'openai:chat:judge',
    config: { apiBaseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-judge' },
  };

  it('for built-in judges and llm judges without a modelId', () => {
    for (const name of ['Similarity', 'Own judge']) {
      expect(
        resolveGrader({ file: FILE, evaluator: evaluator(name), configured, variant: LIVE, env: {} }),
      ).toEqual({
        reachable: true,
        id: 'openai:chat:judge',
        config: configured.config,
        source: 'configured',
      });
    }
  });

  it('and says so when its key is missing', () => {
    expect(
      resolveGrader({
        file: FILE,
        evaluator: evaluator('Similarity'),
        configured: { id: 'anthropic:messages:claude-x' },
        env: {},
      }),
    ).toMatchObject({
      reachable: false,
      reason:
        'model-graded evaluators are not graded: the configured grader anthropic:messages:claude-x needs ANTHROPIC_API_KEY, which is not set',
    });
  });
});

describe("a judge's modelId picks its model, as in gh, and only ever gets its own family's key", () => {
  it('a modelId of the grader’s family goes through the grader’s endpoint and key', () => {
    const configured = {
      id: 'openai:chat:judge',
      config: { apiBaseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-judge' },
    };
    expect(resolveGrader({ file: FILE, evaluator: evaluator('Same family'), configured, env: {} })).toEqual({
      reachable: true,
      id: 'openai:chat:gpt-4o',
      config: configured.config,
      source: 'modelId',
    });
  });

  it('a modelId of the variant’s family, with no grader configured, goes through the variant', () => {
    expect(
      resolveGrader({ file: FILE, evaluator: evaluator('Same family'), variant: LIVE, env: {} }),
    ).toEqual({
      reachable: true,
      id: 'openai:chat:gpt-4o',
      config: LIVE.config,
      env: LIVE.env,
      source: 'modelId',
    });
  });

  it('an anthropic modelId gets ANTHROPIC_API_KEY and nothing of the OpenAI grader or variant', () => {
    const configured = {
      id: 'openai:chat:judge',
      config: { apiBaseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-judge' },
    };
    const grader = resolveGrader({
      file: FILE,
      evaluator: evaluator('Claude judge'),
      configured,
      variant: LIVE,
      env: { OPENAI_API_KEY: 'sk-openai', ANTHROPIC_API_KEY: 'sk-ant' },
    });
    expect(grader).toEqual({
      reachable: true,
      id: 'anthropic:messages:claude-3-5-haiku-latest',
      config: {},
      source: 'modelId',
    });
    expect(JSON.stringify(grader)).not.toMatch(
      /sk-judge|sk-variant|sk-openai|127\.0\.0\.1|PROMPTFILE_API_KEY/,
    );
  });

  it('refuses, in one line naming file, line, column and key, when its own key is missing', () => {
    expect(
      resolveGrader({
        file: FILE,
        evaluator: evaluator('Claude judge'),
        variant: LIVE,
        env: { OPENAI_API_KEY: 'sk-openai' },
      }),
    ).toEqual({
      reachable: false,
      reason:
        "prompts/judged.prompt.yml:22:7: evaluator 'Claude judge' is not graded: its llm.modelId 'anthropic/claude-3-5-haiku-latest' may only use anthropic's own key, and ANTHROPIC_API_KEY is not set; OPENAI_API_KEY is never sent to anthropic",
      cause:
        "prompts/judged.prompt.yml:22:7: evaluator 'Claude judge' is not graded: its llm.modelId 'anthropic/claude-3-5-haiku-latest' may only use anthropic's own key, and ANTHROPIC_API_KEY is not set; OPENAI_API_KEY is never sent to anthropic",
    });
  });
});
