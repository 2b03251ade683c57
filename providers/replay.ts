/** Recorded answers replayed from cassettes, with no key and no network (file://dist/providers/replay.js). The provider lives in the promptfoo adapter. */
export { default } from '../src/promptfoo/providers/replay';
