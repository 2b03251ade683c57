/**
 * Prompt file -> typed PromptFile, or every problem at once as diagnostics with file, line and column:
 * read (./read.ts: YAML with positions) -> validate (./validate.ts: schema, then what a schema cannot say) ->
 * normalise (./normalise.ts). Each evaluator is its kind's business (src/evaluators/registry.ts). Pure apart from
 * reading the file.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { type Diagnostic, UserError } from '../errors/diagnostics';
import { EVALUATOR_KINDS, type Kinds } from '../evaluators/registry';
import type { PromptFile } from './model';
import { normalise } from './normalise';
import { sizeProblem } from './parse';
import { readSource } from './read';
import { validate } from './validate';

export interface LoadResult {
  file?: PromptFile;
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** Warnings are errors (`check --strict`, or `strict: true` in the test generator's config). */
  strict?: boolean;
  /** The directory a relative path is read from (default: the process's); diagnostics keep the path as given. */
  cwd?: string;
  /** The evaluator kinds a file may use (default: every registered kind). */
  kinds?: Kinds;
}

/** Reads and loads a prompt file from disk. Never throws for bad input: problems come back as diagnostics. */
export function loadPromptFile(path: string, options: LoadOptions = {}): LoadResult {
  let bytes: Buffer;
  try {
    const where = nodePath.resolve(options.cwd ?? '.', path);
    const stat = fs.statSync(where);
    if (stat.isDirectory()) return { diagnostics: [fileProblem(path, 'is a directory, not a prompt file')] };
    // A pipe, or a committed symlink to /dev/zero or /dev/stdin, would hang or exhaust memory in readFileSync.
    if (!stat.isFile())
      return { diagnostics: [fileProblem(path, 'is not a regular file (a device, pipe or socket)')] };
    // Refused before reading, so a huge file is never held in memory.
    const tooLarge = sizeProblem(path, stat.size);
    if (tooLarge) return { diagnostics: [tooLarge] };
    bytes = fs.readFileSync(where);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    return { diagnostics: [fileProblem(path, `cannot be read: ${why}`)] };
  }
  return loadPromptFileText(path, bytes, options);
}

/** Loads a prompt file, throwing a UserError that lists every error when it is invalid. */
export function loadPromptFileOrThrow(
  path: string,
  options: LoadOptions = {},
): { file: PromptFile; warnings: Diagnostic[] } {
  const result = loadPromptFile(path, options);
  if (!result.file) throw UserError.fromDiagnostics(result.diagnostics);
  return { file: result.file, warnings: result.diagnostics.filter((d) => d.severity === 'warning') };
}

/** Loads a prompt file from its bytes or text; `path` names it in diagnostics. */
export function loadPromptFileText(
  path: string,
  bytes: Buffer | string,
  options: LoadOptions = {},
): LoadResult {
  const result = loadSource(path, bytes, options.kinds ?? EVALUATOR_KINDS);
  if (!options.strict || !result.diagnostics.some((d) => d.severity === 'warning')) return result;
  const diagnostics = result.diagnostics.map((d) =>
    d.severity === 'warning' ? { ...d, severity: 'error' as const, message: `${d.message} (strict)` } : d,
  );
  return { diagnostics };
}

function loadSource(path: string, bytes: Buffer | string, kinds: Kinds): LoadResult {
  const read = readSource(path, bytes, kinds);
  if (!read.source) return { diagnostics: read.diagnostics };
  const diagnostics = validate(read.source, kinds);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { file: normalise(path, read.source, kinds), diagnostics };
}

function fileProblem(file: string, message: string): Diagnostic {
  return { severity: 'error', file, line: 0, column: 0, key: '', message: `${file} ${message}` };
}
