/**
 * Finding prompt files: explicit paths, directories searched recursively, and globs. Results are sorted,
 * de-duplicated and relative to the working directory, so runs and reports are stable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_PATTERNS, discoverPromptFiles, globToRegExp } from '../../../src/promptfile/discover';
import { isUserError } from '../../../src/promptfile/errors';

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
  it('searches subdirectories, skipping hidden directories and node_modules', () => {
    expect(discoverPromptFiles(['prompts'], cwd)).toEqual([
      rel('prompts', 'a.prompt.yml'),
      rel('prompts', 'b.prompt.yaml'),
      rel('prompts', 'team', 'c.prompt.yml'),
      rel('prompts', 'team', 'deep', 'd.prompt.yml'),
    ]);
  });

  it('by default reads prompts/ the same way', () => {
    expect(discoverPromptFiles(DEFAULT_PATTERNS, cwd)).toEqual(discoverPromptFiles(['prompts'], cwd));
  });
});

describe('globs match paths the way shells do', () => {
  it('`*` stays within one directory', () => {
    expect(discoverPromptFiles(['prompts/*.prompt.yml'], cwd)).toEqual([rel('prompts', 'a.prompt.yml')]);
  });

  it('`**/` spans any number of directories, including none', () => {
    expect(discoverPromptFiles(['prompts/**/*.prompt.yml'], cwd)).toEqual([
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
    ).toHaveLength(4);
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
