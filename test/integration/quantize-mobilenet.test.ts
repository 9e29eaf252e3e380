// Issue 4: full-integer quantization of the dequantized MobileNetV2 (PyTorch export, NCHW input
// behind a TRANSPOSE, PAD, ADD, MEAN): size against the float model, weight-level exactness,
// spec lint, the int8 model against the float one on Lowbit's interpreter, and the file (with its
// shared per-channel zero-point vectors) loaded and run by Arm NN's independent parser.
import { beforeAll, describe, expect, it } from 'vitest';
import { quantizeFullInteger, type FullIntegerResult } from '../../main/engine/optimize/full-integer';
import { lintQuantization } from '../../main/engine/optimize/spec-lint';
import { bufferAs } from '../../main/engine/tflite/edit';
import { TensorType, type TflModel } from '../../main/engine/tflite/model';
import { asString, opName } from '../../main/engine/tflite/names';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { floatVersion } from '../support/quantize-helpers';
import { Interpreter } from '../../main/engine/interpreter/index';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { armnnAvailable, runArmnn } from '../support/armnn';
import { quantizeValue } from '../../main/engine/quant/math';

let float: TflModel;
let floatBytes: number;
let result: FullIntegerResult;
let bytes: Uint8Array;
/** A smooth synthetic image in the model's input range (about [-2.1, 2.6], ImageNet-normalised). */
const input = Float32Array.from(
  { length: 3 * 224 * 224 },
  (_v, i) => 2 * Math.sin(i * 0.0007) * Math.cos(i * 0.013),
);

beforeAll(async () => {
  float = floatVersion('mobilenet_v2_quantized_1x3x224x224.tflite');
  floatBytes = writeTflite(float).length;
  // One sample keeps the test fast (one float inference is ~3 s); the structure does not depend on it.
  result = await quantizeFullInteger(float, [[input]], { io: 'int8' });
  bytes = writeTflite(result.model);
}, 120_000);

describe('mobilenet_v2 int8', () => {
  it('quantizes every op, lint clean, size ratio measured', () => {
    expect(result.floatOps).toBe(0);
    expect(result.warnings).toEqual([]);
    const m = readTflite(bytes);
    expect(lintQuantization(m)).toEqual([]);
    // Issue 4's bound. Measured 0.2686 (the shared int8 original is 0.285 of this float model):
    // the int8 and int32 payload is 0.2536, and per-channel float32 scales for weights and
    // biases add 8 bytes per output channel over MobileNetV2's 18k channels. The int64 zero-point
    // vectors (all zeros) are written once per channel count by the writer.
    const ratio = bytes.length / floatBytes;
    expect(ratio).toBeLessThanOrEqual(0.27);
    const ops = new Set(
      m.subgraphs[0].operators.map(
        (op) => `${opName(m.operatorCodes[op.opcodeIndex])}v${m.operatorCodes[op.opcodeIndex].version}`,
      ),
    );
    expect(ops).toEqual(
      new Set([
        'TRANSPOSEv2',
        'PADv2',
        'CONV_2Dv3',
        'DEPTHWISE_CONV_2Dv3',
        'ADDv2',
        'MEANv2',
        'RESHAPEv1',
        'FULLY_CONNECTEDv4',
      ]),
    );
  });

  it('every weight is within half a quantization step of the float weight', () => {
    const m = readTflite(bytes);
    const byName = new Map(float.subgraphs[0].tensors.map((t) => [asString(t.name), t]));
    let checked = 0;
    for (const t of m.subgraphs[0].tensors) {
      if (t.type !== TensorType.INT8 || m.buffers[t.buffer].data.length === 0) continue;
      const src = byName.get(asString(t.name))!;
      const fv = bufferAs(float.buffers[src.buffer].data, Float32Array);
      const qv = bufferAs(m.buffers[t.buffer].data, Int8Array);
      const { scale, quantizedDimension: axis } = t.quantization!;
      const inner = scale.length > 1 ? t.shape.slice(axis + 1).reduce((a, b) => a * b, 1) : qv.length;
      for (let k = 0; k < qv.length; k++) {
        const s = scale[scale.length > 1 ? Math.floor(k / inner) % scale.length : 0];
        if (Math.abs(qv[k] * s - fv[k]) > s / 2 + 1e-7 * s) throw new Error(`${asString(t.name)}[${k}]`);
      }
      checked++;
    }
    expect(checked).toBe(53); // every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED weight
  });

  it('the int8 model tracks the float model on Lowbit (logit cosine, same top-1)', () => {
    // Not compared with Arm NN end to end: Arm NN 20.08 pads a quantized PAD with 0 instead of
    // the zero point (see interpreter-mobilenet.test.ts), so whole-network outputs differ on the
    // shared original too (987/1000 logits, up to 71). person_detect (no PAD) is compared in
    // quantize-int8.test.ts.
    const m = readTflite(bytes);
    const interp = Interpreter.create(m);
    const q = interp.inputs[0].quant!;
    const x = Int8Array.from(input, (v) =>
      Math.max(-128, Math.min(127, Math.round(v / q.scale[0]) + q.zeroPoint[0])),
    );
    interp.setInput(0, x);
    interp.invoke();
    const o = interp.output(0);
    const ours = Array.from(o.data as Int8Array, (v) => (v - o.quant!.zeroPoint[0]) * o.quant!.scale[0]);
    const fi = Interpreter.create(float);
    fi.setInput(0, input);
    fi.invoke();
    const ref = Array.from(fi.output(0).data as Float32Array);
    let dot = 0;
    let a2 = 0;
    let b2 = 0;
    for (let k = 0; k < 1000; k++) {
      dot += ours[k] * ref[k];
      a2 += ours[k] ** 2;
      b2 += ref[k] ** 2;
    }
    const cosine = dot / Math.sqrt(a2 * b2);
    const argmax = (v: number[]) => v.indexOf(Math.max(...v));
    console.log(
      `mobilenet_v2 int8 vs float logits: cosine ${cosine.toFixed(4)}, top-1 ${argmax(ours)} vs ${argmax(ref)}`,
    );
    expect(cosine).toBeGreaterThan(COSINE);
    expect(argmax(ours)).toBe(argmax(ref));
  });
});

const COSINE = 0.98; // measured 0.9947

describe.skipIf(!armnnAvailable())('mobilenet_v2 int8 in Arm NN', () => {
  it('Arm NN loads and runs the file: shared zero-point vectors are valid flatbuffer for it', async () => {
    // Per-tensor FULLY_CONNECTED: Arm NN 20.08 has no per-channel FC. Outputs are not compared
    // (its quantized PAD pads with 0, not the zero point; see the test above).
    const r = await quantizeFullInteger(float, [[input]], { io: 'int8', perTensorFullyConnected: true });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-mbv2-')), 'int8.tflite');
    const written = writeTflite(r.model);
    fs.writeFileSync(file, written);
    // Over a hundred per-channel tensors; their all-zero zero points are shared by channel count.
    const m = readTflite(written);
    const zps = m.subgraphs[0].tensors.filter((t) => (t.quantization?.zeroPoint.length ?? 0) > 1).length;
    expect(zps).toBeGreaterThan(100);
    const q = m.subgraphs[0].tensors[m.subgraphs[0].inputs[0]].quantization!;
    const x = Int8Array.from(input, (v) => quantizeValue(v, q.scale[0], Number(q.zeroPoint[0]), -128, 127));
    const out = runArmnn(file, [x]);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    expect(out.outputs[0].shape).toEqual([1, 1000]);
    expect(out.outputs[0].dtype).toBe('int8');
  }, 60_000);
});
