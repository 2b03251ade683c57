/**
 * The one error type for problems in what a user handed us: a results file, a baseline, a gate option.
 * The CLI prints `message` as one line and exits 2; a stack trace is reserved for our own bugs.
 */
export class UserError extends Error {
  /** The file the problem is in, when there is one. */
  readonly file?: string;

  constructor(message: string, file?: string) {
    super(message);
    this.name = 'UserError';
    this.file = file;
  }
}
