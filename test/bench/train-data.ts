/**
 * Fashion-MNIST in memory for `npm run bench:train` and `npm run train:acceptance`, and scoring of
 * an exported model on it by Lowbit's interpreter and by Arm NN.
 *
 * Images are scaled to 0..1 (pixel / 255 in float32), NHWC [28, 28, 1], as the demo models were
 * trained (assets/demo/train-report.json: "scale=0..1").
 */
import { Interpreter } from '../../main/engine/interpreter/index';
import { argmax } from '../../main/engine/evaluate/metrics';
import type { LabelledData } from '../../main/engine/train/api';
import { readTflite } from '../../main/engine/tflite/reader';
import type { IdxSplit } from '../../main/engine/datasets/idx';
import { readIdxDirectory } from '../../main/files/idx-files';
import { runArmnnBatch } from '../support/armnn';

export const PIXELS = 28 * 28;

export interface Split {
  /** n × 784 values in 0..1. */
  x: Float32Array;
  y: Uint8Array;
  n: number;
  source: string;
}

export function readSplit(dir: string, split: IdxSplit, limit = Infinity): Split {
  const set = readIdxDirectory(dir, split);
  const n = Math.min(set.count, limit);
  const x = new Float32Array(n * PIXELS);
  for (let i = 0; i < x.length; i++) x[i] = set.pixels[i] / 255;
  return { x, y: set.labels!.slice(0, n), n, source: set.images };
}

/** The split as the training contract's labelled samples. */
export function labelled(s: Split): LabelledData {
  return {
    samples: {
      length: s.n,
      get: (i) => ({ inputs: [s.x.subarray(i * PIXELS, (i + 1) * PIXELS)], label: s.y[i] }),
    },
    classes: 10,
    source: s.source,
  };
}

/**
 * The model's input for every sample, back to back in the input's dtype: float32 as is, int8 /
 * uint8 quantized with the input's scale and zero point (round half away from zero, as TFLite's
 * reference QUANTIZE does; 0..1 pixels times a power-of-two-free scale rarely tie).
 */
export function modelInputs(bytes: Uint8Array, s: Split): Float32Array | Int8Array | Uint8Array {
  const interp = Interpreter.create(readTflite(bytes));
  const info = interp.inputs[0];
  if (info.dtype === 'float32') return s.x;
  if ((info.dtype !== 'int8' && info.dtype !== 'uint8') || !info.quant)
    throw new Error(`input dtype ${info.dtype} is not scored here`);
  const scale = info.quant.scale[0];
  const zp = info.quant.zeroPoint[0];
  const [lo, hi] = info.dtype === 'int8' ? [-128, 127] : [0, 255];
  const out = info.dtype === 'int8' ? new Int8Array(s.x.length) : new Uint8Array(s.x.length);
  for (let i = 0; i < s.x.length; i++) {
    const v = s.x[i] / scale;
    const r = Math.sign(v) * Math.round(Math.abs(v));
    out[i] = Math.min(hi, Math.max(lo, r + zp));
  }
  return out;
}

/** Top-1 accuracy (0..1) by Lowbit's interpreter. */
export function lowbitAccuracy(bytes: Uint8Array, s: Split): number {
  const interp = Interpreter.create(readTflite(bytes));
  const x = modelInputs(bytes, s);
  let correct = 0;
  for (let i = 0; i < s.n; i++) {
    interp.setInput(0, x.subarray(i * PIXELS, (i + 1) * PIXELS));
    interp.invoke();
    if (argmax(interp.output(0).data as ArrayLike<number>) === s.y[i]) correct++;
  }
  return correct / s.n;
}

/** Top-1 accuracy (0..1) by Arm NN's CpuRef backend (test/support/armnn-batch.py). */
export function armnnAccuracy(bytes: Uint8Array, s: Split): number {
  const y = runArmnnBatch(bytes, modelInputs(bytes, s), s.n);
  const classes = y.length / s.n;
  let correct = 0;
  for (let i = 0; i < s.n; i++) if (argmax(y.subarray(i * classes, (i + 1) * classes)) === s.y[i]) correct++;
  return correct / s.n;
}
