/**
 * QAT weights as TFMOT's default 8-bit scheme quantizes them (issue 15): CONV_2D and
 * DEPTHWISE_CONV_2D weights per output channel, FULLY_CONNECTED (Dense) weights per tensor, which
 * is also what Arm NN 20.08 reads (it refuses per-channel FC weights). Layers clustered before
 * `qat` get one scale per tensor, so the int8 layer keeps at most K distinct codes, as TFMOT's
 * cluster-preserving QAT keeps the cluster count. Short runs (1-3 epochs on 240-400 images of the
 * shipped subset); the export is checked on Arm NN (CpuRef) against Lowbit's interpreter when
 * ../shared/tools/armnn-run is available.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIdxImages } from '../../main/engine/datasets/idx';
import { argmax } from '../../main/engine/evaluate/metrics';
import { Interpreter } from '../../main/engine/interpreter';
import { lintQuantization } from '../../main/engine/optimize/spec-lint';
import { BuiltinOperator, TensorType, type TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import type { LabelledData } from '../../main/engine/train/api';
import { parseRecipe } from '../../main/engine/train/recipes/registry';
import { trainModel } from '../../main/engine/train/run';
import { armnnAvailable, runArmnnBatch } from '../support/armnn';

const DEMO = path.resolve(import.meta.dirname, '../../assets/demo');
const file = (f: string) => new Uint8Array(fs.readFileSync(path.join(DEMO, 'fashion-mnist', f)));
const set = decodeIdxImages(
  file('calibration-images-idx3-ubyte.gz'),
  file('calibration-labels-idx1-ubyte.gz'),
);
const N = 320;
const x = Float32Array.from(set.pixels.subarray(0, N * 784), (p) => p / 255);
const data: LabelledData = {
  samples: {
    length: N,
    get: (i) => ({ inputs: [x.subarray(i * 784, (i + 1) * 784)], label: set.labels![i] }),
  },
  classes: 10,
  source: 'demo calibration split',
};
const demo = () => readTflite(new Uint8Array(fs.readFileSync(path.join(DEMO, 'fashion_cnn.tflite'))));

async function train(recipe: string, epochs: number) {
  const r = await trainModel(demo(), data, {
    recipe: parseRecipe(recipe),
    epochs,
    batchSize: 32,
    learningRate: 5e-4,
    valSplit: 0.1,
    seed: 3,
  });
  return { ...r, model: readTflite(r.bytes) };
}

/** The int8 weights of every CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED op. */
export function int8Weights(model: TflModel) {
  const sg = model.subgraphs[0];
  return sg.operators.flatMap((op) => {
    const c = model.operatorCodes[op.opcodeIndex];
    const kind = BuiltinOperator[Math.max(c.builtinCode, c.deprecatedBuiltinCode)];
    if (kind !== 'CONV_2D' && kind !== 'DEPTHWISE_CONV_2D' && kind !== 'FULLY_CONNECTED') return [];
    const t = sg.tensors[op.inputs[1]];
    const d = model.buffers[t.buffer].data;
    return [
      {
        kind,
        type: t.type,
        scales: t.quantization!.scale.length,
        shape: t.shape,
        codes: new Set(new Int8Array(d.buffer, d.byteOffset, d.byteLength)).size,
      },
    ];
  });
}

/** Predicted classes of the first `n` samples by Lowbit (and Arm NN), for an int8-in model too. */
function predictions(model: TflModel, bytes: Uint8Array, n: number) {
  const interp = Interpreter.create(model);
  const info = interp.inputs[0];
  const q = info.quant;
  const inputs =
    info.dtype === 'int8'
      ? Int8Array.from(x.subarray(0, n * 784), (v) => {
          const r = v / q!.scale[0];
          return Math.min(127, Math.max(-128, Math.sign(r) * Math.round(Math.abs(r)) + q!.zeroPoint[0]));
        })
      : x.subarray(0, n * 784);
  const lowbit: number[] = [];
  for (let i = 0; i < n; i++) {
    interp.setInput(0, inputs.subarray(i * 784, (i + 1) * 784));
    interp.invoke();
    lowbit.push(argmax(interp.output(0).data as ArrayLike<number>));
  }
  const armnn: number[] | null = armnnAvailable()
    ? (() => {
        const y = runArmnnBatch(bytes, inputs, n);
        return Array.from({ length: n }, (_v, i) => argmax(y.subarray(i * 10, (i + 1) * 10)));
      })()
    : null;
  return { lowbit, armnn };
}

describe('QAT weight scales as TFMOT quantizes them (issue 15)', () => {
  it('qat: conv and depthwise weights per channel, FULLY_CONNECTED per tensor; Arm NN runs it and agrees', async () => {
    const r = await train('qat', 1);
    expect(lintQuantization(r.model).filter((f) => f.severity === 'error')).toEqual([]);
    const w = int8Weights(r.model);
    expect(w.length).toBeGreaterThan(0);
    for (const l of w) {
      expect(l.type).toBe(TensorType.INT8);
      if (l.kind === 'FULLY_CONNECTED') expect(l.scales, l.kind).toBe(1);
      else expect(l.scales, l.kind).toBe(l.shape[l.kind === 'CONV_2D' ? 0 : 3]);
    }
    const p = predictions(r.model, r.bytes, 100);
    if (p.armnn) expect(p.armnn.filter((c, i) => c !== p.lowbit[i]).length).toBeLessThanOrEqual(1);
  });

  it.each(['cluster:16,qat', 'prune:0.5,cluster:16,qat'])(
    '%s: every clustered layer keeps at most 16 int8 codes after export (one scale per tensor)',
    async (recipe) => {
      const r = await train(recipe, 3);
      expect(lintQuantization(r.model).filter((f) => f.severity === 'error')).toEqual([]);
      const w = int8Weights(r.model);
      expect(w.map((l) => l.kind)).toEqual(['CONV_2D', 'FULLY_CONNECTED']); // fashion_cnn
      for (const l of w) {
        expect(l.scales).toBe(1);
        expect(l.codes).toBeLessThanOrEqual(16);
        expect(l.codes).toBeGreaterThan(8);
      }
      const p = predictions(r.model, r.bytes, 100);
      if (p.armnn) expect(p.armnn.filter((c, i) => c !== p.lowbit[i]).length).toBeLessThanOrEqual(1);
    },
  );
});
