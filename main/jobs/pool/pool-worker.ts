/**
 * Entry of a sample-pool thread: reads the model it is given, then runs each sample it receives
 * with the same FloatRunner evaluation uses on one thread, so every output has the same bits.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorInfo } from '../../engine/errors';
import { FloatRunner } from '../../engine/evaluate/runner';
import { openModel } from '../../engine/model/registry';
import type { FromPoolWorker, ToPoolWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('main/jobs/pool/pool-worker.ts must run in a worker thread');

let current: { run: number; runner: FloatRunner | Error } | null = null;
/** Samples run one at a time, in the order they arrived. */
let queue: Promise<void> = Promise.resolve();

port.on('message', (m: ToPoolWorker) => {
  queue = queue.then(() => handle(m));
});

async function handle(m: ToPoolWorker): Promise<void> {
  if (m.type === 'model') {
    let runner: FloatRunner | Error;
    try {
      runner = new FloatRunner(openModel(m.bytes, 'the model').tflite);
    } catch (e) {
      runner = e instanceof Error ? e : new Error(String(e));
    }
    current = { run: m.run, runner };
    return;
  }
  if (current?.run !== m.run) return;
  const post = (msg: FromPoolWorker, transfer: ArrayBuffer[] = []) => port!.postMessage(msg, transfer);
  try {
    if (current.runner instanceof Error) throw current.runner;
    const outputs = await current.runner.run(m.inputs);
    post(
      { type: 'outputs', run: m.run, index: m.index, outputs },
      outputs.map((o) => o.buffer as ArrayBuffer),
    );
  } catch (e) {
    post({ type: 'error', run: m.run, index: m.index, error: toErrorInfo(e) });
  }
}
