/**
 * What promptfoo loads from promptfooconfig.yaml to run prompt files:
 *   prompts: [file://prompts/promptfile.ts:render]          the messages of a row's own prompt file
 *   tests:   [{ path: file://prompts/promptfile.ts:tests, config: {...} }]   one test per row
 * Named exports only: promptfoo's `file.ts:name` loader breaks on modules that also export a default.
 */
import { renderPrompt } from '../src/promptfoo/prompt';
import { generateTests } from '../src/promptfoo/generate';
import type { SuiteConfig } from '../src/promptfoo/tests';

/** The prompt function: the row's prompt file's messages, placeholders filled literally. */
export const render = renderPrompt;

/** The test generator: every row of every prompt file, scoped as the config says. */
export async function tests(config?: SuiteConfig) {
  return generateTests(config ?? {});
}
