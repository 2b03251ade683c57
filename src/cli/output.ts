/** Where the CLI writes: stdout for results, stderr for diagnostics. Injected so tests can capture it. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
  /**
   * Workflow commands the CLI itself composes (`::error ...`, `::stop-commands::...`), written as they are: the only
   * text that may reach a CI log as a command. Whatever they carry must already be escaped for it.
   */
  command(line: string): void;
}

export const consoleOutput: Output = {
  log: (line) => process.stdout.write(`${inert(line)}\n`),
  error: (line) => process.stderr.write(`${inert(line)}\n`),
  command: (line) => process.stdout.write(`${line}\n`),
};

/**
 * Text with its control characters shown, not obeyed, that no CI runner reads as a command. Evaluator names,
 * labels, paths and model API error messages reach the terminal and CI log through here: an escape sequence or
 * carriage return in them must not drive the terminal, and a line that GitHub Actions would take for a workflow
 * command (`::` first on the line after blanks, or `##[` anywhere) is shown escaped instead: `\::` and `##\u005b`
 * (the latter also reads back as `##[` inside JSON output). Line breaks and tabs are the CLI's own layout and stay;
 * names are kept on one line before they get here (results/visible.ts).
 */
export function inert(text: string): string {
  return text
    .replace(
      /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    .replace(/^([^\S\n]*)::/gm, '$1\\::')
    .replace(/##\[/g, '##\\u005b');
}
