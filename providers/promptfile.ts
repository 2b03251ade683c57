/** The prompt file's own model, with the variant's overrides (promptfooconfig.yaml: file://dist/providers/promptfile.js). The provider lives in the promptfoo adapter. */
export { default } from '../src/promptfoo/providers/promptfile';
