import { UserError } from '../promptfile/errors';

/** A UserError about a whole input file (no line): printed as `file: error: message`. */
export function fileError(file: string, message: string, key = ''): UserError {
  return UserError.fromDiagnostics([{ severity: 'error', file, line: 0, column: 0, key, message }]);
}
