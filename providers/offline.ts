/** The offline reference, a deterministic baseline (file://dist/providers/offline.js). The provider lives in the promptfoo adapter. */
export { default } from '../src/promptfoo/providers/offline';
