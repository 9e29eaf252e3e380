/**
 * The engine's SamplePool over worker_threads: evaluation, calibration and the quantization
 * debugger spread samples over threads (default: one per core) and get each sample's result back
 * in sample order (engine/interpreter/sample-pool.ts says why that keeps results identical to one
 * thread). A thread runs whichever engine task it is given (tasks.ts).
 *
 * Scheduling: each thread holds up to IN_FLIGHT samples (so it never waits for the parent), the
 * next sample goes to whichever thread answers first, and answers wait in a reorder buffer
 * (at most threads × IN_FLIGHT entries) until every earlier sample has been delivered. A
 * sample's error is delivered in its turn too, so the error reported is the one one thread would
 * have hit first. Cancel and errors terminate the threads at once (they restart on the next run).
 *
 * The parent reads each sample (decoding, preprocessing) and sends a copy of its inputs: a
 * dataset's arrays may be views of one buffer, which a transfer would detach.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CancelledError, LowbitError } from '../../engine/errors';
import type { PoolSample, SamplePool, SampleTask } from '../../engine/interpreter/sample-pool';
import type { FromPoolWorker, ToPoolWorker } from './protocol';

/** Samples queued per thread: one running, one waiting, so a thread never idles on the parent. */
const IN_FLIGHT = 2;

/** One thread per core: running samples is CPU-bound. */
export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism());
}

function poolWorkerUrl(): URL {
  // From sources (tsx) this module is sample-pool.ts and needs the tsx bootstrap; in the Electron
  // bundle it is inlined into out/main/*.js and the thread is built beside it as pool-worker.js.
  return import.meta.url.endsWith('.ts')
    ? new URL('./pool-worker-entry.mjs', import.meta.url)
    : new URL('./pool-worker.js', import.meta.url);
}

export class WorkerSamplePool implements SamplePool {
  private threads: Worker[] = [];
  private runs = 0;
  private running = false;

  constructor(readonly workers: number = defaultWorkerCount()) {
    if (!Number.isInteger(workers) || workers < 1)
      throw new LowbitError('INVALID_ARGUMENT', `workers must be a positive integer, got ${workers}`);
  }

  run<P, R, S extends PoolSample>(
    task: SampleTask<P, R>,
    params: P,
    samples: { readonly length: number; get(index: number): S },
    onResult: (index: number, sample: S, result: R) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    if (this.running) throw new LowbitError('INTERNAL', 'a sample pool runs one task at a time');
    if (signal?.aborted) return Promise.reject(new CancelledError());
    const total = samples.length;
    if (total === 0) return Promise.resolve();
    const run = ++this.runs;
    const threads = this.start(Math.min(this.workers, total));
    this.running = true;
    return new Promise<void>((resolve, reject) => {
      let next = 0;
      let delivered = 0;
      let settled = false;
      const sent = new Map<number, S>();
      /** Results (or errors) waiting for every earlier sample's; a result is boxed, it may be anything. */
      const answered = new Map<number, { result: R } | LowbitError>();

      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        this.running = false;
        signal?.removeEventListener('abort', onAbort);
        for (const [w, handlers] of listeners) {
          w.off('message', handlers.message).off('error', handlers.error).off('exit', handlers.exit);
          w.unref();
        }
        if (error === undefined) resolve();
        else {
          void this.dispose();
          reject(error);
        }
      };
      const onAbort = () => finish(new CancelledError());

      const send = (w: Worker) => {
        if (next >= total || settled) return;
        const index = next++;
        let sample: S;
        try {
          sample = samples.get(index);
        } catch (e) {
          return finish(e);
        }
        sent.set(index, sample);
        const inputs = sample.inputs.map((x) => x.slice());
        const msg: ToPoolWorker = { type: 'sample', run, index, inputs };
        w.postMessage(
          msg,
          inputs.map((x) => x.buffer),
        );
      };

      /** Hands on every answer whose predecessors have all been handed on. */
      const deliver = () => {
        for (let a = answered.get(delivered); a !== undefined; a = answered.get(delivered)) {
          // onOutputs may have fired the signal (a progress handler cancelling): stop at once.
          if (settled) return;
          answered.delete(delivered);
          const sample = sent.get(delivered)!;
          sent.delete(delivered);
          if (a instanceof LowbitError) return finish(a);
          try {
            onResult(delivered, sample, a.result);
          } catch (e) {
            return finish(e);
          }
          delivered++;
        }
        if (delivered === total) finish();
      };

      const listeners = threads.map((w) => {
        const handlers = {
          message: (m: FromPoolWorker) => {
            if (m.run !== run || settled) return;
            answered.set(
              m.index,
              m.type === 'result'
                ? { result: m.result as R }
                : new LowbitError(m.error.code, m.error.message),
            );
            deliver();
            send(w);
          },
          error: (e: Error) => finish(new LowbitError('INTERNAL', `a sample thread failed: ${e.message}`)),
          exit: (code: number) =>
            finish(new LowbitError('INTERNAL', `a sample thread exited (code ${code})`)),
        };
        w.on('message', handlers.message).on('error', handlers.error).on('exit', handlers.exit);
        return [w, handlers] as const;
      });
      signal?.addEventListener('abort', onAbort, { once: true });

      for (const w of threads) {
        w.ref();
        w.postMessage({ type: 'task', run, id: task.id, params } satisfies ToPoolWorker);
        for (let k = 0; k < IN_FLIGHT; k++) send(w);
      }
    });
  }

  /** Threads alive now (0 before the first run and after a cancel, an error or dispose). */
  get liveThreads(): number {
    return this.threads.length;
  }

  /** Threads for a run, started on first use (and again after a cancel or an error). */
  private start(count: number): Worker[] {
    while (this.threads.length < count) this.threads.push(new Worker(poolWorkerUrl()));
    return this.threads.slice(0, count);
  }

  /** Ends every thread; the pool starts new ones if it is used again. */
  async dispose(): Promise<void> {
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((w) => w.terminate()));
  }
}
