/** Where the CLI writes: stdout for results, stderr for diagnostics. Injected so tests can capture it. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

export const consoleOutput: Output = {
  log: (line) => process.stdout.write(`${inert(line)}\n`),
  error: (line) => process.stderr.write(`${inert(line)}\n`),
};

/**
 * Text with its control characters shown, not obeyed: evaluator names, labels and model API error messages reach
 * the terminal and CI log through here, and an escape sequence or carriage return in them must not drive either.
 * Line breaks and tabs are the CLI's own layout and stay.
 */
export function inert(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
