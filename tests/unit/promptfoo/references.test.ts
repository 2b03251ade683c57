/**
 * The offline reference finds a suite's reference answer through its config (`answers:`), never through an import of
 * the suite: the plugin knows no suite.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { answeredFiles, referenceFor } from '../../../src/promptfoo/references';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'references-'));
fs.writeFileSync(
  path.join(dir, 'echo.js'),
  'exports.echo = (v) => `topic: ${v.topic}`;\nexports.notAFunction = 3;\n',
);
const answers = { echoes: `file://${path.join(dir, 'echo.js')}:echo`, relative: 'file://echo.js:echo' };

describe('referenceFor', () => {
  test('loads the function a prompt file is mapped to, by absolute path or relative to the run directory', () => {
    const absolute = referenceFor('echoes', answers);
    const relative = referenceFor('relative', answers, dir);
    expect(typeof absolute === 'function' && absolute({ topic: 'x' })).toBe('topic: x');
    expect(typeof relative === 'function' && relative({ topic: 'y' })).toBe('topic: y');
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'other'])(
    'finds no reference for a prompt file named %s, and says how to configure one',
    (name) => {
      expect(referenceFor(name, answers)).toEqual({
        error: expect.stringMatching(
          new RegExp(
            `^no offline reference for prompt file '${name}'; references are configured for: echoes, relative\\. Name one`,
          ),
        ),
      });
    },
  );

  test('a list of names, or no config, answers nothing', () => {
    expect(referenceFor('echoes', ['echoes'])).toEqual({ error: expect.stringContaining("'echoes'") });
    expect(referenceFor('echoes', undefined)).toEqual({
      error: expect.stringMatching(/^no offline reference for prompt file 'echoes'\. Name one/),
    });
  });

  test.each([
    ['file://echo.js', 'expected file://path/to/module.js:functionName'],
    ['file://echo.ts:echo', 'the module must be JavaScript (.js, .cjs or .mjs): compile the suite first'],
    ['file://missing.js:echo', 'cannot be loaded: '],
    ['file://echo.js:nothing', "the module has no function 'nothing'"],
    ['file://echo.js:notAFunction', "the module has no function 'notAFunction'"],
  ])('a reference written %s is refused: %s', (spec, why) => {
    const found = referenceFor('bad', { bad: spec }, dir);
    expect(found).toEqual({
      error: expect.stringContaining(`offline reference for 'bad' (${spec}): ${why}`),
    });
  });
});

describe('answeredFiles', () => {
  test('the names of a mapping or a list; nothing otherwise', () => {
    expect(answeredFiles(answers)).toEqual(['echoes', 'relative']);
    expect(answeredFiles(['a', 'b'])).toEqual(['a', 'b']);
    expect(answeredFiles('a')).toBeUndefined();
    expect(answeredFiles(undefined)).toBeUndefined();
  });
});
