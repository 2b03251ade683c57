/**
 * Problems in what a user wrote (a prompt file, a config, a flag) are values with positions, not strings
 * thrown from deep inside. The CLI prints each as one line and exits 2; stack traces are for our bugs.
 */

export type Severity = 'error' | 'warning';

/** A step into a YAML document: a mapping key or a list index. */
export type PathSegment = string | number;

/** Renders a path the way a user reads it: `messages[1].role`. */
export function keyName(p: readonly PathSegment[]): string {
  return p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** One problem, pointing at the place in the user's file that causes it. */
export interface Diagnostic {
  severity: Severity;
  file: string;
  /** 1-based; 0 when the problem has no place (an unreadable file). */
  line: number;
  /** 1-based; 0 when the problem has no place. */
  column: number;
  /** The offending key as a dotted path (`messages[1].role`), or '' for the whole file. */
  key: string;
  message: string;
}

/** Formats a diagnostic as `file:line:col: severity: message`, the shape editors and CI logs link from. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  return `${where}: ${d.severity}: ${d.message}`;
}

/** An error in user input. Carries every diagnostic found, so the user fixes them all in one pass. */
export class UserError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(message: string, diagnostics: Diagnostic[] = []) {
    super(message);
    this.name = 'UserError';
    this.diagnostics = diagnostics;
  }

  /** A UserError for the errors among `diagnostics`, with one line per error as its message. */
  static fromDiagnostics(diagnostics: Diagnostic[]): UserError {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    return new UserError(errors.map(formatDiagnostic).join('\n'), diagnostics);
  }
}

/** True for an error a user caused (bad input), as opposed to a bug of ours. */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
