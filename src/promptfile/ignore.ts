/**
 * Which paths a repository leaves out of the search for prompt files: `.git`, every `node_modules`, and what the
 * repository's root `.gitignore` names, read simply: `#` comments, `!` negations (the last matching line decides),
 * a trailing `/` for directories only, a leading or inner `/` anchoring the pattern at the root, and `*`, `?`, `**`
 * and `[...]`. Nested `.gitignore` files, `.git/info/exclude` and global excludes are not read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RE2JS } from 're2js';

/** A parsed ignore list. */
export interface IgnoreRules {
  /** Whether `relative` (to the repository root, `/`-separated) is left out; `directory` for directories. */
  ignores(relative: string, directory: boolean): boolean;
}

interface Rule {
  /** RE2: a .gitignore comes with the repository (a pull request may edit it); no pattern may backtrack. */
  pattern: RE2JS;
  negate: boolean;
  directoryOnly: boolean;
}

/** Directories always left out, whatever .gitignore says: git's own store and installed packages. */
export function alwaysLeftOut(name: string): boolean {
  return name === '.git' || name === 'node_modules';
}

/** The rules of .gitignore text. */
export function parseIgnore(text: string): IgnoreRules {
  const rules: Rule[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.replace(/\r$/, '').replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    if (line.startsWith('\\')) line = line.slice(1);
    const directoryOnly = line.endsWith('/');
    if (directoryOnly) line = line.replace(/\/+$/, '');
    if (line === '') continue;
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    const body = globBody(line);
    let pattern: RE2JS;
    try {
      pattern = RE2JS.compile(anchored ? `^${body}$` : `^(?:.*/)?${body}$`);
    } catch {
      continue; // A line git would not match anything with either (an unclosed class and the like).
    }
    rules.push({ pattern, negate, directoryOnly });
  }
  return {
    ignores(relative, directory) {
      if (directory && alwaysLeftOut(relative.slice(relative.lastIndexOf('/') + 1))) return true;
      let ignored = false;
      for (const rule of rules) {
        if (rule.directoryOnly && !directory) continue;
        if (rule.pattern.matches(relative)) ignored = !rule.negate;
      }
      return ignored;
    },
  };
}

/** The rules of the repository holding `cwd`, and its root (the nearest directory up with `.git`, else `cwd`). */
export function repositoryIgnore(cwd: string): { root: string; rules: IgnoreRules } {
  const start = path.resolve(cwd);
  let root = start;
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) {
      root = dir;
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  let text = '';
  try {
    text = fs.readFileSync(path.join(root, '.gitignore'), 'utf8');
  } catch {
    // No .gitignore: only the directories always left out.
  }
  return { root, rules: parseIgnore(text) };
}

/** A gitignore glob as a regular expression body: `**` spans directories, `*`, `?` and `[...]` stay within one. */
function globBody(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      const before = i === 0 || glob[i - 1] === '/';
      const after = glob[i + 2] === '/' || i + 2 === glob.length;
      if (before && glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else if (before && after) {
        re += '.*';
        i += 1;
      } else {
        re += '[^/]*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const inner = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${inner}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      re += (glob[++i] as string).replace(/[.+^${}()|[\]\\*?/]/g, '\\$&');
    } else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return re;
}
