import { readFileSync, writeSync } from 'node:fs';
import { UserError } from '../errors/diagnostics';

/** A UserError about a whole input file (no line): printed as `file: error: message`. */
export function fileError(file: string, message: string, key = ''): UserError {
  return UserError.fromDiagnostics([{ severity: 'error', file, line: 0, column: 0, key, message }]);
}

/**
 * Reads a file a user named (`what` says which kind: "results file", "baseline file"), as bytes, turning a missing
 * or unreadable file into a one-line UserError instead of a stack trace.
 */
export function readUserBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fileError(
      path,
      code === 'ENOENT' ? `${what} not found` : `cannot read the ${what} (${code ?? String(error)})`,
    );
  }
}

/** Writes all of `text` (UTF-8) to the open file `fd`: one write call may take only part of it. */
export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
}
