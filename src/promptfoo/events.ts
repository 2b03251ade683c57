/**
 * The event channel from the promptfoo child to `promptfile eval`: one JSON line per finished call, written to the
 * file descriptor PROMPTFILE_EVENTS_FD names. `promptfile eval` opens it (fd 3) and adds the hook that writes it
 * (extensions/progress.ts) to the config it runs; in a plain promptfoo run the variable is unset and nothing is
 * written.
 */
import * as fs from 'node:fs';

/** How a call ended, as the results table will count it (promptfoo/parseResults.ts): no output at all is an error too. */
export type CallOutcome = 'pass' | 'fail' | 'error';

/** One finished call. */
export interface CallFinished {
  outcome: CallOutcome;
}

/** The part of promptfoo's afterEach context the hook reads. */
export interface FinishedRow {
  result?: {
    success?: boolean;
    failureReason?: number;
    response?: { output?: unknown } | null;
  };
}

/** The outcome of a finished row of promptfoo's. */
export function callOutcome(row: FinishedRow): CallOutcome {
  const result = row.result;
  const output = result?.response?.output;
  if (!result || result.failureReason === 2 || output === undefined || output === null) return 'error';
  return result.success === true ? 'pass' : 'fail';
}

/** Writes the row's event to the channel, when there is one. A channel that broke never fails the eval. */
export function reportCall(row: FinishedRow, env: NodeJS.ProcessEnv = process.env): void {
  const fd = Number(env['PROMPTFILE_EVENTS_FD']);
  if (!Number.isInteger(fd) || fd < 3) return;
  const event: CallFinished = { outcome: callOutcome(row) };
  try {
    fs.writeSync(fd, `${JSON.stringify(event)}\n`);
  } catch {
    // promptfile went away or closed the channel: the results file still records the call.
  }
}

/** An event line as `promptfile eval` reads it; undefined for anything else. */
export function parseEvent(line: string): CallFinished | undefined {
  try {
    const event = JSON.parse(line) as Partial<CallFinished>;
    return event.outcome === 'pass' || event.outcome === 'fail' || event.outcome === 'error'
      ? { outcome: event.outcome }
      : undefined;
  } catch {
    return undefined;
  }
}
