/**
 * The engine's TrainPool over worker_threads (engine/train/pool.ts says why the worker count
 * does not change the result): each thread holds a ShardWorker; a batch's shards are dealt to
 * the threads in contiguous groups, each thread computes its shards in order, and the results
 * are put back in shard order. `trainModelInThreads` is the entry point the CLI and the app's
 * job call: `options.workers` threads, inline on this thread for 1, and without a count the
 * faster of the two as measured (auto-pool.ts).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { LowbitError } from '../../engine/errors';
import type { TflModel } from '../../engine/tflite/model';
import type { LabelledData, TrainOptions, TrainResult } from '../../engine/train/api';
import type {
  ShardRequest,
  ShardResult,
  ShardState,
  ShardWorkerInit,
  TrainPool,
} from '../../engine/train/pool';
import { trainWithPool } from '../../engine/train/run';
import type { TrainThreads } from '../../contract/train';
import { AutoTrainPool } from './auto-pool';
import type { FromTrainWorker, ToTrainWorker } from './protocol';

export function defaultTrainWorkers(): number {
  return Math.max(1, os.availableParallelism());
}

function workerUrl(): URL {
  // From sources (tsx) the thread needs the tsx bootstrap; in the Electron bundle it is built
  // beside this module as train-worker.js (electron.vite.config.ts).
  return import.meta.url.endsWith('.ts')
    ? new URL('./train-worker-entry.mjs', import.meta.url)
    : new URL('./train-worker.js', import.meta.url);
}

export class WorkerTrainPool implements TrainPool {
  private threads: Worker[] = [];
  private nextId = 0;

  constructor(readonly workers: number = defaultTrainWorkers()) {
    if (!Number.isInteger(workers) || workers < 1)
      throw new LowbitError('INVALID_ARGUMENT', `workers must be a positive integer, got ${workers}`, {
        option: 'workers',
      });
  }

  private ask(
    w: Worker,
    msg: ToTrainWorker,
    match: (m: FromTrainWorker) => boolean,
  ): Promise<FromTrainWorker> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        w.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      const onMessage = (m: FromTrainWorker) => {
        if (!match(m)) return;
        cleanup();
        if (m.type === 'error') reject(new LowbitError(m.error.code as never, m.error.message));
        else resolve(m);
      };
      const onError = (e: Error) => {
        cleanup();
        reject(new LowbitError('INTERNAL', `a training thread failed: ${e.message}`));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new LowbitError('INTERNAL', `a training thread exited (code ${code})`));
      };
      w.on('message', onMessage).on('error', onError).on('exit', onExit);
      w.postMessage(msg);
    });
  }

  async open(init: ShardWorkerInit): Promise<void> {
    this.threads = Array.from({ length: this.workers }, () => new Worker(workerUrl()));
    await Promise.all(
      this.threads.map((w) =>
        this.ask(w, { type: 'open', init }, (m) => m.type === 'opened' || m.type === 'error'),
      ),
    );
  }

  async run(state: ShardState, shards: ShardRequest[]): Promise<ShardResult[]> {
    const n = this.threads.length;
    const groups = this.threads.map((_w, k) =>
      shards.slice(Math.floor((k * shards.length) / n), Math.floor(((k + 1) * shards.length) / n)),
    );
    const answers = await Promise.all(
      groups.map((g, k) => {
        if (g.length === 0) return Promise.resolve([] as ShardResult[]);
        const id = ++this.nextId;
        return this.ask(
          this.threads[k]!,
          { type: 'run', id, state, shards: g },
          (m) => m.type !== 'opened' && m.id === id,
        ).then((m) => (m as Extract<FromTrainWorker, { type: 'done' }>).results);
      }),
    );
    return answers.flat();
  }

  async close(): Promise<void> {
    const t = this.threads;
    this.threads = [];
    await Promise.all(t.map((w) => w.terminate()));
  }
}

/**
 * Trains on `options.workers` threads (1 runs inline), or, without a count, on this thread or one
 * thread per core, whichever the run measures faster (auto-pool.ts). The result is the same bits
 * either way; `threads` says what computed the run's last batches.
 */
export async function trainModelInThreads(
  model: TflModel,
  data: LabelledData,
  options: TrainOptions,
): Promise<TrainResult & { threads: ThreadChoice }> {
  const fixed = (k: number) => ({ threads: k, auto: false, inlineMs: null, threadsMs: null, tried: null });
  if (options.workers !== undefined && options.workers > 1) {
    const result = await trainWithPool(model, data, options, new WorkerTrainPool(options.workers));
    return { ...result, threads: fixed(options.workers) };
  }
  const n = data.samples.length;
  const val = Math.min(n - 1, Math.max(1, Math.round(options.valSplit * n)));
  // workers 1: this pool settled on this thread from the start (it still yields to the event loop)
  const pool = new AutoTrainPool({
    threads: options.workers ?? defaultTrainWorkers(),
    totalBatches: options.epochs * Math.ceil(Math.max(0, n - val) / options.batchSize),
    makePool: (k) => new WorkerTrainPool(k),
  });
  if (options.workers === 1) {
    const result = await trainWithPool(model, data, options, pool);
    return { ...result, threads: fixed(1) };
  }
  const result = await trainWithPool(model, data, options, pool);
  return { ...result, threads: { ...pool.decision, auto: true } };
}

/** The threads a run's batches ended on (the contract's TrainThreads). */
export type ThreadChoice = TrainThreads;
