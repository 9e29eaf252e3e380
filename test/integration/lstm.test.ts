// Issue 3: trained_lstm (float32) and trained_lstm_int8 (integer-only LSTM) run end to end.
//
// Arm NN cannot be the reference here: its TfLiteParser (20.08) rejects
// UNIDIRECTIONAL_SEQUENCE_LSTM ("Operator not supported ... opcode UNIDIRECTIONAL_SEQUENCE_LSTM").
// Instead both models are checked against an independent float64 implementation of the LSTM
// equations written below (and, for the int8 model, the same equations on its dequantized
// weights), and the int8 model is checked to classify like the float one.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Interpreter, recordingObserver } from '../../main/engine/interpreter/index';
import { dtypeOf } from '../../main/engine/tflite/dtype';
import { QuantizationParametersT } from '../../main/engine/tflite/generated/tflite';
import { TensorType, type TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { readBytes, sharedPath } from '../support/shared';

const load = (name: string) => readTflite(readBytes(sharedPath('models', 'tflite-micro', name)));

/** Fashion-MNIST test images (28x28, values / 255) when the Debian dataset is installed, else a fixed pattern. */
function images(count: number): Float64Array[] {
  const file = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';
  const out: Float64Array[] = [];
  if (fs.existsSync(file)) {
    const raw = zlib.gunzipSync(fs.readFileSync(file));
    for (let k = 0; k < count; k++)
      out.push(Float64Array.from(raw.subarray(16 + k * 784, 16 + (k + 1) * 784), (v) => v / 255));
  } else {
    for (let k = 0; k < count; k++)
      out.push(Float64Array.from({ length: 784 }, (_, i) => ((i * (37 + k)) % 101) / 100));
  }
  return out;
}

/** A constant tensor of operator 0's input `slot`, dequantized to float64. */
function constOf(model: TflModel, slot: number): { values: Float64Array; shape: number[] } {
  const sg = model.subgraphs[0];
  const t = sg.tensors[sg.operators[0].inputs[slot]];
  const bytes = model.buffers[t.buffer].data;
  const dtype = dtypeOf(t.type);
  const copy = bytes.slice();
  const raw =
    dtype === 'float32'
      ? new Float32Array(copy.buffer)
      : dtype === 'int8'
        ? new Int8Array(copy.buffer)
        : new Int32Array(copy.buffer);
  const scale = t.quantization?.scale[0] ?? 1;
  const zp = Number(t.quantization?.zeroPoint[0] ?? 0);
  return {
    values: Float64Array.from(raw, (v) => (dtype === 'float32' ? v : (v - zp) * scale)),
    shape: Array.from(t.shape),
  };
}

/** Float64 LSTM (no peephole/projection/layer norm): the textbook equations, tanh activation. */
function referenceLstm(model: TflModel, x: Float64Array, nTime: number, cellClip: number): Float64Array {
  const w = [1, 2, 3, 4].map((s) => constOf(model, s));
  const r = [5, 6, 7, 8].map((s) => constOf(model, s));
  const bias = [12, 13, 14, 15].map((s) => constOf(model, s).values);
  const [nCell, nInput] = w[0].shape;
  const h = new Float64Array(nCell);
  const c = new Float64Array(nCell);
  const out = new Float64Array(nTime * nCell);
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  for (let t = 0; t < nTime; t++) {
    const pre = [0, 1, 2, 3].map((g) =>
      Float64Array.from({ length: nCell }, (_, j) => {
        let acc = bias[g][j];
        for (let k = 0; k < nInput; k++) acc += w[g].values[j * nInput + k] * x[t * nInput + k];
        for (let k = 0; k < nCell; k++) acc += r[g].values[j * nCell + k] * h[k];
        return acc;
      }),
    );
    for (let j = 0; j < nCell; j++) {
      const cj = sig(pre[1][j]) * c[j] + sig(pre[0][j]) * Math.tanh(pre[2][j]);
      c[j] = Math.max(-cellClip, Math.min(cellClip, cj));
      h[j] = sig(pre[3][j]) * Math.tanh(c[j]);
      out[t * nCell + j] = h[j];
    }
  }
  return out;
}

/** FULLY_CONNECTED + SOFTMAX of the model's head, in float64 on dequantized weights. */
function referenceHead(model: TflModel, features: Float64Array): Float64Array {
  const sg = model.subgraphs[0];
  const fc = sg.operators[2];
  const tensorConst = (i: number) => {
    const t = sg.tensors[i];
    const copy = model.buffers[t.buffer].data.slice();
    const dtype = dtypeOf(t.type);
    const raw =
      dtype === 'float32'
        ? new Float32Array(copy.buffer)
        : dtype === 'int8'
          ? new Int8Array(copy.buffer)
          : new Int32Array(copy.buffer);
    const s = t.quantization?.scale[0] ?? 1;
    return Float64Array.from(raw, (v) => (dtype === 'float32' ? v : v * s));
  };
  const wts = tensorConst(fc.inputs[1]);
  const b = tensorConst(fc.inputs[2]);
  const n = b.length;
  const logits = Float64Array.from({ length: n }, (_, o) => {
    let acc = b[o];
    for (let k = 0; k < features.length; k++) acc += wts[o * features.length + k] * features[k];
    return acc;
  });
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / sum);
}

const argmax = (a: ArrayLike<number>) =>
  Array.from(a).reduce((best, v, i, arr) => (v > arr[best] ? i : best), 0);

describe('trained_lstm float32 (issue 3)', () => {
  const model = load('trained_lstm.tflite');
  const interp = Interpreter.create(model);

  it('LSTM and model outputs match a float64 reference (bound 1e-4, measured ~1e-7)', () => {
    let worstLstm = 0;
    let worstOut = 0;
    for (const img of images(4)) {
      interp.reset();
      interp.setInput(0, Float32Array.from(img));
      const rec = recordingObserver();
      interp.invoke({ observer: rec.observer });
      const lstm = rec.records.find((r) => r.opIndex === 0)!;
      expect(lstm.shape).toEqual([1, 28, 20]);
      const ref = referenceLstm(model, Float64Array.from(Float32Array.from(img)), 28, 10);
      for (let i = 0; i < ref.length; i++)
        worstLstm = Math.max(worstLstm, Math.abs((lstm.data[i] as number) - ref[i]));
      const probs = interp.output(0).data as Float32Array;
      const refProbs = referenceHead(model, ref);
      for (let i = 0; i < 10; i++) worstOut = Math.max(worstOut, Math.abs(probs[i] - refProbs[i]));
      expect(argmax(probs)).toBe(argmax(refProbs));
    }
    // The bound is 1e-4; measured 1.1e-7 (LSTM) and 9e-9 (probabilities).
    expect(worstLstm).toBeLessThan(1e-6);
    expect(worstOut).toBeLessThan(1e-6);
  });

  it('state carries across invocations until reset()', () => {
    const img = Float32Array.from(images(1)[0]);
    interp.reset();
    interp.setInput(0, img);
    interp.invoke();
    const first = Array.from(interp.output(0).data as Float32Array);
    interp.invoke();
    const second = Array.from(interp.output(0).data as Float32Array);
    expect(second).not.toEqual(first);
    interp.reset();
    interp.invoke();
    expect(Array.from(interp.output(0).data as Float32Array)).toEqual(first);
  });
});

describe('trained_lstm_int8 integer-only LSTM (issue 3)', () => {
  const model = load('trained_lstm_int8.tflite');
  const floatModel = load('trained_lstm.tflite');
  const interp = Interpreter.create(model);
  const floatInterp = Interpreter.create(floatModel);
  const qi = interp.inputs[0].quant!;

  it('LSTM int8 output stays within a few codes of the float64 math on its own dequantized weights', () => {
    let worst = 0;
    let sumAbs = 0;
    let count = 0;
    for (const img of images(4)) {
      const q = Int8Array.from(img, (v) =>
        Math.max(-128, Math.min(127, Math.round(v / qi.scale[0]) + qi.zeroPoint[0])),
      );
      interp.reset();
      interp.setInput(0, q);
      const rec = recordingObserver();
      interp.invoke({ observer: rec.observer });
      const lstm = rec.records.find((r) => r.opIndex === 0)!;
      const s = lstm.quant!.scale[0];
      const zp = lstm.quant!.zeroPoint[0];
      const x = Float64Array.from(q, (v) => (v - qi.zeroPoint[0]) * qi.scale[0]);
      const ref = referenceLstm(model, x, 28, 10);
      for (let i = 0; i < ref.length; i++) {
        const d = Math.abs((lstm.data[i] as number) - (ref[i] / s + zp));
        worst = Math.max(worst, d);
        sumAbs += d;
        count++;
      }
    }
    // Measured: worst 2.36 codes, mean 0.28 (int16 gate math and the int8 hidden state feed
    // back through 28 steps); a wrong scale, gate order or rounding mode gives tens of codes.
    expect(worst).toBeLessThan(3.5);
    expect(sumAbs / count).toBeLessThan(0.45);
  });

  it('classifies like the float model, with probabilities within 0.02 (measured 0.008)', () => {
    const qo = interp.outputs[0].quant!;
    let worst = 0;
    for (const img of images(8)) {
      floatInterp.reset();
      floatInterp.setInput(0, Float32Array.from(img));
      floatInterp.invoke();
      const pf = floatInterp.output(0).data as Float32Array;
      interp.reset();
      interp.setInput(
        0,
        Int8Array.from(img, (v) =>
          Math.max(-128, Math.min(127, Math.round(v / qi.scale[0]) + qi.zeroPoint[0])),
        ),
      );
      interp.invoke();
      const p8 = Array.from(interp.output(0).data as Int8Array, (v) => (v - qo.zeroPoint[0]) * qo.scale[0]);
      expect(argmax(p8)).toBe(argmax(pf));
      for (let i = 0; i < 10; i++) worst = Math.max(worst, Math.abs(p8[i] - pf[i]));
    }
    expect(worst).toBeLessThan(0.02);
  });
});

/** trained_lstm with its LSTM weights quantized to symmetric per-tensor int8 (dynamic range). */
function dynamicRangeLstm(): TflModel {
  const model = load('trained_lstm.tflite');
  const sg = model.subgraphs[0];
  for (const slot of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const t = sg.tensors[sg.operators[0].inputs[slot]];
    const w = new Float32Array(model.buffers[t.buffer].data.slice().buffer);
    const scale = Math.fround(w.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 127);
    const q = Int8Array.from(w, (v) => Math.max(-127, Math.min(127, Math.round(v / scale))));
    model.buffers[t.buffer] = { data: new Uint8Array(q.buffer) };
    t.type = TensorType.INT8;
    t.quantization = new QuantizationParametersT([], [], [scale], [0n]);
  }
  return model;
}

describe('trained_lstm with dynamic-range (hybrid) LSTM weights', () => {
  it('runs as a hybrid LSTM and stays close to the float model', () => {
    const hybrid = Interpreter.create(dynamicRangeLstm());
    const float = Interpreter.create(load('trained_lstm.tflite'));
    let worst = 0;
    for (const img of images(8)) {
      for (const it of [hybrid, float]) {
        it.reset();
        it.setInput(0, Float32Array.from(img));
        it.invoke();
      }
      const ph = hybrid.output(0).data as Float32Array;
      const pf = float.output(0).data as Float32Array;
      expect(argmax(ph)).toBe(argmax(pf));
      for (let i = 0; i < 10; i++) worst = Math.max(worst, Math.abs(ph[i] - pf[i]));
    }
    // Measured 0.0101: int8 weights plus per-step int8 activations, through 28 recurrent steps.
    expect(worst).toBeLessThan(0.02);
    expect(worst).toBeGreaterThan(0); // it really ran the quantized path
  });
});
