/**
 * The training pool used when the user names no worker count: it measures, during the run,
 * whether worker threads train faster than this thread, and keeps the faster. Data-parallel
 * batches pay a fixed cost per batch (the weights sent to every thread, the shard gradients sent
 * back, each thread woken twice), which small models barely cover (on 2 cores: fashion_cnn about
 * even, fashion_dwcnn 3.9 against 5.0 ms per batch on 2 threads; loaded machines differ again).
 * No fixed threshold fits every model and machine, and the choice cannot change the result (every
 * batch is cut into the same shards and summed in shard order whatever computes them:
 * engine/train/pool.ts), so the pool times both and picks.
 *
 * The sequence, over training batches (validation passes run where training batches run):
 *  1. on this thread (InlinePool): `warmup` batches, then `measure` timed ones;
 *  2. if the rest of the run would take at least `minSeconds` on this thread, the threads start in
 *     the background (their start-up, ~1-2 s from TypeScript sources, overlaps training here);
 *  3. once they are up: `warmup` batches on them, then `measure` timed ones;
 *  4. the threads are kept if their batches took at most `keepBelow` of this thread's time,
 *     otherwise they are closed and the run finishes here.
 * Threads that fail to start leave the run on this thread. A run with a worker count of 1 uses
 * this pool too (threads: 1), for its turns of the event loop (yieldSometimes).
 */
import type {
  ShardRequest,
  ShardResult,
  ShardState,
  ShardWorkerInit,
  TrainPool,
} from '../../engine/train/pool';
import { InlinePool } from '../../engine/train/run';

export interface AutoPoolOptions {
  /** Threads to try (one per core); 1 never tries threads. */
  threads: number;
  /** Training batches in the run (epochs x batches per epoch), to project its remaining time. */
  totalBatches: number;
  /** Untimed batches before each measurement (JIT warm-up). Default 5. */
  warmup?: number;
  /** Timed batches per measurement. Default 20. */
  measure?: number;
  /** Threads are tried only when the rest of the run would take at least this long here. Default 20. */
  minSeconds?: number;
  /** Threads are kept when their ms per batch is at most this fraction of this thread's. Default 0.9. */
  keepBelow?: number;
  /** The threaded pool (WorkerTrainPool in production; tests pass their own). */
  makePool: (threads: number) => TrainPool;
  /** Wait for the threads to start instead of training on meanwhile (tests: a known switch batch). */
  waitForThreads?: boolean;
}

type Phase = 'inline' | 'starting' | 'trial' | 'threads' | 'settled';

/** Training time on this thread between two turns of the event loop (see yieldSometimes). */
const YIELD_MS = 20;

export class AutoTrainPool implements TrainPool {
  readonly workers: number;
  private readonly inline = new InlinePool();
  private threaded: TrainPool | null = null;
  private phase: Phase = 'inline';
  private trained = 0; // training batches run so far in the current phase
  private timedMs = 0;
  private inlineMs = Infinity;
  private started = false;
  private startFailed = false;
  private readonly warmup: number;
  private readonly measure: number;
  private readonly minSeconds: number;
  private readonly keepBelow: number;
  /**
   * What was measured and chosen, for reports: the threads that trained last, ms per batch here and
   * on `tried` threads (null: not measured, not tried).
   */
  readonly decision: {
    threads: number;
    inlineMs: number | null;
    threadsMs: number | null;
    tried: number | null;
  } = {
    threads: 1,
    inlineMs: null,
    threadsMs: null,
    tried: null,
  };

  constructor(private readonly o: AutoPoolOptions) {
    this.workers = o.threads;
    this.warmup = o.warmup ?? 5;
    this.measure = o.measure ?? 20;
    this.minSeconds = o.minSeconds ?? 20;
    this.keepBelow = o.keepBelow ?? 0.9;
    if (o.threads <= 1) this.phase = 'settled';
  }

  private init: ShardWorkerInit | undefined;
  private opening: Promise<void> | undefined;

  async open(init: ShardWorkerInit): Promise<void> {
    this.init = init;
    await this.inline.open(init);
  }

  async run(state: ShardState, shards: ShardRequest[]): Promise<ShardResult[]> {
    if (this.phase === 'starting' && this.o.waitForThreads) {
      await this.opening;
      this.phase = this.started ? 'trial' : 'settled';
      this.trained = 0;
      this.timedMs = 0;
    }
    const training = shards.some((s) => !s.evalOnly);
    const onThreads = this.phase === 'trial' || this.phase === 'threads';
    const pool = onThreads ? this.threaded! : this.inline;
    if (!onThreads) await this.yieldSometimes();
    if (!training) return pool.run(state, shards);
    const t0 = performance.now();
    const results = await pool.run(state, shards);
    const ms = performance.now() - t0;
    this.afterBatch(ms);
    return results;
  }

  private afterBatch(ms: number): void {
    this.trained++;
    if (this.trained > this.warmup) this.timedMs += ms;
    const measured = this.trained === this.warmup + this.measure;
    if (this.phase === 'inline' && measured) {
      this.inlineMs = this.timedMs / this.measure;
      this.decision.inlineMs = this.inlineMs;
      const left = this.o.totalBatches - this.trained;
      if (left * this.inlineMs >= this.minSeconds * 1000) this.start();
      else this.phase = 'settled';
    } else if (this.phase === 'starting' && this.started) {
      this.phase = 'trial';
      this.trained = 0;
      this.timedMs = 0;
    } else if (this.phase === 'starting' && this.startFailed) {
      this.phase = 'settled';
    } else if (this.phase === 'trial' && measured) {
      const threadsMs = this.timedMs / this.measure;
      this.decision.threadsMs = threadsMs;
      this.decision.tried = this.o.threads;
      if (threadsMs <= this.keepBelow * this.inlineMs) {
        this.phase = 'threads';
        this.decision.threads = this.o.threads;
      } else {
        this.phase = 'settled';
        const t = this.threaded;
        this.threaded = null;
        // terminating threads does not fail in practice; a failure must not end the run
        void t?.close().catch(() => undefined);
      }
    }
  }

  /**
   * Batches on this thread never wait for I/O, so without a pause now and then the event loop
   * would not see Ctrl-C, a job's stop message or a worker thread starting until the run ends:
   * every YIELD_MS of training, one turn of the loop (setImmediate: no timer delay).
   */
  private async yieldSometimes(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < YIELD_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.lastYield = performance.now();
  }

  private lastYield = performance.now();

  /** Starts the threads in the background; training goes on here until they are up. */
  private start(): void {
    this.phase = 'starting';
    const pool = this.o.makePool(this.o.threads);
    this.threaded = pool;
    this.opening = pool.open(this.init!).then(
      () => {
        this.started = true;
      },
      () => {
        this.startFailed = true;
        this.threaded = null;
        void pool.close().catch(() => undefined);
      },
    );
  }

  async close(): Promise<void> {
    const t = this.threaded;
    this.threaded = null;
    await Promise.all([this.inline.close(), t?.close()]);
  }
}
