/**
 * Finding prompt files: explicit paths, directories searched recursively, and globs. Results are sorted,
 * de-duplicated and relative to the working directory, so runs and reports are stable.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_PATTERNS, discoverPromptFiles, globToRegExp } from '../../../src/promptfile/discover';
import { isUserError } from '../../../src/errors/diagnostics';
import { parseIgnore } from '../../../src/promptfile/ignore';

let cwd: string;

beforeAll(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'promptfile-discover-'));
  for (const file of [
    'prompts/a.prompt.yml',
    'prompts/b.prompt.yaml',
    'prompts/notes.yml',
    'prompts/team/c.prompt.yml',
    'prompts/team/deep/d.prompt.yml',
    'prompts/.drafts/hidden.prompt.yml',
    'prompts/node_modules/dep.prompt.yml',
    'other/e.prompt.yml',
  ]) {
    fs.mkdirSync(path.join(cwd, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(cwd, file), 'name: x\n');
  }
});

afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

const rel = (...parts: string[]) => path.join(...parts);

describe('a directory yields every *.prompt.yml and *.prompt.yaml beneath it', () => {
  it('searches subdirectories, hidden ones too (as git does), skipping node_modules', () => {
    expect(discoverPromptFiles(['prompts'], cwd)).toEqual([
      rel('prompts', '.drafts', 'hidden.prompt.yml'),
      rel('prompts', 'a.prompt.yml'),
      rel('prompts', 'b.prompt.yaml'),
      rel('prompts', 'team', 'c.prompt.yml'),
      rel('prompts', 'team', 'deep', 'd.prompt.yml'),
    ]);
  });

  it('by default, as with gh models, prompt files anywhere in the repository are found', () => {
    expect(DEFAULT_PATTERNS).toEqual(['**/*.prompt.yml', '**/*.prompt.yaml']);
    expect(discoverPromptFiles(DEFAULT_PATTERNS, cwd)).toEqual([
      rel('other', 'e.prompt.yml'),
      ...discoverPromptFiles(['prompts'], cwd),
    ]);
  });
});

describe('globs match paths the way shells do', () => {
  it('`*` stays within one directory', () => {
    expect(discoverPromptFiles(['prompts/*.prompt.yml'], cwd)).toEqual([rel('prompts', 'a.prompt.yml')]);
  });

  it('`**/` spans any number of directories, including none', () => {
    expect(discoverPromptFiles(['prompts/**/*.prompt.yml'], cwd)).toEqual([
      rel('prompts', '.drafts', 'hidden.prompt.yml'),
      rel('prompts', 'a.prompt.yml'),
      rel('prompts', 'team', 'c.prompt.yml'),
      rel('prompts', 'team', 'deep', 'd.prompt.yml'),
    ]);
  });

  it('`?` matches one character', () => {
    expect(discoverPromptFiles(['prompts/?.prompt.yaml'], cwd)).toEqual([rel('prompts', 'b.prompt.yaml')]);
  });

  it('a glob that matches nothing yields nothing, without an error', () => {
    expect(discoverPromptFiles(['nowhere/**/*.prompt.yml'], cwd)).toEqual([]);
  });

  it('translates to an anchored expression, with regex characters in names taken literally', () => {
    const re = globToRegExp('/x/a+b.(1)/*.prompt.yml');
    expect(re.test('/x/a+b.(1)/p.prompt.yml')).toBe(true);
    expect(re.test('/x/aab.(1)/p.prompt.yml')).toBe(false);
    expect(re.test('/x/a+b.(1)/sub/p.prompt.yml')).toBe(false);
  });
});

describe('explicit files are taken as given', () => {
  it('returns a named file even without the .prompt.yml suffix', () => {
    expect(discoverPromptFiles(['prompts/notes.yml'], cwd)).toEqual(['prompts/notes.yml']);
  });

  it('lists a file named twice, or named and found in a directory, once', () => {
    expect(
      discoverPromptFiles([rel('prompts', 'a.prompt.yml'), 'prompts', rel('prompts', 'a.prompt.yml')], cwd),
    ).toHaveLength(5);
  });

  it('sorts the union of several patterns', () => {
    expect(discoverPromptFiles(['other', 'prompts/*.prompt.yml'], cwd)).toEqual([
      rel('other', 'e.prompt.yml'),
      rel('prompts', 'a.prompt.yml'),
    ]);
  });
});

describe("a path that does not exist is the user's error", () => {
  it('throws a UserError naming the path', () => {
    let thrown: unknown;
    try {
      discoverPromptFiles(['prompts/missing.prompt.yml'], cwd);
    } catch (error) {
      thrown = error;
    }
    expect(isUserError(thrown)).toBe(true);
    expect((thrown as Error).message).toBe('prompts/missing.prompt.yml: no such file or directory');
  });
});

describe("searches leave out .git, node_modules and what the repository's .gitignore names", () => {
  let repo: string;
  const found = (dir = repo) =>
    discoverPromptFiles(DEFAULT_PATTERNS, dir).map((p) => p.split(path.sep).join('/'));

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'promptfile-ignore-'));
    const files: Record<string, string> = {
      '.gitignore': [
        '# generated output, at the root only',
        '/build/',
        '*.draft.prompt.yml',
        '!keep.draft.prompt.yml',
        'vendor',
        'docs/**/old/',
        'tmp[0-9]/',
        '\\#literal.prompt.yml   ',
        '',
      ].join('\n'),
      '.git/hooks/x.prompt.yml': '',
      'node_modules/pkg/n.prompt.yml': '',
      'build/a.prompt.yml': '',
      'src/build/b.prompt.yml': '',
      'x/y.draft.prompt.yml': '',
      'x/keep.draft.prompt.yml': '',
      'vendor/v.prompt.yml': '',
      'lib/vendor/w.prompt.yml': '',
      'lib/l.prompt.yml': '',
      'docs/a/old/o.prompt.yml': '',
      'docs/old/p.prompt.yml': '',
      'docs/new/n.prompt.yml': '',
      'tmp1/t.prompt.yml': '',
      'tmpx/t.prompt.yml': '',
      '#literal.prompt.yml': '',
      '.github/prompts/g.prompt.yml': '',
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.join(repo, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(repo, file), text);
    }
  });

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('anchored and unanchored patterns, directories only, negations, ** and classes, as git reads them', () => {
    expect(found()).toEqual([
      '.github/prompts/g.prompt.yml',
      'docs/new/n.prompt.yml',
      'lib/l.prompt.yml',
      'src/build/b.prompt.yml',
      'tmpx/t.prompt.yml',
      'x/keep.draft.prompt.yml',
    ]);
  });

  it('finds exactly the prompt files git itself sees as not ignored, node_modules aside (git ls-files as the oracle)', () => {
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const untracked = execFileSync('git', ['ls-files', '--others', '--exclude-standard'], {
      cwd: repo,
      encoding: 'utf8',
    });
    const seen = untracked
      .split('\n')
      .map((line) => line.replace(/^"(.*)"$/, '$1'))
      .filter((line) => /\.prompt\.ya?ml$/.test(line))
      // Where we leave out more than git: node_modules, even when .gitignore does not name it.
      .filter((line) => !line.split('/').includes('node_modules'))
      .sort();
    expect(seen).toContain('x/keep.draft.prompt.yml');
    expect(found()).toEqual(seen);
  });

  it("from a subdirectory, the repository root's .gitignore still applies (paths relative to the root)", () => {
    expect(found(path.join(repo, 'lib'))).toEqual(['l.prompt.yml']);
  });

  it('a file named explicitly is taken even when .gitignore names it', () => {
    expect(discoverPromptFiles(['build/a.prompt.yml'], repo)).toEqual(['build/a.prompt.yml']);
  });

  it('a pattern that would backtrack is matched in linear time (RE2): a .gitignore comes with pull requests', () => {
    const rules = parseIgnore(`${'*a'.repeat(30)}b\n`);
    expect(rules.ignores(`${'a'.repeat(200)}`, false)).toBe(false);
    expect(rules.ignores(`${'a'.repeat(40)}b`, false)).toBe(true);
  });
});
