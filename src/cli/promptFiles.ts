/**
 * The prompt files a command works on: the ones named on the command line, else the ones the config's promptfile
 * test generator names (its `files`), else the default patterns. Loading reports every file's problems and keeps
 * going: an invalid file is skipped, the others still run.
 *
 * Paths are refused when they could print as more than themselves: a file name with a line break or another control
 * character would put raw lines into logs and job summaries (a forged heading, a forged verdict) wherever the path
 * is shown. Renaming the file is the only fix, so it is an error, not a warning.
 */
import { discoverPromptFiles, DEFAULT_PATTERNS } from '../promptfile/discover';
import { formatDiagnostic } from '../errors/diagnostics';
import { loadPromptFile } from '../promptfile/load';
import type { PromptFile } from '../promptfile/model';
import type { SuiteConfig } from '../promptfoo/tests';
import { fileError } from '../results/fileError';
import { controlCharacter, visible } from '../format/visible';
import type { Output } from './output';

/** `paths`, unchanged, when none has a control character; else a UserError naming the first, escaped. */
export function safePromptFiles(paths: readonly string[]): string[] {
  for (const p of paths) {
    const control = controlCharacter(p);
    if (control)
      throw fileError(visible(p), `the path contains a control character (${control}); rename the file`);
  }
  return [...paths];
}

/** The promptfile test generator's entry in a promptfoo config (`tests: - path: …promptfile.ts:tests`). */
export function generatorOf(base: Record<string, unknown> | undefined): { config?: SuiteConfig } | undefined {
  const tests = Array.isArray(base?.['tests']) ? base['tests'] : [base?.['tests']];
  return tests.find(
    (t): t is { config?: SuiteConfig } =>
      t !== null &&
      typeof t === 'object' &&
      /promptfile\.[jt]s:tests$/.test(String((t as { path?: unknown }).path)),
  );
}

/** The patterns the generator's `files` names, or the defaults. */
export function configuredPatterns(base: Record<string, unknown> | undefined): string[] {
  const files = generatorOf(base)?.config?.files;
  return files === undefined ? DEFAULT_PATTERNS : Array.isArray(files) ? files : [files];
}

/** Whether the config asks for warnings to be errors (`strict: true` in the generator's config). */
export function strictIn(base: Record<string, unknown> | undefined): boolean {
  return generatorOf(base)?.config?.strict === true;
}

export interface LoadedFiles {
  /** Every path that was looked at. */
  paths: string[];
  /** The valid files, in path order. */
  files: PromptFile[];
  /** The paths of the files that did not load. */
  invalid: string[];
}

/** Loads each path, printing every diagnostic (file:line:col) to stderr; invalid files are left out, not fatal. */
export function loadEach(paths: string[], options: { strict: boolean }, out: Output): LoadedFiles {
  const files: PromptFile[] = [];
  const invalid: string[] = [];
  for (const p of paths) {
    const result = loadPromptFile(p, options);
    // A key or value quoted from the file stays on its diagnostic's line.
    for (const d of result.diagnostics) out.error(visible(formatDiagnostic(d)));
    if (result.file) files.push(result.file);
    else invalid.push(p);
  }
  return { paths, files, invalid };
}

/** The paths named on the command line, else those the config names. */
export function selectPaths(positional: string[], base: Record<string, unknown> | undefined): string[] {
  return safePromptFiles(discoverPromptFiles(positional.length > 0 ? positional : configuredPatterns(base)));
}
