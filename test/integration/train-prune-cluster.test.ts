/**
 * prune and cluster through the real training loop (trainModel) on the bundled demo model and
 * the shipped Fashion-MNIST subset: 400 calibration-split images (360 train, 40 validation),
 * 3 epochs of 12 steps, so the pruning schedule ends at step 24 and clustering starts there.
 * The exported weights are read back from the written bytes and scored by the interpreter on
 * 500 test images (the float demo model scores 90.4% on them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIdxImages } from '../../main/engine/datasets/idx';
import { argmax } from '../../main/engine/evaluate/metrics';
import { Interpreter } from '../../main/engine/interpreter';
import { bufferAs } from '../../main/engine/tflite/edit';
import { BuiltinOperator, type TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import type { LabelledData } from '../../main/engine/train/api';
import { trainModel } from '../../main/engine/train/run';
import { parseRecipe } from '../../main/engine/train/recipes/registry';

const DEMO = path.resolve(import.meta.dirname, '../../assets/demo');
const file = (f: string) => new Uint8Array(fs.readFileSync(path.join(DEMO, 'fashion-mnist', f)));

function split(name: string, n: number) {
  const set = decodeIdxImages(file(`${name}-images-idx3-ubyte.gz`), file(`${name}-labels-idx1-ubyte.gz`));
  return { x: Float32Array.from(set.pixels.subarray(0, n * 784), (p) => p / 255), y: set.labels!, n };
}

const train = split('calibration', 400);
const test = split('t10k', 500);
const data: LabelledData = {
  samples: {
    length: train.n,
    get: (i) => ({ inputs: [train.x.subarray(i * 784, (i + 1) * 784)], label: train.y[i] }),
  },
  classes: 10,
  source: 'demo calibration split',
};
const demo = readTflite(new Uint8Array(fs.readFileSync(path.join(DEMO, 'fashion_cnn.tflite'))));

async function run(recipe: string) {
  const res = await trainModel(demo, data, {
    recipe: parseRecipe(recipe),
    epochs: 3,
    batchSize: 32,
    learningRate: 5e-4,
    valSplit: 0.1,
    seed: 1,
  });
  return { ...res, model: readTflite(res.bytes) };
}

/** Weight tensors of the CONV_2D and FULLY_CONNECTED ops, by name. */
function weights(model: TflModel): Map<string, Float32Array> {
  const sg = model.subgraphs[0];
  const out = new Map<string, Float32Array>();
  for (const op of sg.operators) {
    const c = model.operatorCodes[op.opcodeIndex];
    const name = BuiltinOperator[Math.max(c.builtinCode, c.deprecatedBuiltinCode)];
    if (name !== 'CONV_2D' && name !== 'FULLY_CONNECTED') continue;
    const t = sg.tensors[op.inputs[1]];
    out.set(String(t.name), bufferAs(model.buffers[t.buffer].data, Float32Array));
  }
  return out;
}

function accuracy(model: TflModel): number {
  const interp = Interpreter.create(model);
  let correct = 0;
  for (let i = 0; i < test.n; i++) {
    interp.setInput(0, test.x.subarray(i * 784, (i + 1) * 784));
    interp.invoke();
    if (argmax(interp.output(0).data as Float32Array) === test.y[i]) correct++;
  }
  return correct / test.n;
}

const zeros = (v: Float32Array) => v.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);

describe('prune and cluster recipes in trainModel (issue 15)', () => {
  it('prune:0.5 exports exactly round(0.5·n) zeros per layer', { timeout: 30_000 }, async () => {
    const r = await run('prune:0.5');
    const w = weights(r.model);
    expect([...w].map(([n, v]) => [n, zeros(v)])).toEqual([
      ['conv2d_0/filter', 54],
      ['dense_3/weights', 10140],
    ]);
    expect(r.steps[0]).toMatch(/^prune: 50\.0% of 20,388 weights zero/);
    expect(accuracy(r.model)).toBeGreaterThan(0.75);
  });

  it(
    'prune:2:4 keeps two of every four input-channel weights of the dense layer',
    { timeout: 30_000 },
    async () => {
      const r = await run('prune:2:4');
      const dense = weights(r.model).get('dense_3/weights')!;
      for (let g = 0; g < dense.length; g += 4) expect(zeros(dense.subarray(g, g + 4))).toBe(2);
      // The first convolution has one input channel: nothing to choose, left dense.
      expect(zeros(weights(r.model).get('conv2d_0/filter')!)).toBe(0);
      expect(accuracy(r.model)).toBeGreaterThan(0.85);
    },
  );

  it(
    'prune:0.5,cluster:16 exports ≤ 16 values per layer, zero among them, sparsity exact',
    { timeout: 30_000 },
    async () => {
      const r = await run('prune:0.5,cluster:16');
      for (const [name, v] of weights(r.model)) {
        expect(new Set(v).size, name).toBeLessThanOrEqual(16);
        expect(zeros(v), name).toBe(Math.round(0.5 * v.length));
      }
      expect(r.steps[1]).toMatch(/^cluster: at most 16 values per layer, zeros kept/);
      expect(accuracy(r.model)).toBeGreaterThan(0.75);
    },
  );
});
