/** A prompt file's messages for one row: placeholders replaced literally, nothing else touched. */
import type { PromptFile, Role } from './model';
import { renderTemplate } from '../format/template';

export interface ChatMessage {
  role: Role;
  content: string;
}

/** The chat messages the model receives for a row. */
export function renderMessages(file: PromptFile, variables: Record<string, string>): ChatMessage[] {
  return file.messages.map((m) => ({ role: m.role, content: renderTemplate(m.content, variables) }));
}
