/** Messages between WorkerTrainPool and its threads (train-worker.ts). */
import type { ShardRequest, ShardResult, ShardState, ShardWorkerInit } from '../../engine/train/pool';

export type ToTrainWorker =
  | { type: 'open'; init: ShardWorkerInit }
  | { type: 'run'; id: number; state: ShardState; shards: ShardRequest[] };

export type FromTrainWorker =
  | { type: 'opened' }
  | { type: 'done'; id: number; results: ShardResult[] }
  | { type: 'error'; id: number; error: { code: string; message: string } };
