/**
 * Entry of a sample-pool thread: opens the task it is given (reads the model...), then runs each
 * sample it receives through the task's per-sample function, the one the engine runs on one
 * thread, so every result has the same bits.
 */
import { parentPort } from 'node:worker_threads';
import { LowbitError, toErrorInfo } from '../../engine/errors';
import type { FromPoolWorker, ToPoolWorker } from './protocol';
import { sampleTask } from './tasks';

const port = parentPort;
if (!port) throw new Error('main/jobs/pool/pool-worker.ts must run in a worker thread');

type RunSample = (inputs: Float32Array[]) => unknown;
let current: { run: number; runSample: RunSample | Error } | null = null;
/** Samples run one at a time, in the order they arrived. */
let queue: Promise<void> = Promise.resolve();

port.on('message', (m: ToPoolWorker) => {
  queue = queue.then(() => handle(m));
});

async function handle(m: ToPoolWorker): Promise<void> {
  if (m.type === 'task') {
    let runSample: RunSample | Error;
    try {
      const task = sampleTask(m.id);
      if (!task) throw new LowbitError('INTERNAL', `no sample task "${m.id}" in main/jobs/pool/tasks.ts`);
      runSample = task.open(m.params as never);
    } catch (e) {
      runSample = e instanceof Error ? e : new Error(String(e));
    }
    current = { run: m.run, runSample };
    return;
  }
  if (current?.run !== m.run) return;
  const post = (msg: FromPoolWorker, transfer: ArrayBuffer[] = []) => port!.postMessage(msg, transfer);
  try {
    if (current.runSample instanceof Error) throw current.runSample;
    const result = await current.runSample(m.inputs);
    post({ type: 'result', run: m.run, index: m.index, result }, ownedBuffers(result));
  } catch (e) {
    post({ type: 'error', run: m.run, index: m.index, error: toErrorInfo(e) });
  }
}

/**
 * The buffers of the typed arrays in a result that own their whole buffer: moved, not copied.
 * A view into a larger buffer (an interpreter's arena, say) is copied by the structured clone.
 */
function ownedBuffers(value: unknown, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    const b = value.buffer;
    if (b instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === b.byteLength) found.add(b);
  } else if (Array.isArray(value)) {
    for (const v of value) ownedBuffers(v, found);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) ownedBuffers(v, found);
  }
  return [...found];
}
