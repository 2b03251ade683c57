/** promptfoo assertion for model-graded prompt-file evaluators (file://dist/assertions/judge.js:judge). */
export { judge } from '../src/promptfoo/assertions/judge';
