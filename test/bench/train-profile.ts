/**
 * Where one training batch spends its time (issue 15, training speed): per op of the trainable
 * graph, forward and backward apart, plus adding the 8 shard gradients and Adam, for a bundled
 * demo model at batch 32 (8 shards of 4, as trainModel cuts a batch) on one thread, in CPU time
 * (process.cpuUsage, steadier than wall time on a shared machine). Random inputs: the time does
 * not depend on the values. Not a test: prints a table.
 *
 *   npx tsx test/bench/train-profile.ts [fashion_cnn|fashion_dwcnn] [--batches 300]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { OpIO, TrainOp } from '../../main/engine/train/graph/ops/op';
import { SHARDS } from '../../main/engine/train/pool';
import { ShardWorker } from '../../main/engine/train/shard-worker';
import { Adam } from '../../main/engine/train/trainer';
import { ROOT } from '../support/shared';

const { values: args, positionals } = parseArgs({
  options: { batches: { type: 'string', default: '300' } },
  allowPositionals: true,
});
const name = positionals[0] ?? 'fashion_dwcnn';
const BATCHES = Number(args.batches);
const WARM_UP = 20;
const BATCH = 32;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const worker = new ShardWorker({
  modelBytes: new Uint8Array(fs.readFileSync(path.join(ROOT, 'assets', 'demo', `${name}.tflite`))),
  recipe: [{ kind: 'finetune' }],
  seed: 1,
  epochs: 1,
  batchSize: BATCH,
  learningRate: 1e-3,
  valSplit: 0.1,
});
const graph = worker.graph;
const times = new Map<string, number>();
const add = (key: string, ms: number) => times.set(key, (times.get(key) ?? 0) + ms);
// The graph's op list is private: wrap each op's forward and backward in place to time them.
const nodes = (graph as unknown as { nodes: { opIndex: number; name: string; op: TrainOp }[] }).nodes;
for (const node of nodes) {
  const { op } = node;
  const forward = op.forward.bind(op);
  const backward = op.backward.bind(op);
  const key = `${node.opIndex} ${node.name}`;
  Object.assign(op, {
    forward: (io: OpIO) => {
      const t = cpuMs();
      forward(io);
      add(`${key} forward`, cpuMs() - t);
    },
    backward: (io: OpIO) => {
      const t = cpuMs();
      backward(io);
      add(`${key} backward`, cpuMs() - t);
    },
  });
}

let seed = 1;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const inputs = Float32Array.from({ length: BATCH * graph.inputSize }, rnd);
const labels = Int32Array.from({ length: BATCH }, () => Math.floor(rnd() * graph.classes));
const params = graph.params.map((p) => Float32Array.from(p.value));
const sums = graph.params.map((p) => new Float64Array(p.size));
const adam = new Adam(params, sums, 1e-3);
const per = BATCH / SHARDS;
const into = Array.from({ length: SHARDS }, () => graph.params.map((p) => new Float64Array(p.size)));
let shardMs = 0;
let addMs = 0;
let adamMs = 0;
for (let b = 0; b < BATCHES + WARM_UP; b++) {
  if (b === WARM_UP) {
    times.clear();
    shardMs = addMs = adamMs = 0;
  }
  const t0 = cpuMs();
  const results = Array.from({ length: SHARDS }, (_, k) =>
    worker.run(
      { params, recipeState: [] },
      {
        inputs: inputs.subarray(k * per * graph.inputSize),
        labels: labels.subarray(k * per),
        count: per,
        batchSize: BATCH,
        evalOnly: false,
      },
      into[k],
    ),
  );
  const t1 = cpuMs();
  for (const r of results)
    r.grads.forEach((g, i) => {
      const s = sums[i]!;
      for (let j = 0; j < g.length; j++) s[j] += g[j]!;
    });
  const t2 = cpuMs();
  adam.step(1);
  const t3 = cpuMs();
  shardMs += t1 - t0;
  addMs += t2 - t1;
  adamMs += t3 - t2;
}

const row = (label: string, ms: number) =>
  console.log(`  ${label.padEnd(32)} ${(ms / BATCHES).toFixed(3).padStart(8)} ms/batch`);
const total = shardMs + addMs + adamMs;
console.log(
  `${name}: batch ${BATCH} in ${SHARDS} shards, 1 thread, ${BATCHES} batches: ${((BATCHES * BATCH) / (total / 1000)).toFixed(0)} images per CPU second`,
);
let opsMs = 0;
for (const [key, ms] of times) {
  opsMs += ms;
  row(key, ms);
}
row('rest of the shards (loss, copies)', shardMs - opsMs);
row('adding shard gradients', addMs);
row('Adam', adamMs);
