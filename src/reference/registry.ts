/** Offline reference answers, by prompt file. Deterministic; used as the no-key baseline. */
import type { PromptFile } from '../promptfile/model';
import { gossipArchitect } from '../gossip/architect';

type Reference = (variables: Record<string, string>) => string;

/** A Map, not an object: a prompt file named `toString` or `constructor` must find nothing. */
const REFERENCES = new Map<string, Reference>([['peer_to_peer_gossip_protocol_architect', gossipArchitect]]);

/** The reference answer for a row, or an error saying there is no reference for this prompt file. */
export function referenceAnswer(
  file: PromptFile,
  variables: Record<string, string>,
): { output: string } | { error: string } {
  const reference = REFERENCES.get(file.name);
  if (!reference) {
    return {
      error: `no offline reference for prompt file '${file.name}' (${file.path}); references exist for: ${[...REFERENCES.keys()].join(', ')}. Set a model API key, or replay cassettes, to evaluate it`,
    };
  }
  return { output: reference(variables) };
}
