/**
 * Variants: model names as prompt files write them -> promptfoo provider ids, the compact matrix flag, the
 * reasoning models that ignore temperature, and the labels that name each column.
 */
import * as path from 'node:path';
import { loadPromptFileOrThrow } from '../../../src/promptfile/load';
import {
  callSettings,
  expandMatrix,
  ignoresTemperature,
  keyVariable,
  parseMatrix,
  variantLabel,
} from '../../../src/variants/variant';
import { targetFor } from '../../../src/promptfile/modelId';

describe('targetFor maps a prompt file model to a promptfoo provider id', () => {
  it.each([
    ['gpt-4o', 'openai:chat:gpt-4o'],
    ['openai/gpt-4o', 'openai:chat:gpt-4o'],
    ['azure-openai/gpt-4o-mini', 'openai:chat:gpt-4o-mini'],
    ['anthropic/claude-3-5-sonnet-latest', 'anthropic:messages:claude-3-5-sonnet-latest'],
    ['claude-3-5-haiku-latest', 'anthropic:messages:claude-3-5-haiku-latest'],
    ['azure/my-deployment', 'azure:chat:my-deployment'],
    ['ollama/llama3.1', 'ollama:chat:llama3.1'],
    ['ollama/llama3.1:8b', 'ollama:chat:llama3.1:8b'],
    ['meta/llama-3', 'openai:chat:meta/llama-3'],
    ['xai/grok-3', 'openai:chat:xai/grok-3'],
  ])('%s -> %s', (model, target) => {
    expect(targetFor(model)).toBe(target);
  });

  it.each([
    'openai:chat:gpt-4o-mini',
    'anthropic:messages:claude-3-5-sonnet-latest',
    'ollama:chat:llama3.1:8b',
    'openai:gpt-4o',
  ])('passes the full promptfoo id %s through', (id) => {
    expect(targetFor(id)).toBe(id);
  });
});

describe('reasoning models ignore temperature', () => {
  it.each(['o1', 'o1-mini', 'o3', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini'])('%s ignores it', (model) => {
    expect(ignoresTemperature(targetFor(model))).toBe(true);
  });

  it.each(['gpt-4o', 'gpt-4o-mini', 'gpt-5-chat-latest', 'claude-3-5-haiku-latest', 'meta/llama-3', 'o1ne'])(
    '%s honours it',
    (model) => {
      expect(ignoresTemperature(targetFor(model))).toBe(false);
    },
  );

  it("reads promptfoo's short id and a bare model name alike", () => {
    expect(ignoresTemperature('openai:o1')).toBe(true);
    expect(ignoresTemperature('openai:responses:o3')).toBe(true);
    expect(ignoresTemperature('openai/o1')).toBe(true);
    expect(ignoresTemperature('openai:gpt-4o')).toBe(false);
  });
});

describe('parseMatrix reads models x temperatures', () => {
  it('reads the example from the docs', () => {
    expect(parseMatrix('gpt-4o,gpt-4o-mini x 0.2,0.7,1.0')).toEqual({
      model: ['gpt-4o', 'gpt-4o-mini'],
      temperature: [0.2, 0.7, 1],
    });
  });

  it('accepts × and spaces after commas', () => {
    expect(parseMatrix('gpt-4o, gpt-4o-mini×0.2, 1')).toEqual({
      model: ['gpt-4o', 'gpt-4o-mini'],
      temperature: [0.2, 1],
    });
  });

  it('leaves a side out when it is empty', () => {
    expect(parseMatrix(' x 0.2,1.0')).toEqual({ temperature: [0.2, 1] });
    expect(parseMatrix('gpt-4o,o3-mini')).toEqual({ model: ['gpt-4o', 'o3-mini'] });
    expect(parseMatrix('gpt-4o x')).toEqual({ model: ['gpt-4o'] });
  });

  it('accepts T= before a temperature', () => {
    expect(parseMatrix('gpt-4o x T=0.5')).toEqual({ model: ['gpt-4o'], temperature: [0.5] });
  });

  it('does not split a model id that starts with or contains an x', () => {
    expect(parseMatrix('gpt-4o, xai/grok-3 x 0.2')).toEqual({
      model: ['gpt-4o', 'xai/grok-3'],
      temperature: [0.2],
    });
    expect(parseMatrix('mistral-ai/mixtral-8x7b x 0')).toEqual({
      model: ['mistral-ai/mixtral-8x7b'],
      temperature: [0],
    });
  });

  it('refuses a second x', () => {
    expect(() => parseMatrix('gpt-4o x 0.2 x 0.7')).toThrow(
      "matrix 'gpt-4o x 0.2 x 0.7' has more than one 'x'",
    );
  });

  it.each(['hot', '2.5', '-0.1'])('refuses temperature %s', (t) => {
    expect(() => parseMatrix(`gpt-4o x ${t}`)).toThrow(
      `matrix temperature '${t}' is not a number between 0 and 2`,
    );
  });
});

describe('expandMatrix gives every combination, models outermost', () => {
  it('orders model, then temperature, then topP, then maxTokens', () => {
    expect(
      expandMatrix({ model: ['a', 'b'], temperature: [0, 1], topP: [0.5], maxTokens: [10, 20] }),
    ).toEqual([
      { model: 'a', temperature: 0, topP: 0.5, maxTokens: 10 },
      { model: 'a', temperature: 0, topP: 0.5, maxTokens: 20 },
      { model: 'a', temperature: 1, topP: 0.5, maxTokens: 10 },
      { model: 'a', temperature: 1, topP: 0.5, maxTokens: 20 },
      { model: 'b', temperature: 0, topP: 0.5, maxTokens: 10 },
      { model: 'b', temperature: 0, topP: 0.5, maxTokens: 20 },
      { model: 'b', temperature: 1, topP: 0.5, maxTokens: 10 },
      { model: 'b', temperature: 1, topP: 0.5, maxTokens: 20 },
    ]);
  });

  it('expands the docs example to six variants', () => {
    expect(expandMatrix(parseMatrix('gpt-4o,gpt-4o-mini x 0.2,0.7,1.0')).map((v) => variantLabel(v))).toEqual(
      [
        'gpt-4o · T=0.2',
        'gpt-4o · T=0.7',
        'gpt-4o · T=1',
        'gpt-4o-mini · T=0.2',
        'gpt-4o-mini · T=0.7',
        'gpt-4o-mini · T=1',
      ],
    );
  });

  it("skips empty axes, and an empty matrix is the file's own settings once", () => {
    expect(expandMatrix({ model: [], temperature: [0.3] })).toEqual([{ temperature: 0.3 }]);
    expect(expandMatrix({})).toEqual([{}]);
  });
});

describe('variant labels name what differs from the file', () => {
  it.each([
    [{ model: 'gpt-4o', temperature: 0.2 }, false, 'gpt-4o · T=0.2'],
    [{ model: 'gpt-4o', topP: 0.9, maxTokens: 100 }, false, 'gpt-4o · topP=0.9 · max=100'],
    [{ temperature: 0 }, false, 'file model · T=0'],
    [{}, true, 'reference'],
  ])('%j -> %s', (overrides, reference, label) => {
    expect(variantLabel(overrides, reference)).toBe(label);
  });
});

describe("call settings: the file's own, then the variant's overrides", () => {
  const file = loadPromptFileOrThrow(
    path.resolve(__dirname, '../../fixtures/valid/github-format.prompt.yml'),
  ).file;

  it('uses the file model and parameters when the variant overrides nothing', () => {
    expect(callSettings(file, {})).toEqual({
      model: 'openai/gpt-4o-mini',
      target: 'openai:chat:gpt-4o-mini',
      temperature: 0.5,
      maxTokens: 200,
      topP: 0.9,
      responseFormat: 'json_schema',
      jsonSchema: file.jsonSchema,
    });
  });

  it('overrides the model and only the parameters the variant sets', () => {
    expect(callSettings(file, { model: 'anthropic/claude-3-5-haiku-latest', temperature: 0 })).toMatchObject({
      model: 'anthropic/claude-3-5-haiku-latest',
      target: 'anthropic:messages:claude-3-5-haiku-latest',
      temperature: 0,
      maxTokens: 200,
    });
  });

  it('refuses a call with no model anywhere', () => {
    const { model: _model, ...modelless } = file;
    expect(() => callSettings(modelless, {})).toThrow("sets no 'model' and the variant names none");
  });

  it('names the API key variable each family needs', () => {
    expect(
      [targetFor('gpt-4o'), targetFor('claude-3-opus'), targetFor('azure/x'), targetFor('ollama/x')].map(
        keyVariable,
      ),
    ).toEqual(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'AZURE_API_KEY', undefined]);
  });
});
