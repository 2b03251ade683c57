/**
 * Everything about one model call that does not need the network: which prompt file and row it is for (by reference,
 * src/promptfoo/row.ts), the messages (rendered from the prompt file, checked against the prompt promptfoo hands over),
 * and the settings after the variant's overrides.
 */
import { sameText } from './inert';
import { renderMessages, type ChatMessage } from '../promptfile/messages';
import { rowOf, type RowContext, type RowInFile } from './row';
import type { PromptFile } from '../promptfile/model';
import {
  callSettings,
  ignoresTemperature,
  type CallSettings,
  type VariantOverrides,
} from '../variants/variant';

export interface PreparedCall {
  file: PromptFile;
  row: RowInFile;
  messages: ChatMessage[];
  settings: CallSettings;
}

/** The chat messages of a prompt promptfoo hands a provider (a JSON array of messages, else one user turn). */
export function promptMessages(prompt: string): { role: string; content: string }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(prompt);
  } catch {
    return [{ role: 'user', content: prompt }];
  }
  if (!Array.isArray(parsed)) return [{ role: 'user', content: prompt }];
  return parsed.map((m: { role?: unknown; content?: unknown }) => ({
    role: typeof m?.role === 'string' ? m.role : 'user',
    content: typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content),
  }));
}

/** Prepares a call from what promptfoo passes a provider. */
export function prepareCall(
  prompt: string,
  context: RowContext | undefined,
  overrides: VariantOverrides,
): PreparedCall {
  const row = rowOf(context);
  const messages = renderMessages(row.file, row.row.variables);
  // The model must get exactly this row's messages. `promptfoo eval --resume` (0.121.20) re-sends a function prompt
  // as the function's source code: every resumed row got the same text and was graded on the answer to it.
  const sent = promptMessages(prompt);
  const same =
    sent.length === messages.length &&
    sent.every((m, i) => {
      const expected = messages[i];
      return expected !== undefined && m.role === expected.role && sameText(m.content, expected.content);
    });
  if (!same) {
    throw new Error(
      `the prompt promptfoo sent is not ${row.origin.file} row ${row.origin.row} as prompts/promptfile.ts:render renders it ` +
        '(promptfoo eval --resume replays a function prompt as its source code); run the eval again without --resume',
    );
  }
  return { file: row.file, row, messages, settings: callSettings(row.file, overrides) };
}

/**
 * The promptfoo provider config for a target family, from our settings and the user's pass-through options. Only what
 * the prompt file (or the variant) sets is sent: promptfoo's OpenAI and Azure providers would add `temperature: 0` and
 * `max_tokens: 1024` of their own, which gh models never sent, so their defaults are switched off.
 */
export function targetConfig(
  settings: CallSettings,
  passThrough: Record<string, unknown>,
): Record<string, unknown> {
  const family = settings.target.split(':')[0];
  const config: Record<string, unknown> = { ...passThrough };
  if (settings.temperature !== undefined) config['temperature'] = settings.temperature;
  if (family === 'ollama') {
    if (settings.maxTokens !== undefined) config['num_predict'] = settings.maxTokens;
    if (settings.topP !== undefined) config['top_p'] = settings.topP;
    return config;
  }
  if (family === 'openai' || family === 'azure') config['omitDefaults'] = passThrough['omitDefaults'] ?? true;
  if (settings.maxTokens !== undefined) {
    // Reasoning models take max_completion_tokens and refuse max_tokens (promptfoo drops it for them).
    const reasoning = (family === 'openai' || family === 'azure') && ignoresTemperature(settings.target);
    config[reasoning ? 'max_completion_tokens' : 'max_tokens'] = settings.maxTokens;
  }
  if (settings.topP !== undefined) config['top_p'] = settings.topP;
  if ((family === 'openai' || family === 'azure') && settings.responseFormat) {
    // As gh models sends it: the type, and for json_schema the file's jsonSchema as written (name, strict, schema).
    config['response_format'] =
      settings.responseFormat === 'json_schema'
        ? { type: 'json_schema', json_schema: settings.jsonSchema }
        : { type: settings.responseFormat };
  }
  return config;
}
