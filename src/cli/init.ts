/**
 * `promptfile init`: sets up a repository to evaluate its prompt files with this package installed from npm.
 * Writes a promptfooconfig.yaml whose plugin paths resolve to the installed package (and which runs the prompt files
 * wherever they are in the repository), an example prompt file when the repository has none, the GitHub workflow, and npm scripts. Never overwrites a file (--force does).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_PATTERNS, discoverPromptFiles } from '../promptfile/discover';
import { UserError } from '../errors/diagnostics';
import { packageRoot } from '../promptfile/packageRoot';
import { parseArgs } from './args';
import type { Output } from './output';

export const INIT_HELP = `Usage: promptfile init [--force]

Sets up this directory to evaluate its *.prompt.yml files:
  promptfooconfig.yaml                 runs every *.prompt.yml in the repository with this package's plugin
  prompts/example.prompt.yml           an example, when the repository has no prompt file yet
  .github/workflows/prompt-eval.yml    eval and gate on every pull request
  package.json scripts                 prompts:check, prompts:eval, prompts:gate, prompts:view, prompts:plan
Existing files are left alone (say which) unless --force.`;

/** This package's root: where its templates/ and its compiled plugin (dist/) are. */
const PACKAGE_ROOT = packageRoot();

const SCRIPTS: Record<string, string> = {
  'prompts:check': 'promptfile check',
  'prompts:eval': 'promptfile eval',
  'prompts:baseline': 'promptfile baseline results/latest.json -o baselines/main.json',
  'prompts:gate': 'promptfile gate results/latest.json --baseline baselines/main.json',
  'prompts:plan': 'promptfile plan --baseline baselines/main.json',
  'prompts:view': 'promptfile view',
};

/** The config text, its plugin paths relative to `dir` (promptfoo resolves file:// paths from the config's directory). */
export function configText(dir: string): string {
  const root = path.relative(dir, PACKAGE_ROOT).split(path.sep).join('/') || '.';
  return `# Runs every *.prompt.yml in the repository as a promptfoo evaluation with promptfoo-promptfile.
# \`npx promptfile eval\` uses this file (adding variants from flags, skipping variants whose API key is missing);
# plain \`npx promptfoo eval\` runs it as is.
description: Prompt files (*.prompt.yml) evaluated with promptfoo-promptfile

prompts:
  - id: file://${root}/dist/prompts/promptfile.js:render
    label: promptfile

providers:
  # Each prompt file's own model and modelParameters. Needs the model's API key (e.g. OPENAI_API_KEY).
  - id: file://${root}/dist/providers/promptfile.js
    label: reference

tests:
  - path: file://${root}/dist/prompts/promptfile.js:tests
    # Without files:, every *.prompt.yml / *.prompt.yaml in the repository, leaving out .git, node_modules and
    # what .gitignore names; to narrow it, e.g.  files: prompts/**/*.prompt.yml
    config: {}
`;
}

/** `init` */
export function initCommand(argv: string[], out: Output): number {
  const args = parseArgs(argv, { booleans: ['force'] }, 'init');
  if (args.flags['help']) return (out.log(INIT_HELP), 0);
  if (args.positional.length > 0)
    throw new UserError('promptfile init: takes no arguments; run it in the repository');
  const force = args.flags['force'] === true;
  const dir = process.cwd();
  const wrote: string[] = [];
  const kept: string[] = [];
  const put = (relative: string, text: string) => {
    const file = path.join(dir, relative);
    if (fs.existsSync(file) && !force) return kept.push(relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return wrote.push(relative);
  };

  put('promptfooconfig.yaml', configText(dir));
  if (discoverPromptFiles(DEFAULT_PATTERNS, dir).length === 0)
    put(
      'prompts/example.prompt.yml',
      fs.readFileSync(path.join(PACKAGE_ROOT, 'templates/example.prompt.yml'), 'utf8'),
    );
  put(
    '.github/workflows/prompt-eval.yml',
    fs.readFileSync(path.join(PACKAGE_ROOT, 'templates/prompt-eval.yml'), 'utf8'),
  );
  const scripts = addScripts(path.join(dir, 'package.json'), force);

  for (const f of wrote) out.log(`wrote ${f}`);
  for (const f of kept) out.log(`kept ${f} (it exists; --force replaces it)`);
  if (scripts.length > 0) out.log(`added npm scripts: ${scripts.join(', ')}`);
  out.log(
    'Next: npx promptfile check, then npx promptfile eval (set the model API key first, e.g. OPENAI_API_KEY).',
  );
  return 0;
}

/** Adds the scripts package.json lacks (all of them with --force); returns the names added. */
function addScripts(file: string, force: boolean): string[] {
  let pkg: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new UserError(
        `${file}: not valid JSON (${(error as Error).message}); fix it, then run init again`,
      );
    }
  }
  const scripts = (
    typeof pkg['scripts'] === 'object' && pkg['scripts'] !== null ? pkg['scripts'] : {}
  ) as Record<string, string>;
  const added = Object.keys(SCRIPTS).filter((name) => force || !(name in scripts));
  if (added.length === 0) return [];
  for (const name of added) scripts[name] = SCRIPTS[name] as string;
  fs.writeFileSync(file, `${JSON.stringify({ ...pkg, scripts }, null, 2)}\n`);
  return added;
}
