/**
 * The trainable graph's forward against Lowbit's interpreter (issue 15): on the bundled demo
 * models and on fashion-cnn.onnx converted by Lowbit, the graph's logits for a batch equal the
 * interpreter's SOFTMAX input for each sample bit for bit (the same summation order: gemm.ts).
 * And the graph's backward, end to end in float64, against finite differences of the loss.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../interpreter';
import { convertOnnxToTflite } from '../../convert';
import { parseOnnx } from '../../onnx/reader';
import { readTflite } from '../../tflite/reader';
import type { TflModel } from '../../tflite/model';
import { Prng } from '../prng';
import { buildTrainGraph } from './graph';

const ROOT = path.resolve(__dirname, '../../../..');
const demo = (f: string) => readTflite(readFileSync(path.join(ROOT, 'assets/demo', f)));
const onnx = () =>
  convertOnnxToTflite(
    parseOnnx(readFileSync(path.join(ROOT, 'test/fixtures/onnx/fashion-cnn.onnx')), 'fashion-cnn.onnx'),
  ).model;

const MODELS: [string, () => TflModel][] = [
  ['fashion_cnn.tflite', () => demo('fashion_cnn.tflite')],
  ['fashion_dwcnn.tflite', () => demo('fashion_dwcnn.tflite')],
  ['fashion-cnn.onnx (converted)', onnx],
];

function images(seed: number, n: number, size: number): Float32Array {
  const r = new Prng(seed);
  return Float32Array.from({ length: n * size }, () => r.next());
}

function softmax(z: Float32Array): Float64Array {
  const m = Math.max(...z);
  const e = Float64Array.from(z, (v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

describe('trainable graph forward = interpreter (issue 15)', () => {
  // Bit-identical to the reference kernels (double sums in the same order); the default
  // interpreter's float SIMD kernels sum in float32 and agree to float32 rounding.
  it.each(MODELS)('%s: logits bit-identical to the reference interpreter, batch of 5', (_name, load) => {
    const model = load();
    const g = buildTrainGraph(model);
    expect(g.frozen).toEqual([]);
    const n = 5;
    const x = images(1, n, g.inputSize);
    const logits = g.forward(x, n, false).slice(0, n * g.classes);
    const interp = Interpreter.create(model, { reference: true });
    const simd = Interpreter.create(model);
    let compared = 0;
    for (let s = 0; s < n; s++) {
      interp.setInput(0, x.subarray(s * g.inputSize, (s + 1) * g.inputSize));
      let seen: Float32Array | undefined;
      interp.invoke({
        observer: (_k, outs) => {
          for (const t of outs) if (t.index === g.logitsTensor) seen = (t.data as Float32Array).slice();
        },
      });
      expect(seen).toBeDefined();
      const mine = logits.subarray(s * g.classes, (s + 1) * g.classes);
      expect(Array.from(mine)).toEqual(Array.from(seen!));
      compared += seen!.length;
      simd.setInput(0, x.subarray(s * g.inputSize, (s + 1) * g.inputSize));
      simd.invoke();
      const fast = simd.output(0).data as Float32Array;
      // The model's output is the logits or their softmax.
      const outputIsLogits = model.subgraphs[0].outputs[0] === g.logitsTensor;
      const p = outputIsLogits ? Float64Array.from(mine) : softmax(mine);
      for (let c = 0; c < g.classes; c++) expect(Math.abs(fast[c] - p[c])).toBeLessThan(1e-5);
    }
    expect(compared).toBe(n * g.classes);
  });

  it('fashion_cnn: parameters are the model weights with their axes, and toModel writes them back', () => {
    const model = demo('fashion_cnn.tflite');
    const g = buildTrainGraph(model);
    expect(g.params.map((p) => [p.opName, p.role, p.shape.join('x'), p.quantAxis])).toEqual([
      ['CONV_2D', 'weight', '12x3x3x1', 0],
      ['CONV_2D', 'bias', '12', -1],
      ['FULLY_CONNECTED', 'weight', '10x2028', 0],
      ['FULLY_CONNECTED', 'bias', '10', -1],
    ]);
    expect(g.classes).toBe(10);
    g.params[2]!.value[7] = 0.5;
    const out = g.toModel();
    const t = out.subgraphs[0]!.tensors[g.params[2]!.tensorIndex]!;
    const w = new Float32Array(out.buffers[t.buffer]!.data.slice().buffer);
    expect(w[7]).toBe(0.5);
    expect(w[8]).toBe(g.params[2]!.value[8]);
  });
});

describe('trainable graph backward, end to end in float64 (issue 15)', () => {
  it.each(MODELS)('%s: dL/dparam matches central differences (rel <= 1e-3)', (_name, load) => {
    const g = buildTrainGraph(load(), { precision: 'float64' });
    const n = 3;
    const x = Float64Array.from(images(2, n, g.inputSize));
    const r = new Prng(5);
    const weights = Float64Array.from({ length: n * g.classes }, () => r.next() - 0.5);
    const loss = () => {
      const z = g.forward(x, n, true);
      let s = 0;
      for (let i = 0; i < n * g.classes; i++) s += z[i]! * weights[i]!;
      return s;
    };
    loss();
    g.zeroGrad();
    g.backward(weights);
    // A difference quotient across a kink (a ReLU input or a max-pool pair within h of a tie)
    // is not a derivative: such a point shows as quotients at h and h/10 that disagree, and is
    // skipped (at most a few); a wrong backward pass disagrees with two quotients that agree.
    const quotient = (p: (typeof g.params)[number], i: number, h: number) => {
      const v = p.value[i]!;
      p.value[i] = v + h;
      const lp = loss();
      p.value[i] = v - h;
      const lm = loss();
      p.value[i] = v;
      return (lp - lm) / (2 * h);
    };
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-6, Math.abs(a) + Math.abs(b));
    let worst = 0;
    let kinks = 0;
    let checked = 0;
    for (const p of g.params) {
      for (const i of [0, 1, Math.floor(p.size / 3), Math.floor(p.size / 2), p.size - 1]) {
        const fd = quotient(p, i, 1e-6);
        if (rel(fd, quotient(p, i, 1e-7)) > 1e-4) {
          kinks++;
          continue;
        }
        worst = Math.max(worst, rel(fd, p.grad[i]!));
        checked++;
      }
    }
    expect(kinks).toBeLessThanOrEqual(2);
    expect(checked).toBeGreaterThan(5 * g.params.length - 2);
    expect(worst).toBeLessThanOrEqual(1e-3);
  });
});
