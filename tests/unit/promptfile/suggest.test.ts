/** Did-you-mean: suggestions for misspelt keys, evaluator names and variables. */
import { closest, didYouMean, editDistance } from '../../../src/format/suggest';

describe('edit distance counts typos the way people make them', () => {
  it.each([
    ['name', 'name', 0],
    ['name', 'Name', 0],
    ['temprature', 'temperature', 1],
    ['nmae', 'name', 1],
    ['evaluator', 'evaluators', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s -> %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closest() suggests only plausible typos', () => {
  const keys = ['name', 'messages', 'testData', 'evaluators', 'modelParameters'];

  it('matches case and underscore variants however far apart their letters are', () => {
    expect(closest('test_data', keys)).toBe('testData');
    expect(closest('MODEL_PARAMETERS', keys)).toBe('modelParameters');
  });

  it('suggests a near miss', () => {
    expect(closest('mesages', keys)).toBe('messages');
  });

  it('suggests nothing for an unrelated word', () => {
    expect(closest('prompt', keys)).toBeUndefined();
    expect(closest('x', keys)).toBeUndefined();
  });
});

describe('didYouMean() is a sentence tail or nothing', () => {
  it("reads '; did you mean 'x'?' when something is close", () => {
    expect(didYouMean('evaluator', ['evaluators'])).toBe("; did you mean 'evaluators'?");
  });

  it('is empty when nothing is close', () => {
    expect(didYouMean('zzz', ['evaluators'])).toBe('');
  });
});
