/** The worker thread of parallelResults.ts: reads the results file it is asked for, one at a time. */
import { parentPort } from 'node:worker_threads';
import { answer, type ReadRequest } from './parallelResults';

parentPort?.on('message', (request: ReadRequest) => parentPort?.postMessage(answer(request)));
