/** Entry of a job worker thread: runs one job, posting progress, then the result or the error. */
import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../engine/errors';
import { jobKinds } from './kinds';
import type { FromWorker, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('main/jobs/worker.ts must run in a worker thread');
const abort = new AbortController();
const post = (m: FromWorker) => port.postMessage(m);

port.on('message', async (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    abort.abort();
    return;
  }
  const fn = jobKinds[msg.kind];
  try {
    if (!fn) throw new Error(`unknown job kind ${msg.kind}`);
    const result = await fn(msg.params, {
      signal: abort.signal,
      progress: (stage, done, total) => post({ type: 'progress', stage, done, total }),
    });
    post({ type: 'done', result });
  } catch (e) {
    post({ type: 'error', error: toErrorInfo(e) });
  }
});
