/** The test generator behind `tests: file://prompts/promptfile.ts:tests`. */
import { discoverPromptFiles, DEFAULT_PATTERNS } from '../promptfile/discover';
import { UserError, formatDiagnostic, type Diagnostic } from '../promptfile/errors';
import { loadPromptFile } from '../promptfile/load';
import type { PromptFile } from '../promptfile/model';
import { checkScopeTargets, testsForFile, type PromptfooTest, type SuiteConfig } from './tests';

/** Loads every prompt file the config names and turns them into promptfoo tests. Throws on any invalid file. */
export function generateTests(config: SuiteConfig, cwd = process.cwd()): PromptfooTest[] {
  const patterns =
    config.files === undefined
      ? DEFAULT_PATTERNS
      : Array.isArray(config.files)
        ? config.files
        : [config.files];
  const paths = discoverPromptFiles(patterns, cwd);
  if (paths.length === 0) throw new UserError(`no prompt files match ${patterns.join(', ')}`);
  const files: PromptFile[] = [];
  const problems: Diagnostic[] = [];
  for (const p of paths) {
    const result = loadPromptFile(p);
    for (const d of result.diagnostics)
      if (d.severity === 'warning') process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (result.file) files.push(result.file);
    else problems.push(...result.diagnostics.filter((d) => d.severity === 'error'));
  }
  if (problems.length > 0) throw UserError.fromDiagnostics(problems);
  checkScopeTargets(config.scope, files);
  return files.flatMap((f) => testsForFile(f, config));
}
