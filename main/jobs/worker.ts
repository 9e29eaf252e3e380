/** Entry of a job worker thread: runs one job, posting progress, then the result or the error. */
import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../engine/errors';
import { isWorkerJobKind, jobKinds } from './kinds';
import type { FromWorker, JobFn, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('main/jobs/worker.ts must run in a worker thread');
const abort = new AbortController();
const stop = new AbortController();
const post = (m: FromWorker) => port.postMessage(m);

port.on('message', async (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    abort.abort();
    return;
  }
  if (msg.type === 'stop') {
    stop.abort();
    return;
  }
  try {
    if (!isWorkerJobKind(msg.kind)) throw new Error(`unknown job kind ${msg.kind}`);
    // The manager typed the params for this kind (JobManager.start); the clone keeps their shape.
    const run = jobKinds[msg.kind] as JobFn<unknown, unknown>;
    const result = await run(msg.params, {
      signal: abort.signal,
      stopSignal: stop.signal,
      progress: (stage, done, total, epoch) =>
        post({ type: 'progress', stage, done, total, ...(epoch ? { epoch } : {}) }),
    });
    post({ type: 'done', result });
  } catch (e) {
    post({ type: 'error', error: toErrorInfo(e) });
  }
});
