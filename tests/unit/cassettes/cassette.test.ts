/**
 * Cassettes: a recorded model call is keyed by everything that determines the answer, and nothing else, so
 * replay finds it again on any machine and never serves the answer to a different request.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cassetteKey,
  cassettePath,
  cassetteRequest,
  readCassette,
  writeCassette,
  type Cassette,
} from '../../../src/cassettes/cassette';
import type { ChatMessage } from '../../../src/promptfile/messages';
import type { CallSettings } from '../../../src/variants/variant';

const settings: CallSettings = {
  model: 'gpt-4o',
  target: 'openai:chat:gpt-4o',
  temperature: 0.2,
  maxTokens: 4096,
};
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are an architect.' },
  { role: 'user', content: 'Design gossip for {{x}}.' },
];
const key = (s: CallSettings = settings, m: ChatMessage[] = messages, repeat = 0) =>
  cassetteKey(cassetteRequest(s, m, repeat));

describe('a cassette key is stable', () => {
  it('is the same for the same request, however its objects were built', () => {
    const reordered = {
      maxTokens: 4096,
      temperature: 0.2,
      target: 'openai:chat:gpt-4o',
      model: 'gpt-4o',
    } as CallSettings;
    expect(key(reordered)).toBe(key());
  });

  it('treats an unset parameter and one set to undefined alike', () => {
    expect(key({ ...settings, topP: undefined })).toBe(key());
  });

  it('is the sha256 of the request as JSON with sorted keys, so committed cassettes keep replaying', () => {
    const canonical =
      '{"messages":[{"content":"You are an architect.","role":"system"},{"content":"Design gossip for {{x}}.","role":"user"}],' +
      '"parameters":{"maxTokens":4096,"model":"gpt-4o","temperature":0.2},"repeat":0,"target":"openai:chat:gpt-4o"}';
    expect(key()).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(key()).toBe('533cf9736eb97bdd7f5fc44aaeadf52618ec0fa0cc7095d5477ffedf9702da3e');
  });
});

describe('a cassette key changes with anything that can change the answer', () => {
  it.each([
    ['the model', { ...settings, model: 'gpt-4o-mini', target: 'openai:chat:gpt-4o-mini' }, messages, 0],
    ['the target alone', { ...settings, target: 'azure:chat:gpt-4o' }, messages, 0],
    ['the temperature', { ...settings, temperature: 0.7 }, messages, 0],
    ['maxTokens', { ...settings, maxTokens: 100 }, messages, 0],
    ['topP', { ...settings, topP: 0.5 }, messages, 0],
    ['the response format', { ...settings, responseFormat: 'json_object' as const }, messages, 0],
    [
      'a message',
      settings,
      [messages[0]!, { role: 'user' as const, content: 'Design gossip for {{y}}.' }],
      0,
    ],
    ['a role', settings, [{ ...messages[0]!, role: 'developer' as const }, messages[1]!], 0],
    ['the order of messages', settings, [messages[1]!, messages[0]!], 0],
    ['the repeat', settings, messages, 1],
  ])('%s', (_what, s, m, repeat) => {
    expect(key(s, m, repeat)).not.toBe(key());
  });
});

describe('a cassette request holds what the answer depends on and no secrets', () => {
  it('has exactly target, parameters, messages and repeat', () => {
    expect(cassetteRequest(settings, messages, 2)).toEqual({
      target: 'openai:chat:gpt-4o',
      parameters: { model: 'gpt-4o', temperature: 0.2, maxTokens: 4096 },
      messages,
      repeat: 2,
    });
  });
});

describe('cassettes on disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptfile-cassettes-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const request = cassetteRequest(settings, messages, 3);
  const cassette: Cassette = {
    key: cassetteKey(request),
    promptFile: 'prompts/x.prompt.yml',
    row: 1,
    request,
    response: { output: 'A design.', tokenUsage: { total: 12 } },
  };

  it('are filed by prompt, target, row, repeat and key prefix, with unsafe characters replaced', () => {
    expect(path.relative(dir, cassettePath(dir, 'peer to peer/gossip', request, 1))).toBe(
      path.join('peer_to_peer_gossip', 'openai_chat_gpt-4o', `row1-r3-${cassette.key.slice(0, 12)}.json`),
    );
  });

  it('read back what was written, with no temporary file left behind', () => {
    const file = cassettePath(dir, 'peer', request, 1);
    writeCassette(file, cassette);
    expect(readCassette(file, request)).toEqual(cassette);
    expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
    expect(fs.readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('are not served for a different request, even at the same path', () => {
    const file = cassettePath(dir, 'peer', request, 1);
    writeCassette(file, cassette);
    expect(readCassette(file, cassetteRequest({ ...settings, temperature: 1 }, messages, 3))).toBeUndefined();
  });

  it('are absent when never recorded', () => {
    expect(readCassette(path.join(dir, 'none.json'), request)).toBeUndefined();
  });
});
