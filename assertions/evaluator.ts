/** promptfoo assertion for every prompt-file evaluator that checks the reply itself (file://dist/assertions/evaluator.js:evaluate). */
export { evaluate } from '../src/promptfoo/assertions/evaluator';
