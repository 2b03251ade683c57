/**
 * The prompt function promptfoo calls for every row and provider: the row's own prompt file's messages, placeholders
 * filled literally from the prompt file's row (looked up by reference, see row.ts). promptfoo then renders every message
 * with Nunjucks, so each content is handed over in a form that renders to exactly itself (inert.ts): whichever provider
 * receives the prompt, ours or one of promptfoo's own, gets the prompt file's text byte for byte.
 */
import { UserError } from '../errors/diagnostics';
import { envFlag, templateText, templatingOn } from './inert';
import { renderMessages, type ChatMessage } from '../promptfile/messages';
import { rowOf } from './row';
import type { PromptFunctionContext } from './types';

/** The chat prompt for the row of `context.vars`. */
export function renderPrompt(
  context: Pick<PromptFunctionContext, 'vars'>,
  env: NodeJS.ProcessEnv = process.env,
): ChatMessage[] {
  const { file, row } = rowOf({ vars: context.vars });
  const messages = renderMessages(file, row.variables);
  const templating = templatingOn(env);
  const formatted = messages.map((m) => ({ role: m.role, content: templateText(m.content, templating) }));
  // With this flag promptfoo renders the prompt's JSON text as one template, where no message can be kept inert.
  if (
    templating &&
    envFlag(env, 'PROMPTFOO_DISABLE_JSON_AUTOESCAPE') &&
    formatted.some((m, i) => m.content !== messages[i]?.content)
  ) {
    throw new UserError(
      `${file.path}:${row.line}: this row's messages hold template syntax ({{, {%, {# or #}), which PROMPTFOO_DISABLE_JSON_AUTOESCAPE would render; unset it`,
    );
  }
  return formatted;
}
