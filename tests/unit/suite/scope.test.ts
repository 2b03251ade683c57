/**
 * Evaluator scoping: gh models applies every evaluator to every row; scoping narrows that per row, and may
 * require that an evaluator NOT match. A mistake in a scope is the user's error, caught before any call.
 */
import * as path from 'node:path';
import { isUserError } from '../../../src/errors/diagnostics';
import { loadPromptFileOrThrow } from '../../../src/promptfile/load';
import type { PromptFile } from '../../../src/promptfile/model';
import { planRow, scopeFor, validateScope, type FileScope } from '../../../src/suite/scope';
import { checkScopeTargets } from '../../../src/promptfoo/tests';

const ROOT = path.resolve(__dirname, '../../..');
const SEED_PATH = 'prompts/peer_to_peer_gossip_protocol_architect.prompt.yml';
const seed = { ...loadPromptFileOrThrow(path.join(ROOT, SEED_PATH)).file, path: SEED_PATH };
const github = loadPromptFileOrThrow(path.join(ROOT, 'tests/fixtures/valid/github-format.prompt.yml')).file;

const MODALITIES = 'Mentions standard gossip modalities and protocols';
const STRUCTURES = 'Mentions state reconciliation structures';
const EMPTY = 'Handles empty inputs gracefully';
const REFUSAL = 'Refusal JSON';

function plan(file: PromptFile, row: number, scope?: FileScope): [string, string][] {
  return planRow(file, row, scope).evaluators.map((a) => [a.evaluator.name, a.expect]);
}

/** The message of the UserError `fn` throws. */
function userError(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    if (isUserError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('without a scope, every evaluator applies to every row, as in gh models', () => {
  it.each([0, 1, 2])('row %i gets all four evaluators, each expected to match', (row) => {
    expect(plan(seed, row)).toEqual([
      [MODALITIES, 'match'],
      [STRUCTURES, 'match'],
      [EMPTY, 'match'],
      [REFUSAL, 'match'],
    ]);
  });

  it('also applies to rows a scope does not mention', () => {
    expect(plan(seed, 2, { rows: [{ row: 0, evaluators: [MODALITIES] }] })).toHaveLength(4);
  });
});

describe('a scoped row gets only the evaluators it names', () => {
  it('applies the named evaluators, in the order the file lists them', () => {
    expect(plan(seed, 0, { rows: [{ row: 0, evaluators: [STRUCTURES, MODALITIES] }] })).toEqual([
      [MODALITIES, 'match'],
      [STRUCTURES, 'match'],
    ]);
  });

  it('applies the seed config: a real design must not print the refusal', () => {
    const scope: FileScope = {
      rows: [{ row: 0, evaluators: [MODALITIES, STRUCTURES], mustNotMatch: [REFUSAL] }],
    };
    expect(plan(seed, 0, scope)).toEqual([
      [MODALITIES, 'match'],
      [STRUCTURES, 'match'],
      [REFUSAL, 'no-match'],
    ]);
  });

  it('with only mustNotMatch, keeps every other evaluator and inverts the named one', () => {
    expect(plan(seed, 2, { rows: [{ row: 2, mustNotMatch: [STRUCTURES] }] })).toEqual([
      [MODALITIES, 'match'],
      [STRUCTURES, 'no-match'],
      [EMPTY, 'match'],
      [REFUSAL, 'match'],
    ]);
  });

  it('with an empty evaluators list, applies none', () => {
    expect(plan(seed, 1, { rows: [{ row: 1, evaluators: [] }] })).toEqual([]);
  });
});

describe('extra assertions are added for the file and for the row', () => {
  it("puts the file-wide ones first, then the row's own", () => {
    const scope: FileScope = {
      assert: [{ type: 'javascript', value: 'file' }],
      rows: [{ row: 1, assert: [{ type: 'contains', value: 'row' }] }],
    };
    expect(planRow(seed, 1, scope).assert).toEqual([
      { type: 'javascript', value: 'file' },
      { type: 'contains', value: 'row' },
    ]);
    expect(planRow(seed, 0, scope).assert).toEqual([{ type: 'javascript', value: 'file' }]);
  });
});

describe("a scope entry is found by the prompt file's path or name", () => {
  const scope: FileScope = { rows: [] };

  it.each([SEED_PATH, `./${SEED_PATH}`, SEED_PATH.replace(/\//g, '\\'), seed.name])(
    'finds it by %s',
    (key) => {
      expect(scopeFor({ [key]: scope }, seed)).toBe(scope);
    },
  );

  it('finds nothing for another file', () => {
    expect(scopeFor({ 'prompts/other.prompt.yml': scope }, seed)).toBeUndefined();
    expect(scopeFor(undefined, seed)).toBeUndefined();
  });
});

describe('mistakes in a scope are errors, each on its own line', () => {
  const where = `scope['${SEED_PATH}']`;

  it('names an unknown evaluator and suggests the closest one', () => {
    expect(
      userError(() => validateScope({ rows: [{ row: 0, evaluators: ['Refusal JSN'] }] }, seed, where)),
    ).toBe(
      `${where}.rows[0].evaluators: ${SEED_PATH} has no evaluator 'Refusal JSN'; did you mean 'Refusal JSON'?`,
    );
  });

  it('names an unknown must-not-match evaluator too', () => {
    expect(userError(() => validateScope({ rows: [{ row: 1, mustNotMatch: ['Nope'] }] }, seed, where))).toBe(
      `${where}.rows[0].mustNotMatch: ${SEED_PATH} has no evaluator 'Nope'`,
    );
  });

  it.each([3, -1, 1.5])('refuses row %s, saying which rows exist', (row) => {
    expect(userError(() => validateScope({ rows: [{ row }] }, seed, where))).toBe(
      `${where}.rows[0]: row ${row} does not exist; ${SEED_PATH} has rows 0..2`,
    );
  });

  it('says so when the file has no rows at all, or only one', () => {
    const none = { ...seed, rows: [] };
    const one = { ...seed, rows: seed.rows.slice(0, 1) };
    expect(userError(() => validateScope({ rows: [{ row: 0 }] }, none, where))).toBe(
      `${where}.rows[0]: row 0 does not exist; ${SEED_PATH} has no rows`,
    );
    expect(userError(() => validateScope({ rows: [{ row: 1 }] }, one, where))).toBe(
      `${where}.rows[0]: row 1 does not exist; ${SEED_PATH} has only row 0`,
    );
  });

  it('refuses a row scoped twice', () => {
    expect(userError(() => validateScope({ rows: [{ row: 1 }, { row: 1 }] }, seed, where))).toBe(
      `${where}.rows[1]: row 1 is scoped twice`,
    );
  });

  it('refuses an evaluator that is both required and must-not-match', () => {
    expect(
      userError(() =>
        validateScope({ rows: [{ row: 0, evaluators: [REFUSAL], mustNotMatch: [REFUSAL] }] }, seed, where),
      ),
    ).toBe(`${where}.rows[0]: '${REFUSAL}' is both required and must-not-match`);
  });

  it.each(['Similarity', 'Concise'])('refuses to invert the model-graded evaluator %s', (name) => {
    expect(
      userError(() => validateScope({ rows: [{ row: 0, mustNotMatch: [name] }] }, github, 'scope')).split(
        '\n',
      ),
    ).toEqual([
      `scope.rows[0].mustNotMatch: '${name}' is a model-graded evaluator; only regex and string evaluators can be inverted`,
    ]);
  });

  it('allows inverting a string evaluator', () => {
    expect(() =>
      validateScope({ rows: [{ row: 0, mustNotMatch: ["Starts with 'Summary -'"] }] }, github, 'scope'),
    ).not.toThrow();
  });

  it('refuses an evaluators entry that is not a list', () => {
    const scope = { rows: [{ row: 0, evaluators: REFUSAL as unknown as string[] }] };
    expect(userError(() => validateScope(scope, seed, where))).toBe(
      `${where}.rows[0].evaluators must be a list of evaluator names`,
    );
  });

  it('refuses an extra assertion sharing a metric with an evaluator or another assertion of the row', () => {
    const check = (metric: string) => ({ type: 'contains', value: 'x', metric });
    const scope: FileScope = {
      assert: [check('Shared')],
      rows: [
        { row: 0, assert: [check(REFUSAL), check('Shared')] },
        { row: 1, assert: [check('Own'), check('Own')] },
        { row: 2, mustNotMatch: [REFUSAL], assert: [check(`${REFUSAL} (must not match)`)] },
      ],
    };
    expect(userError(() => validateScope(scope, seed, where)).split('\n')).toEqual([
      `${where}.rows[0].assert[0].metric: '${REFUSAL}' is already the metric of evaluator '${REFUSAL}'; give each assertion of a row its own metric (promptfoo would average them)`,
      `${where}.rows[0].assert[1].metric: 'Shared' is already the metric of ${where}.assert[0]; give each assertion of a row its own metric (promptfoo would average them)`,
      `${where}.rows[1].assert[1].metric: 'Own' is already the metric of ${where}.rows[1].assert[0]; give each assertion of a row its own metric (promptfoo would average them)`,
      `${where}.rows[2].assert[0].metric: '${REFUSAL} (must not match)' is already the metric of evaluator '${REFUSAL}' where it must not match; give each assertion of a row its own metric (promptfoo would average them)`,
    ]);
  });

  it('lets different rows use one metric for their own assertion', () => {
    const check = { type: 'contains', value: 'x', metric: 'Domain check' };
    expect(() =>
      validateScope(
        {
          rows: [
            { row: 0, assert: [check] },
            { row: 1, assert: [check] },
          ],
        },
        seed,
        where,
      ),
    ).not.toThrow();
  });

  it('reports every mistake at once', () => {
    const scope: FileScope = { rows: [{ row: 9 }, { row: 0, evaluators: ['x'], mustNotMatch: ['y'] }] };
    expect(userError(() => validateScope(scope, seed, where)).split('\n')).toHaveLength(3);
  });
});

describe('a scope that names a file outside the run is an error, so a typo cannot silently unscope', () => {
  it('names the key and the files of the run', () => {
    expect(userError(() => checkScopeTargets({ 'prompts/peer_to_peer.prompt.yml': {} }, [seed]))).toBe(
      `scope names 'prompts/peer_to_peer.prompt.yml', which is not among the prompt files of this run (${SEED_PATH})`,
    );
  });

  it('accepts a scope keyed by path or by name', () => {
    expect(() => checkScopeTargets({ [SEED_PATH]: {}, [seed.name]: {} }, [seed])).not.toThrow();
  });
});
