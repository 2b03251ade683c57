/** The test generator behind `tests: file://prompts/promptfile.ts:tests`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverPromptFiles, DEFAULT_PATTERNS } from '../promptfile/discover';
import { UserError, formatDiagnostic, type Diagnostic } from '../errors/diagnostics';
import { loadPromptFile } from '../promptfile/load';
import type { PromptFile } from '../promptfile/model';
import {
  checkScopeTargets,
  sharedEvaluatorNames,
  testsForFile,
  type PromptfooTest,
  type SuiteConfig,
} from './tests';

/** The paths a `filesFrom` list names: a JSON array of strings. */
function listed(file: string, cwd: string): string[] {
  let list: unknown;
  try {
    list = JSON.parse(fs.readFileSync(path.resolve(cwd, file), 'utf8'));
  } catch (error) {
    throw new UserError(`filesFrom ${file} cannot be read: ${(error as Error).message}`);
  }
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string'))
    throw new UserError(`filesFrom ${file} must hold a JSON list of prompt-file paths`);
  return list;
}

/**
 * Loads every prompt file the config names and turns them into promptfoo tests. Each file's problems go to stderr
 * as file:line:col lines; an invalid file is skipped and the others still run (`promptfile eval` then exits
 * non-zero). Throws only when no file is valid.
 */
export function generateTests(config: SuiteConfig, cwd = process.cwd()): PromptfooTest[] {
  const patterns =
    config.files === undefined
      ? DEFAULT_PATTERNS
      : Array.isArray(config.files)
        ? config.files
        : [config.files];
  const paths =
    config.filesFrom !== undefined ? listed(config.filesFrom, cwd) : discoverPromptFiles(patterns, cwd);
  if (paths.length === 0) throw new UserError(`no prompt files match ${patterns.join(', ')}`);
  const files: PromptFile[] = [];
  const problems: Diagnostic[] = [];
  const invalid: string[] = [];
  for (const p of paths) {
    const result = loadPromptFile(p, { strict: config.strict === true, cwd });
    for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (result.file) files.push(result.file);
    else {
      invalid.push(p);
      problems.push(...result.diagnostics.filter((d) => d.severity === 'error'));
    }
  }
  if (files.length === 0) throw UserError.fromDiagnostics(problems);
  if (invalid.length > 0) {
    process.stderr.write(
      `promptfile: skipping ${invalid.length} invalid prompt file${invalid.length === 1 ? '' : 's'} (above); the other ${files.length} run\n`,
    );
  }
  checkScopeTargets(config.scope, files, invalid);
  const shared = sharedEvaluatorNames(files);
  const nowhere: string[] = [];
  const tests = files.flatMap((f) => {
    const made = testsForFile(f, config, shared);
    const offline = config.offline;
    if (!offline || offline.answers.includes(f.name) || offline.answers.includes(f.path)) return made;
    // The offline reference would only answer "no reference for this file": those rows go to the other variants.
    if (offline.others.length === 0) {
      nowhere.push(f.path);
      return [];
    }
    return made.map((t) => ({ ...t, providers: offline.others }));
  });
  if (nowhere.length > 0) {
    const message = `no variant runs ${nowhere.join(', ')}: the offline reference has no answer for ${nowhere.length === 1 ? 'it' : 'them'} and no model variant runs (set the model's API key, or replay cassettes)`;
    if (tests.length === 0) throw new UserError(`promptfile: ${message}`);
    process.stderr.write(`promptfile: ${message}\n`);
  }
  return tests;
}
