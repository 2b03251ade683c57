/** The offline reference registry looks prompt files up by name, and names from Object.prototype find nothing. */
import type { PromptFile } from '../../../src/promptfile/model';
import { referenceAnswer } from '../../../src/reference/registry';

const named = (name: string) => ({ name, path: `prompts/${name}.prompt.yml` }) as PromptFile;

describe('the reference registry', () => {
  it('has the gossip architect', () => {
    expect(referenceAnswer(named('peer_to_peer_gossip_protocol_architect'), {})).toHaveProperty('output');
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'finds no reference for a file named %s, and says so in words',
    (name) => {
      const answer = referenceAnswer(named(name), {});
      expect(answer).toEqual({
        error: expect.stringMatching(new RegExp(`^no offline reference for prompt file '${name}'`)),
      });
    },
  );
});
