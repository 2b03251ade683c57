/** `promptfile check [paths...]`: validate prompt files and summarise each. Exit 0 when valid, 2 when not. */
import { discoverPromptFiles, DEFAULT_PATTERNS } from '../promptfile/discover';
import { formatDiagnostic } from '../promptfile/errors';
import { loadPromptFile } from '../promptfile/load';
import type { PromptFile } from '../promptfile/model';
import { visible } from '../results/visible';
import { parseArgs } from './args';
import type { Output } from './output';
import { safePromptFiles } from './promptFiles';

export const CHECK_HELP = `Usage: promptfile check [paths...] [--json]

Validates prompt files (default: every prompts/**/*.prompt.yml) and prints, per file, its name, rows,
evaluators and variables. Problems print as file:line:col: message. Exit 0 when all are valid, 2 when not.`;

/** Runs `check`. */
export function check(argv: string[], out: Output): number {
  const args = parseArgs(argv, { booleans: ['json'] }, 'check');
  if (args.flags['help']) {
    out.log(CHECK_HELP);
    return 0;
  }
  const paths = safePromptFiles(
    discoverPromptFiles(args.positional.length > 0 ? args.positional : DEFAULT_PATTERNS),
  );
  if (paths.length === 0) {
    out.error(`promptfile check: no prompt files found (looked for ${DEFAULT_PATTERNS.join(', ')})`);
    return 2;
  }
  let invalid = 0;
  const summaries: unknown[] = [];
  for (const p of paths) {
    const result = loadPromptFile(p);
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
