/**
 * Finds prompt files: explicit files, directories (searched recursively) and simple globs (`*`, `**`, `?`).
 * The default, as with gh models, is every `*.prompt.yml` / `*.prompt.yaml` anywhere in the repository. Searches
 * leave out `.git`, `node_modules` and what the repository's .gitignore names (ignore.ts); a file named
 * explicitly is taken as named.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors/diagnostics';
import { alwaysLeftOut, repositoryIgnore, type IgnoreRules } from './ignore';

export const DEFAULT_PATTERNS = ['**/*.prompt.yml', '**/*.prompt.yaml'];
const PROMPT_FILE = /\.prompt\.ya?ml$/;

/** Expands paths, directories and globs into a sorted, de-duplicated list of prompt-file paths. */
export function discoverPromptFiles(
  patterns: readonly string[] = DEFAULT_PATTERNS,
  cwd = process.cwd(),
): string[] {
  const found = new Set<string>();
  const search = repositoryIgnore(cwd);
  const walk = (dir: string) => walkTree(dir, search);
  for (const pattern of patterns) {
    const matches = /[*?[]/.test(pattern) ? glob(pattern, cwd, walk) : plain(pattern, cwd, walk);
    if (matches.length === 0 && !/[*?[]/.test(pattern)) {
      throw new UserError(`${pattern}: no such file or directory`);
    }
    for (const m of matches) found.add(m);
  }
  return [...found].sort();
}

type Walk = (dir: string) => string[];

function plain(p: string, cwd: string, walk: Walk): string[] {
  const abs = path.resolve(cwd, p);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isDirectory()) {
    return walk(abs)
      .filter((f) => PROMPT_FILE.test(f))
      .map((f) => relative(cwd, f));
  }
  return [p];
}

function glob(pattern: string, cwd: string, walk: Walk): string[] {
  const normalised = pattern.replace(/\\/g, '/');
  const firstMagic = normalised.search(/[*?[]/);
  const baseDir = normalised.slice(0, normalised.lastIndexOf('/', firstMagic) + 1) || '.';
  const root = path.resolve(cwd, baseDir);
  if (!fs.existsSync(root)) return [];
  const re = globToRegExp(path.resolve(cwd, normalised).replace(/\\/g, '/'));
  return walk(root)
    .filter((f) => re.test(f.replace(/\\/g, '/')))
    .map((f) => relative(cwd, f));
}

/** Translates a glob into an anchored RegExp: `**` spans directories, `*` and `?` stay within one. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Every file below `dir`, but what the repository leaves out; symbolic links are not followed. */
function walkTree(dir: string, search: { root: string; rules: IgnoreRules }, depth = 0): string[] {
  if (depth > 20) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const directory = entry.isDirectory();
    const relative = path.relative(search.root, full).split(path.sep).join('/');
    // Outside the repository, its .gitignore says nothing; .git and node_modules are left out everywhere.
    const outside = relative.startsWith('../') || path.isAbsolute(relative);
    if (outside ? directory && alwaysLeftOut(entry.name) : search.rules.ignores(relative, directory))
      continue;
    if (directory) out.push(...walkTree(full, search, depth + 1));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function relative(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return rel.startsWith('..') ? abs : rel;
}
