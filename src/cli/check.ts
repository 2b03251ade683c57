/** `promptfile check [paths...]`: validate prompt files and summarise each. Exit 0 when valid, 2 when not. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jsYaml from 'js-yaml';
import { formatDiagnostic, UserError } from '../errors/diagnostics';
import { loadPromptFile } from '../promptfile/load';
import type { PromptFile } from '../promptfile/model';
import { visible } from '../format/visible';
import { parseArgs, stringFlag } from './args';
import type { Output } from './output';
import { configuredPatterns, selectPaths, strictIn } from './promptFiles';

export const CHECK_HELP = `Usage: promptfile check [paths...] [--strict] [--json] [-c promptfooconfig.yaml]

Validates prompt files (default: those promptfooconfig.yaml names, else every *.prompt.yml / *.prompt.yaml
in the repository, leaving out .git, node_modules and what .gitignore names) and prints, per file, its name,
rows, evaluators and variables. Problems print as file:line:col: message.
Warnings (unknown keys, unfilled placeholders, ...) do not make a file invalid, as gh models ignores them;
--strict, or 'strict: true' in the test generator's config, makes them errors.
Exit 0 when all are valid, 2 when not.`;

/** Runs `check`. */
export function check(argv: string[], out: Output): number {
  const args = parseArgs(
    argv,
    { booleans: ['json', 'strict'], values: ['config'], aliases: { c: 'config' } },
    'check',
  );
  if (args.flags['help']) {
    out.log(CHECK_HELP);
    return 0;
  }
  const base = readConfig(stringFlag(args, 'config'));
  const strict = Boolean(args.flags['strict']) || strictIn(base);
  const paths = selectPaths(args.positional, base);
  if (paths.length === 0) {
    out.error(`promptfile check: no prompt files found (looked for ${configuredPatterns(base).join(', ')})`);
    return 2;
  }
  let invalid = 0;
  const summaries: unknown[] = [];
  for (const p of paths) {
    const result = loadPromptFile(p, { strict });
    // A key or value quoted from the file stays on its diagnostic's line.
    for (const d of result.diagnostics) out.error(visible(formatDiagnostic(d)));
    if (!result.file) {
      invalid++;
      summaries.push({
        file: p,
        valid: false,
        errors: result.diagnostics.filter((d) => d.severity === 'error'),
      });
      continue;
    }
    summaries.push({ file: p, valid: true, ...summary(result.file) });
    if (!args.flags['json']) out.log(describe(result.file));
  }
  if (args.flags['json']) out.log(JSON.stringify(summaries, null, 2));
  else
    out.log(`${paths.length - invalid} of ${paths.length} prompt file${paths.length === 1 ? '' : 's'} valid`);
  return invalid > 0 ? 2 : 0;
}

/** The promptfoo config, when there is one: it may name the prompt files and ask for strict checks. */
function readConfig(given: string | undefined): Record<string, unknown> | undefined {
  const file = path.resolve(given ?? 'promptfooconfig.yaml');
  if (!fs.existsSync(file)) {
    if (given !== undefined) throw new UserError(`promptfile check: ${given} does not exist`);
    return undefined;
  }
  let base: unknown;
  try {
    base = jsYaml.load(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(
      `promptfile check: ${path.relative(process.cwd(), file)} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  return base !== null && typeof base === 'object' ? (base as Record<string, unknown>) : undefined;
}

function summary(f: PromptFile) {
  return {
    name: f.name,
    model: f.model ?? null,
    rows: f.rows.length,
    evaluators: f.evaluators.map((e) => ({ name: e.name, kind: e.kind, line: e.line })),
    variables: variableNames(f),
  };
}

function variableNames(f: PromptFile): string[] {
  const names = new Set<string>(f.variables.map((v) => v.name));
  for (const r of f.rows) for (const k of Object.keys(r.variables)) names.add(k);
  return [...names];
}

/** What a valid file holds; every value the file wrote is shown on its own one line (visible), never as layout. */
function describe(f: PromptFile): string {
  const params = Object.entries(f.parameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const lines = [
    `✓ ${visible(f.path)}`,
    `  name        ${visible(f.name)}${f.version ? ` (version ${visible(String(f.version))})` : ''}`,
    `  model       ${visible(f.model ?? '(none)')}${params ? ` (${visible(params)})` : ''}`,
    `  rows        ${f.rows.length}`,
    `  variables   ${visible(variableNames(f).join(', ')) || '(none)'}`,
    `  evaluators  ${f.evaluators.length}`,
    ...f.evaluators.map(
      (e) =>
        `    - ${visible(e.name)} [${e.kind === 'regex' ? `regex ${visible(e.pattern ?? '')}` : e.kind}] (line ${e.line})`,
    ),
  ];
  return lines.join('\n');
}
