/**
 * Issue 15: the training recipes work unchanged on a model converted from ONNX
 * (test/fixtures/onnx/fashion-cnn.onnx, a PyTorch CNN, through main/engine/convert). Each recipe
 * trains 3 short epochs on 320 images of the shipped Fashion-MNIST subset; the export is checked
 * for exact sparsity (round(S·n) zeros per pruned layer), at most K values per clustered layer
 * (float, and int8 codes after quantization), a clean spec lint, and its int8 model's predictions
 * on 100 images by Lowbit's interpreter against Arm NN (CpuRef) when ../shared/tools/armnn-run is
 * available. Float exports (prune, cluster) go through the post-training quantizer as the
 * acceptance does (per-tensor FULLY_CONNECTED weights; per tensor throughout for clustered
 * weights so each layer keeps K codes); qat exports are int8 already.
 *
 * Slow for a timed test (about 100 s with the machine loaded, four short trainings of a 6-layer
 * converted model plus four Arm NN runs): kept because no cheaper check covers conversion +
 * training + export + an external runtime together. With 192 images instead of 320, cluster:16
 * + post-training per-tensor int8 gave one sample where Arm NN and Lowbit differ by 4 output
 * steps (not a tie): noted for investigation, not hidden by a looser bound.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertOnnxToTflite } from '../../main/engine/convert';
import { decodeIdxImages } from '../../main/engine/datasets/idx';
import { argmax } from '../../main/engine/evaluate/metrics';
import { Interpreter } from '../../main/engine/interpreter';
import { parseOnnx } from '../../main/engine/onnx/reader';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import { lintQuantization } from '../../main/engine/optimize/spec-lint';
import { bufferAs } from '../../main/engine/tflite/edit';
import { BuiltinOperator, TensorType, type TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import type { LabelledData } from '../../main/engine/train/api';
import { parseRecipe } from '../../main/engine/train/recipes/registry';
import { trainModel } from '../../main/engine/train/run';
import { armnnAvailable, runArmnnBatch } from '../support/armnn';
import { ROOT } from '../support/shared';

const DEMO = path.join(ROOT, 'assets', 'demo', 'fashion-mnist');
const file = (f: string) => new Uint8Array(fs.readFileSync(path.join(DEMO, f)));
const set = decodeIdxImages(
  file('calibration-images-idx3-ubyte.gz'),
  file('calibration-labels-idx1-ubyte.gz'),
);
const N = 320;
// One channel: NCHW and NHWC hold the 784 pixels in the same order.
const x = Float32Array.from(set.pixels.subarray(0, N * 784), (p) => p / 255);
const sample = (i: number) => x.subarray(i * 784, (i + 1) * 784);
const data: LabelledData = {
  samples: { length: N, get: (i) => ({ inputs: [sample(i)], label: set.labels![i] }) },
  classes: 10,
  source: 'demo calibration split',
};
const onnxPath = path.join(ROOT, 'test', 'fixtures', 'onnx', 'fashion-cnn.onnx');
const converted = (): TflModel =>
  convertOnnxToTflite(parseOnnx(new Uint8Array(fs.readFileSync(onnxPath)), 'fashion-cnn.onnx')).model;

interface Weight {
  kind: string;
  values: ArrayLike<number>;
  int8: boolean;
}

function weightsOf(model: TflModel): Weight[] {
  const sg = model.subgraphs[0];
  return sg.operators.flatMap((op) => {
    const c = model.operatorCodes[op.opcodeIndex];
    const kind = BuiltinOperator[Math.max(c.builtinCode, c.deprecatedBuiltinCode)];
    if (kind !== 'CONV_2D' && kind !== 'DEPTHWISE_CONV_2D' && kind !== 'FULLY_CONNECTED') return [];
    const t = sg.tensors[op.inputs[1]];
    const int8 = t.type === TensorType.INT8;
    const d = model.buffers[t.buffer].data;
    return [{ kind, int8, values: int8 ? bufferAs(d, Int8Array) : bufferAs(d, Float32Array) }];
  });
}

/** The scale of the int8 logits (the tensor the output DEQUANTIZE reads, or the output itself). */
function logitsScale(model: TflModel): number {
  const sg = model.subgraphs[0];
  const out = sg.outputs[0]!;
  const deq = sg.operators.find((op) => op.outputs[0] === out);
  const t = sg.tensors[deq && sg.tensors[out].type === TensorType.FLOAT32 ? deq.inputs[0]! : out]!;
  return t.quantization!.scale[0]!;
}

const zeros = (v: ArrayLike<number>) => Array.from(v).filter((a) => a === 0).length;
const distinct = (v: ArrayLike<number>) => new Set(Array.from(v)).size;

/** Predicted classes of the first `n` samples by Lowbit and (when installed) Arm NN. */
function predictions(bytes: Uint8Array, n: number) {
  const interp = Interpreter.create(readTflite(bytes));
  const info = interp.inputs[0];
  const q = info.quant!;
  const inputs =
    info.dtype === 'int8'
      ? Int8Array.from(x.subarray(0, n * 784), (v) => {
          const r = v / q.scale[0];
          return Math.min(127, Math.max(-128, Math.sign(r) * Math.round(Math.abs(r)) + q.zeroPoint[0]));
        })
      : x.subarray(0, n * 784);
  const lowbit: number[] = [];
  const logits: number[][] = [];
  for (let i = 0; i < n; i++) {
    interp.setInput(0, inputs.subarray(i * 784, (i + 1) * 784));
    interp.invoke();
    const o = Array.from(interp.output(0).data as ArrayLike<number>);
    logits.push(o);
    lowbit.push(argmax(o));
  }
  let armnn: number[] | null = null;
  if (armnnAvailable()) {
    const y = runArmnnBatch(bytes, inputs, n);
    const classes = y.length / n;
    armnn = Array.from({ length: n }, (_v, i) => argmax(y.subarray(i * classes, (i + 1) * classes)));
  }
  return { lowbit, armnn, logits };
}

describe('training recipes on a model converted from ONNX (issue 15)', () => {
  it.each([
    { recipe: 'prune:0.5', sparsity: 0.5, clusters: 0 },
    { recipe: 'cluster:16', sparsity: 0, clusters: 16 },
    { recipe: 'qat', sparsity: 0, clusters: 0 },
    { recipe: 'prune:0.5,cluster:16,qat', sparsity: 0.5, clusters: 16 },
  ])(
    '$recipe: trains and exports fashion-cnn.onnx converted, unchanged',
    async ({ recipe, sparsity, clusters }) => {
      const model = converted();
      const before = weightsOf(model);
      expect(before.map((w) => w.kind)).toContain('CONV_2D');
      expect(before.map((w) => w.kind)).toContain('FULLY_CONNECTED');
      const r = await trainModel(model, data, {
        recipe: parseRecipe(recipe),
        epochs: 3,
        batchSize: 32,
        learningRate: 5e-4,
        valSplit: 0.1,
        seed: 5,
      });
      expect(r.frozen).toEqual([]);
      expect(r.bestEpoch).toBeGreaterThanOrEqual(1);
      const out = readTflite(r.bytes);
      const trained = weightsOf(out);
      expect(trained.map((w) => w.kind)).toEqual(before.map((w) => w.kind));
      for (const w of trained) {
        if (sparsity) expect(zeros(w.values), w.kind).toBe(Math.round(sparsity * w.values.length));
        if (clusters) {
          expect(distinct(w.values), w.kind).toBeLessThanOrEqual(clusters);
          expect(distinct(w.values), w.kind).toBeGreaterThan(clusters / 2);
        }
      }
      // The int8 model: QAT's own export, or the post-training quantizer on the trained float model.
      let int8 = r.bytes;
      if (!trained.every((w) => w.int8)) {
        const calib = Array.from({ length: 100 }, (_v, i) => [sample(N - 1 - i)]);
        const q = await quantizeFullInteger(
          out,
          calib,
          clusters ? { perTensor: true } : { perTensorFullyConnected: true },
        );
        int8 = writeTflite(q.model);
      }
      const q = readTflite(int8);
      expect(lintQuantization(q).filter((f) => f.severity === 'error')).toEqual([]);
      for (const w of weightsOf(q)) {
        expect(w.int8).toBe(true);
        if (sparsity) expect(zeros(w.values), w.kind).toBe(Math.round(sparsity * w.values.length));
        if (clusters) expect(distinct(w.values), w.kind).toBeLessThanOrEqual(clusters);
      }
      const p = predictions(int8, 100);
      const correct = p.lowbit.filter((c, i) => c === set.labels![i]).length;
      expect(correct).toBeGreaterThan(60); // the converted model scores ~90% before training
      if (p.armnn) {
        // Arm NN's CpuRef requantizes in float where TFLite (and Lowbit) use the integer
        // multiplier, so an output may move by one quantization step: predictions may differ only
        // where Lowbit's two classes are within two output steps (a near-tie), never otherwise.
        const step = logitsScale(q);
        const differ = p.armnn.flatMap((c, i) => (c !== p.lowbit[i] ? [i] : []));
        for (const i of differ) {
          const gap = p.logits[i]![p.lowbit[i]!]! - p.logits[i]![p.armnn[i]!]!;
          expect(gap, `sample ${i}: Lowbit class ${p.lowbit[i]}, Arm NN ${p.armnn[i]}`).toBeLessThanOrEqual(
            step * 1.0001,
          );
        }
        expect(differ.length).toBeLessThanOrEqual(5);
      }
    },
  );
});
