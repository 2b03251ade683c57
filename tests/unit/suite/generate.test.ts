/**
 * The test generator promptfoo calls: an invalid prompt file is reported (file:line:col on stderr) and skipped while
 * the others still become tests; `strict` makes warnings errors; `filesFrom` names the files to run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTests } from '../../../src/promptfoo/generate';
import { isUserError } from '../../../src/errors/diagnostics';

const GOOD =
  'name: Good\nmodel: gpt-4o\nmessages:\n  - role: user\n    content: "hi {{x}}"\ntestData:\n  - x: a\n  - x: b\n';
const BAD = 'name: Bad\nmessages:\n  - role: bot\n    content: hi\ntestData:\n  - x: a\n';
const WARNS = 'model: gpt-4o\nmessages:\n  - role: user\n    content: "hi {{x}}"\ntestData:\n  - y: a\n';

let dir: string;
let stderr: string[];
let write: typeof process.stderr.write;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptfile-generate-'));
  fs.mkdirSync(path.join(dir, 'prompts'));
  for (const [name, text] of Object.entries({ good: GOOD, bad: BAD, warns: WARNS }))
    fs.writeFileSync(path.join(dir, 'prompts', `${name}.prompt.yml`), text);
  stderr = [];
  write = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    stderr.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
});

afterEach(() => {
  process.stderr.write = write;
  fs.rmSync(dir, { recursive: true, force: true });
});

const files = (tests: ReturnType<typeof generateTests>) =>
  tests.map((t) => (t.metadata.promptfile as { file: string }).file);

describe('an invalid prompt file is skipped, the others still run', () => {
  it('makes tests of the valid files and says which file it skipped and why, at the line', () => {
    const tests = generateTests({ files: 'prompts/*.prompt.yml' }, dir);
    expect(files(tests)).toEqual([
      'prompts/good.prompt.yml',
      'prompts/good.prompt.yml',
      'prompts/warns.prompt.yml',
    ]);
    const text = stderr.join('');
    expect(text).toContain("prompts/bad.prompt.yml:3:5: error: unknown message role 'bot'");
    expect(text).toContain('promptfile: skipping 1 invalid prompt file (above); the other 2 run');
  });

  it('throws when no file is valid', () => {
    let error: unknown;
    try {
      generateTests({ files: 'prompts/bad.prompt.yml' }, dir);
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
  });
});

describe('strict: true makes warnings errors', () => {
  it('skips the file whose only problems are warnings', () => {
    const tests = generateTests({ files: 'prompts/*.prompt.yml', strict: true }, dir);
    expect([...new Set(files(tests))]).toEqual(['prompts/good.prompt.yml']);
    expect(stderr.join('')).toContain(
      'prompts/warns.prompt.yml:6:5: error: testData[0] gives no value for {{x}}',
    );
  });
});

describe('filesFrom names the files to run, whatever `files` says', () => {
  it('runs exactly the listed files, even one whose name holds template syntax', () => {
    const odd = 'prompts/{{ env.HOME }}.prompt.yml';
    fs.writeFileSync(path.join(dir, odd), GOOD);
    fs.writeFileSync(path.join(dir, 'list.json'), JSON.stringify([odd]));
    expect(
      new Set(files(generateTests({ files: 'prompts/*.prompt.yml', filesFrom: 'list.json' }, dir))),
    ).toEqual(new Set([odd]));
  });
});
