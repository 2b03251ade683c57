/**
 * The worker thread side of limit.ts: runs one domain check per message and posts its verdict back. Kept apart
 * so the main thread can terminate a check that overruns its time limit, whatever the check is doing.
 */
import { parentPort } from 'node:worker_threads';
import { runCheck, type CheckRequest } from './run';

export interface CheckMessage {
  id: number;
  request: CheckRequest;
}

parentPort?.on('message', ({ id, request }: CheckMessage) => {
  try {
    parentPort!.postMessage({ id, verdict: runCheck(request) });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).stack ?? String(error) });
  }
});
