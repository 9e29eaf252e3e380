/**
 * The shipped Fashion-MNIST subset (assets/demo/fashion-mnist: 500 held-out training images as
 * the calibration split, 2,000 t10k) as the training tests read it: per-sample float inputs and
 * labels, the engine's LabelledData view of them, and top-1 accuracy in Lowbit's interpreter.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Interpreter } from '../../main/engine/interpreter/interpreter';
import type { TflModel } from '../../main/engine/tflite/model';
import type { LabelledData } from '../../main/engine/train/api';
import { openDataset } from '../../main/files/dataset-open';
import type { LoopData } from './recipe-loop';
import { ROOT } from './shared';

export const DEMO_FASHION = path.join(ROOT, 'assets', 'demo', 'fashion-mnist');
export const demoFashionPresent = fs.existsSync(path.join(DEMO_FASHION, 'calibration-images-idx3-ubyte.gz'));

/** The first n samples of a split, as 28x28x1 float inputs (the dataset's default preprocessing). */
export function loadDemoFashion(split: 'calibration' | 't10k', n: number): LoopData {
  const ds = openDataset(DEMO_FASHION, { inputShape: [1, 28, 28, 1], classes: 10, split });
  const inputs: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < Math.min(n, ds.length); i++) {
    const s = ds.get(i);
    inputs.push(s.inputs[0]);
    labels.push(s.label!);
  }
  return { inputs, labels };
}

/** The samples as trainModel takes them. */
export function asLabelledData(data: LoopData, source: string): LabelledData {
  return {
    samples: {
      length: data.inputs.length,
      get: (i: number) => ({ inputs: [data.inputs[i]!], label: data.labels[i]! }),
    },
    classes: 10,
    source,
  };
}

/** Index of the largest of v[off .. off+n) (the first on ties). */
export function argmax(v: ArrayLike<number>, off = 0, n = v.length): number {
  let b = 0;
  for (let k = 1; k < n; k++) if (v[off + k]! > v[off + b]!) b = k;
  return b;
}

/** Top-1 accuracy of a classifier with one input on the samples, by Lowbit's interpreter. */
export function top1Accuracy(model: TflModel, data: LoopData): number {
  const interp = Interpreter.create(model);
  let ok = 0;
  data.inputs.forEach((x, i) => {
    interp.setInput(0, x);
    interp.invoke();
    if (argmax(interp.output(0).data as Float32Array) === data.labels[i]) ok++;
  });
  return ok / data.inputs.length;
}
