// Issue 3: person_detect (MobileNet v1 0.25, int8: 14 CONV_2D, 13 DEPTHWISE_CONV_2D, one
// AVERAGE_POOL_2D, RESHAPE, SOFTMAX) on TFLM's two test images, cross-checked with Arm NN CpuRef.
//
// Input convention: TFLM's person_detection_test memcpy()s the BMP's pixel bytes (PIL
// Image.tobytes(), rows top to bottom) straight into the int8 input tensor, i.e. each byte is
// reinterpreted as int8. (Feeding pixel - 128 instead scores person.bmp as "no person".)
//
// Why Arm NN is compared per layer: Arm NN's CpuRef backend dequantizes to float, computes in
// float and requantizes, while TFLite requantizes with fixed-point multipliers, so a layer's
// output differs from TFLite's by ±1 on a few elements (measured: at most 1, on < 2% of them).
// Chained over 29 layers those ±1 steps drift the final logits by a few units (measured: 1 on
// person.bmp, 3 on no_person.bmp), which says nothing about either kernel. So every layer is
// run by both runtimes on the same input (our previous activation) and compared there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Interpreter, recordingObserver } from '../../main/engine/interpreter/index';
import { TensorT } from '../../main/engine/tflite/generated/tflite';
import { BuiltinOperator, type TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { armnnAvailable, runArmnn } from '../support/armnn';
import { readGrayBmp } from '../support/bmp';
import { readBytes, sharedPath } from '../support/shared';
import { floatTwin } from '../support/float-twin';

const MODEL = sharedPath('models', 'tflite-micro', 'person_detect.tflite');
let parsed: TflModel | undefined;
const baseModel = () => (parsed ??= readTflite(readBytes(MODEL)));
const NO_PERSON = 0;
const PERSON = 1;
/** Operator 28 is the 1x1 CONV_2D producing the two int8 logits (then RESHAPE, SOFTMAX). */
const LOGITS_OP = 28;

function imageInput(name: string): Int8Array {
  const img = readGrayBmp(readBytes(sharedPath('data', 'person_detection', name)));
  expect([img.width, img.height]).toEqual([96, 96]);
  return new Int8Array(img.pixels.buffer, img.pixels.byteOffset, img.pixels.length);
}

function opName(m: TflModel, opIndex: number): string {
  const code = m.operatorCodes[m.subgraphs[0].operators[opIndex].opcodeIndex];
  return BuiltinOperator[Math.max(code.builtinCode, code.deprecatedBuiltinCode)];
}

/** The model cut after operator `last`, whose first output becomes the model output. */
function truncated(last: number): Uint8Array {
  const m = readTflite(readBytes(MODEL));
  const sg = m.subgraphs[0];
  sg.operators = sg.operators.slice(0, last + 1);
  sg.outputs = [sg.operators[last].outputs[0]];
  return writeTflite(m);
}

/**
 * Arm NN 20.08 rejects per-axis quantization on a 1-D bias unless its quantized_dimension is 0
 * (the converter writes 3 for depthwise biases); a 1-D tensor has only axis 0, so setting it to 0
 * changes no value. Our interpreter always runs the original file.
 */
function armnnCompatible(m: TflModel): TflModel {
  for (const t of m.subgraphs[0].tensors) {
    if (t.quantization && t.shape.length === 1) t.quantization.quantizedDimension = 0;
  }
  return m;
}

/**
 * The chosen operators side by side as independent one-operator branches, so Arm NN runs them all
 * in one process: each activation input becomes a fresh graph input (a copy of the tensor, fed
 * with our value of the original), each operator's output a graph output. Returns the model and,
 * per graph input, the original tensor whose value it takes.
 */
function layerwiseModel(ops: number[]): { model: Uint8Array; feeds: number[] } {
  const m = armnnCompatible(readTflite(readBytes(MODEL)));
  const sg = m.subgraphs[0];
  const isConst = (t: number) => (m.buffers[sg.tensors[t].buffer]?.data.length ?? 0) > 0;
  const feeds: number[] = [];
  const inputs: number[] = [];
  const kept = ops.map((i) => {
    const op = sg.operators[i];
    op.inputs = Array.from(op.inputs, (t) => {
      if (t < 0 || isConst(t)) return t;
      const src = sg.tensors[t];
      sg.tensors.push(
        new TensorT([...src.shape], src.type, 0, `${String(src.name)}/op${i}`, src.quantization),
      );
      feeds.push(t);
      inputs.push(sg.tensors.length - 1);
      return sg.tensors.length - 1;
    });
    return op;
  });
  sg.operators = kept;
  sg.inputs = inputs;
  sg.outputs = kept.map((op) => op.outputs[0]);
  return { model: writeTflite(m), feeds };
}

describe('person_detect logits (CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D)', () => {
  const model = readTflite(readBytes(MODEL));

  it('the cut is at the classifier CONV_2D', () => {
    expect(opName(model, LOGITS_OP)).toBe('CONV_2D');
    expect(model.subgraphs[0].operators.length).toBe(LOGITS_OP + 3);
  });

  it('favour person on person.bmp and no person on no_person.bmp (golden logits)', () => {
    const interp = Interpreter.create(readTflite(truncated(LOGITS_OP)));
    const logits = (name: string) => {
      interp.setInput(0, imageInput(name));
      interp.invoke();
      return Array.from(interp.output(0).data as Int8Array);
    };
    const p = logits('person.bmp');
    const n = logits('no_person.bmp');
    expect(p[PERSON]).toBeGreaterThan(p[NO_PERSON]);
    expect(n[NO_PERSON]).toBeGreaterThan(n[PERSON]);
    // Our exact values (TFLite fixed-point arithmetic); Arm NN gives [-111, 110] and [41, -41].
    expect(p).toEqual([-112, 110]);
    expect(n).toEqual([38, -39]);
  });

  it.runIf(armnnAvailable())(
    'every layer is within ±1 of Arm NN CpuRef on the same input (person.bmp)',
    () => {
      const n = LOGITS_OP + 1;
      const interp = Interpreter.create(readTflite(truncated(LOGITS_OP)));
      const input = imageInput('person.bmp');
      interp.setInput(0, input);
      const rec = recordingObserver();
      interp.invoke({ observer: rec.observer });
      const byTensor = new Map<number, ArrayLike<number>>(
        rec.records.map((r) => [r.index, r.data as Int8Array]),
      );
      byTensor.set(model.subgraphs[0].inputs[0], input);
      const ops = Array.from({ length: n }, (_, i) => i);
      const { model: layers, feeds } = layerwiseModel(ops);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-pd-'));
      let theirs: Int8Array[];
      try {
        const file = path.join(dir, 'layers.tflite');
        fs.writeFileSync(file, layers);
        theirs = runArmnn(
          file,
          feeds.map((t) => Int8Array.from(byTensor.get(t)!)),
        ).outputs.map((o) => o.data as Int8Array);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      let total = 0;
      let differing = 0;
      for (const i of ops) {
        const ours = byTensor.get(model.subgraphs[0].operators[i].outputs[0])!;
        expect(theirs[i].length, `op ${i}`).toBe(ours.length);
        for (let k = 0; k < ours.length; k++) {
          const d = Math.abs(ours[k] - theirs[i][k]);
          expect(d, `op ${i} ${opName(model, i)} element ${k}`).toBeLessThanOrEqual(1);
          if (d) differing++;
        }
        total += ours.length;
      }
      // The ±1 cases are rare rounding ties between float and fixed-point requantization.
      expect(differing / total).toBeLessThan(0.02);
    },
    120_000,
  );
});

describe('person_detect (whole model, int8 softmax scores)', () => {
  const run = (() => {
    let interp: Interpreter | undefined;
    return (input: Int8Array) => {
      interp ??= Interpreter.create(readTflite(readBytes(MODEL)));
      interp.setInput(0, input);
      interp.invoke();
      return Array.from(interp.output(0).data as Int8Array);
    };
  })();

  it('scores person.bmp as a person and no_person.bmp as no person (TFLM example test)', () => {
    const person = run(imageInput('person.bmp'));
    const noPerson = run(imageInput('no_person.bmp'));
    expect(person[PERSON]).toBeGreaterThan(person[NO_PERSON]);
    expect(noPerson[NO_PERSON]).toBeGreaterThan(noPerson[PERSON]);
    expect(person).toEqual([-113, 113]);
    expect(noPerson).toEqual([57, -57]);
  });

  it.runIf(armnnAvailable())('equals Arm NN on person.bmp; no_person.bmp within the measured drift', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-pd-'));
    try {
      const file = path.join(dir, 'person_detect.tflite');
      fs.writeFileSync(file, writeTflite(armnnCompatible(readTflite(readBytes(MODEL)))));
      const armnn = (input: Int8Array) => Array.from(runArmnn(file, [input]).outputs[0].data as Int8Array);
      const p = imageInput('person.bmp');
      expect(run(p)).toEqual(armnn(p));
      // no_person.bmp: Arm NN gives [60, -60], we give [57, -57]. Every layer agrees within ±1
      // on identical inputs (test above), but the per-layer ±1 of Arm NN's float requantization
      // accumulates over 29 layers to logits [41, -41] vs [38, -39], which SOFTMAX maps to 3
      // apart. This is more than the ±1 the issue hoped for, and is not a kernel error.
      const n = imageInput('no_person.bmp');
      const ours = run(n);
      const theirs = armnn(n);
      for (let k = 0; k < 2; k++) expect(Math.abs(ours[k] - theirs[k])).toBeLessThanOrEqual(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('person_detect float twin (float32 kernels)', () => {
  it.runIf(armnnAvailable())('matches Arm NN CpuRef within 1e-4 on both images', () => {
    const bytes = floatTwin(readBytes(MODEL));
    const interp = Interpreter.create(readTflite(bytes));
    const sg = baseModel().subgraphs[0];
    const inputScale = sg.tensors[sg.inputs[0]].quantization!.scale[0];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-pdf-'));
    try {
      const file = path.join(dir, 'person_detect_float.tflite');
      fs.writeFileSync(file, bytes);
      const scores: number[][] = [];
      for (const name of ['person.bmp', 'no_person.bmp']) {
        // the int8 input dequantized: (q - (-1)) * scale
        const x = Float32Array.from(imageInput(name), (v) => (v + 1) * inputScale);
        interp.setInput(0, x);
        interp.invoke();
        const ours = Array.from(interp.output(0).data as Float32Array);
        const theirs = Array.from(runArmnn(file, [x]).outputs[0].data as Float32Array);
        for (let k = 0; k < 2; k++) expect(Math.abs(ours[k] - theirs[k]), name).toBeLessThan(1e-4);
        scores.push(ours);
      }
      expect(scores[0][PERSON]).toBeGreaterThan(scores[0][NO_PERSON]);
      expect(scores[1][NO_PERSON]).toBeGreaterThan(scores[1][PERSON]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
