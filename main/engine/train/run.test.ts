/**
 * trainModel (issue 15) on a few hundred Fashion-MNIST images shipped with the demo
 * (assets/demo/fashion-mnist, t10k subset): the loop is deterministic, keeps the best epoch, stops
 * on the signal with the best model so far, and refuses bad labels naming the data's source.
 * The long run (a full epoch on Debian's 60k) is benchmarks/train-finetune.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../interpreter';
import { readTflite } from '../tflite/reader';
import type { LabelledData, TrainOptions } from './api';
import { trainModel } from './run';

const ROOT = path.resolve(__dirname, '../../..');
const DIR = path.join(ROOT, 'assets/demo/fashion-mnist');
const model = () => readTflite(readFileSync(path.join(ROOT, 'assets/demo/fashion_cnn.tflite')));

/** The shipped IDX subset (images uint8 [n, 28, 28], labels uint8), pixels / 255. */
function fashion(count: number, labels?: (i: number, l: number) => number | undefined): LabelledData {
  const img = gunzipSync(readFileSync(path.join(DIR, 't10k-images-idx3-ubyte.gz')));
  const lab = gunzipSync(readFileSync(path.join(DIR, 't10k-labels-idx1-ubyte.gz')));
  return {
    classes: 10,
    source: 'fashion-mnist-test',
    samples: {
      length: count,
      get: (i) => ({
        inputs: [Float32Array.from(img.subarray(16 + i * 784, 16 + (i + 1) * 784), (v) => v / 255)],
        label: labels ? labels(i, lab[8 + i]!) : lab[8 + i]!,
        source: `#${i}`,
      }),
    },
  };
}

const OPTIONS: TrainOptions = {
  recipe: [{ kind: 'finetune' }],
  epochs: 2,
  batchSize: 32,
  learningRate: 1e-3,
  valSplit: 0.25,
  seed: 7,
};

function accuracy(bytes: Uint8Array, data: LabelledData): number {
  const interp = Interpreter.create(readTflite(bytes));
  let ok = 0;
  for (let i = 0; i < data.samples.length; i++) {
    const s = data.samples.get(i);
    interp.setInput(0, s.inputs[0]!);
    interp.invoke();
    const p = interp.output(0).data as Float32Array;
    if (p.indexOf(Math.max(...p)) === s.label) ok++;
  }
  return ok / data.samples.length;
}

describe('trainModel (issue 15)', () => {
  it('finetunes fashion_cnn: per-epoch figures, best epoch exported, bit-identical for the same seed', async () => {
    const data = fashion(320);
    const seen: number[] = [];
    const a = await trainModel(model(), data, { ...OPTIONS, onEpoch: (s) => seen.push(s.epoch) });
    expect(seen).toEqual([1, 2]);
    expect(a.epochs).toHaveLength(2);
    expect(a.cancelled).toBe(false);
    expect(a.frozen).toEqual([]);
    expect(a.steps).toEqual(['finetune: 20,410 float parameters trained in 4 tensors']);
    const e = a.epochs[0]!;
    expect(e.trainLoss).toBeGreaterThan(0);
    expect(e.valAccuracy).toBeGreaterThan(0.5); // the demo model already scores ~0.87 on this data
    const bestVal = Math.max(...a.epochs.map((s) => s.valAccuracy));
    expect(a.epochs[a.bestEpoch - 1]!.valAccuracy).toBe(bestVal);
    // The exported model is a float TFLite the interpreter runs, as good as its validation figure says.
    expect(accuracy(a.bytes, data)).toBeGreaterThan(0.7);
    const b = await trainModel(model(), data, OPTIONS);
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    expect(b.epochs.map((s) => [s.trainLoss, s.valLoss])).toEqual(
      a.epochs.map((s) => [s.trainLoss, s.valLoss]),
    );
    const c = await trainModel(model(), data, { ...OPTIONS, seed: 8 });
    expect(Buffer.from(c.bytes).equals(Buffer.from(a.bytes))).toBe(false);
  });

  it('stops after the current batch when cancelled and returns the best model so far', async () => {
    const data = fashion(320);
    const ctl = new AbortController();
    let batches = 0;
    const r = await trainModel(model(), data, {
      ...OPTIONS,
      epochs: 3,
      signal: ctl.signal,
      onBatch: (done) => {
        batches = done;
        if (done === 10) ctl.abort(); // 8 batches an epoch: stop in the second
      },
    });
    expect(batches).toBe(10);
    expect(r.cancelled).toBe(true);
    expect(r.epochs).toHaveLength(1);
    expect(r.bestEpoch).toBe(1);
    const full = await trainModel(model(), data, { ...OPTIONS, epochs: 1 });
    expect(Buffer.from(r.bytes).equals(Buffer.from(full.bytes))).toBe(true);
  });

  it('cancelled in the first epoch: no epoch figures, bestEpoch 0, the weights so far exported', async () => {
    const data = fashion(320);
    const ctl = new AbortController();
    const r = await trainModel(model(), data, {
      ...OPTIONS,
      signal: ctl.signal,
      onBatch: (done) => {
        if (done === 2) ctl.abort();
      },
    });
    expect(r.cancelled).toBe(true);
    expect(r.epochs).toEqual([]);
    expect(r.bestEpoch).toBe(0);
    // Two Adam steps moved the dense weights away from the shipped ones.
    const fc = (m: ReturnType<typeof model>) => {
      const t = m.subgraphs[0]!.tensors.find((x) => x.shape?.join() === '10,2028')!;
      return new Float32Array(m.buffers[t.buffer]!.data.slice().buffer);
    };
    const before = fc(model());
    const after = fc(r.model);
    expect(after.some((v, i) => v !== before[i])).toBe(true);
  });

  it('prune:0.5: only epochs past the pruning schedule compete for best (an earlier, less sparse epoch is never exported)', async () => {
    // 240 training images in batches of 32: 8 steps an epoch, 24 in 3 epochs; the schedule ends
    // at step 16 (two thirds), so epoch 1 (step 8, sparsity 0.4375) is not in its final form.
    // With a learning rate too small to recover anything, epoch 1 scores best on validation.
    const data = fashion(320);
    const r = await trainModel(model(), data, {
      ...OPTIONS,
      recipe: [{ kind: 'prune', sparsity: 0.5 }],
      epochs: 3,
      learningRate: 1e-9,
    });
    expect(r.epochs).toHaveLength(3);
    expect(r.bestEpoch).toBeGreaterThanOrEqual(2);
    expect(r.steps[0]).toMatch(/^prune: 50\.0% of /);
    expect(r.steps[0]).not.toContain('only at export');
    // The exported weights are the best epoch's trained ones with its (final) mask: their
    // validation accuracy is the one the table shows for that epoch.
    const val = r.epochs[r.bestEpoch - 1]!.valAccuracy;
    expect(val).toBe(Math.max(...r.epochs.slice(1).map((e) => e.valAccuracy)));
  });

  it('prune:0.5 cancelled before the schedule ends: the latest weights are exported, pruned to the final sparsity, and the step line says so', async () => {
    const data = fashion(320);
    const ctl = new AbortController();
    const r = await trainModel(model(), data, {
      ...OPTIONS,
      recipe: [{ kind: 'prune', sparsity: 0.5 }],
      epochs: 3,
      signal: ctl.signal,
      onBatch: (done) => {
        if (done === 12) ctl.abort(); // epoch 1 finished (step 8) but was not complete
      },
    });
    expect(r.cancelled).toBe(true);
    expect(r.epochs).toHaveLength(1);
    expect(r.bestEpoch).toBe(0);
    expect(r.steps[0]).toMatch(/^prune: 50\.0% of /);
    expect(r.steps.join('\n')).toContain('no epoch reached the final form');
  });

  it('refuses labels out of range and missing labels, naming the source', async () => {
    await expect(
      trainModel(
        model(),
        fashion(40, (i, l) => (i === 5 ? 12 : l)),
        OPTIONS,
      ),
    ).rejects.toThrow('fashion-mnist-test (#5): label 12 is out of range for a model with 10 classes (0..9)');
    await expect(
      trainModel(
        model(),
        fashion(40, (i, l) => (i === 3 ? undefined : l)),
        OPTIONS,
      ),
    ).rejects.toThrow('fashion-mnist-test (#3): sample 3 has no label');
    await expect(trainModel(model(), fashion(40), { ...OPTIONS, valSplit: 1 })).rejects.toThrow(
      'validation split must be between 0 and 1',
    );
  });

  it('refuses a dataset too large to hold in memory before reading a sample', async () => {
    let read = 0;
    const huge: LabelledData = {
      // 500,000 samples of 28x28 floats: 1.46 GiB as float32, over the limit.
      samples: {
        length: 500_000,
        get: () => {
          read++;
          return { inputs: [new Float32Array(784)], label: 0 };
        },
      },
      classes: 10,
      source: 'huge.npz',
    };
    await expect(trainModel(model(), huge, OPTIONS)).rejects.toThrow(
      'huge.npz: 500,000 samples of 784 values take 1.46 GiB as float32, over the 1 GiB Lowbit holds for training',
    );
    expect(read).toBe(0);
  });
});
