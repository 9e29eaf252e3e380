/**
 * Entry of a training-pool thread: builds the engine's ShardWorker from the run's init (the same
 * class the main thread runs inline), then computes the shards it is sent, in order.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../../engine/errors';
import { ShardWorker } from '../../engine/train/shard-worker';
import type { FromTrainWorker, ToTrainWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('main/jobs/train-pool/train-worker.ts must run in a worker thread');

let worker: ShardWorker | undefined;

port.on('message', (m: ToTrainWorker) => {
  const post = (msg: FromTrainWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
  try {
    if (m.type === 'open') {
      worker = new ShardWorker(m.init);
      post({ type: 'opened' });
      return;
    }
    if (!worker) throw new Error('a training thread was sent shards before its model');
    const results = m.shards.map((s) => worker!.run(m.state, s));
    // Gradients are fresh arrays (ShardWorker.run copies them): moved, not copied.
    post(
      { type: 'done', id: m.id, results },
      results.flatMap((r) => r.grads.map((g) => g.buffer as ArrayBuffer)),
    );
  } catch (e) {
    post({ type: 'error', id: m.type === 'run' ? m.id : -1, error: toErrorInfo(e) });
  }
});
