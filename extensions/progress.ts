/**
 * The promptfoo extension hook `promptfile eval` adds to the config it runs (`extensions:`): after each call it
 * tells promptfile how the call ended, for the progress line (src/promptfoo/events.ts). Named export only:
 * promptfoo calls `file://…/progress.ts:afterEach` by that name.
 */
import { reportCall, type FinishedRow } from '../src/promptfoo/events';

/** promptfoo's afterEach hook: reports the call and changes nothing. */
export async function afterEach(context: FinishedRow): Promise<void> {
  reportCall(context);
}
