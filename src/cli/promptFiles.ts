/**
 * The prompt files a command runs, refused when a path could print as more than itself: a file name with a line
 * break or another control character would put raw lines into logs and job summaries (a forged heading, a forged
 * verdict) wherever the path is shown. Renaming the file is the only fix, so it is an error, not a warning.
 */
import { fileError } from '../results/fileError';
import { controlCharacter, visible } from '../results/visible';

/** `paths`, unchanged, when none has a control character; else a UserError naming the first, escaped. */
export function safePromptFiles(paths: readonly string[]): string[] {
  for (const p of paths) {
    const control = controlCharacter(p);
    if (control)
      throw fileError(visible(p), `the path contains a control character (${control}); rename the file`);
  }
  return [...paths];
}
