/**
 * What promptfoo loads from promptfooconfig.yaml to run prompt files:
 *   prompts: [file://prompts/promptfile.ts:render]          the messages of a row's own prompt file
 *   tests:   [{ path: file://prompts/promptfile.ts:tests, config: {...} }]   one test per row
 * Named exports only: promptfoo's `file.ts:name` loader breaks on modules that also export a default.
 */
import { encode } from '../src/suite/codec';
import { promptFileAt } from '../src/suite/files';
import { renderMessages } from '../src/suite/messages';
import { readRow } from '../src/suite/row';
import { generateTests } from '../src/suite/generate';
import type { SuiteConfig } from '../src/suite/tests';

/**
 * The prompt function: the row's prompt file's messages with placeholders filled literally. Every string
 * is encoded so promptfoo's own templating leaves it alone; our providers decode it.
 */
export function render({ vars }: { vars: Record<string, unknown> }) {
  const row = readRow({ vars });
  if (!row.file)
    throw new Error('promptfile: this test has no __promptfile var; use the promptfile test generator');
  const file = promptFileAt(row.file);
  return renderMessages(file, row.variables).map((m) => ({ role: m.role, content: encode(m.content) }));
}

/** The test generator: every row of every prompt file, scoped as the config says. */
export async function tests(config?: SuiteConfig) {
  return generateTests(config ?? {});
}
