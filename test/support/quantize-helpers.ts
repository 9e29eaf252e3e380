/**
 * Shared helpers for the quantization tests: the shared models, dequantized float versions of
 * them (built once per test file), person_detect inputs, and Arm NN runs of in-memory models.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Interpreter } from '../../main/engine/interpreter/index';
import { dequantizeModel } from '../../main/engine/optimize/dequantize';
import type { TflModel } from '../../main/engine/tflite/model';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { runArmnn, type ArmnnResult } from './armnn';
import { readGrayBmp } from './bmp';
import { readBytes, sharedPath } from './shared';

export const modelPath = (name: string) => sharedPath('models', 'tflite-micro', name);
export const loadShared = (name: string): TflModel => readTflite(readBytes(modelPath(name)));

/** A shared int8 model turned into float32 by dequantizeModel. */
export function floatVersion(name: string): TflModel {
  return dequantizeModel(loadShared(name)).model;
}

/** person_detect's scale/zero point of its int8 input (real = (q + 1) × 2/255). */
export const PD_INPUT = { scale: 0.007843137718737125, zeroPoint: -1 };

/**
 * person_detect's int8 input for one of the shared BMPs: TFLM's test copies the pixel bytes
 * into the int8 tensor as they are (each byte reinterpreted as int8).
 */
export function personInt8(name: 'person' | 'no_person'): Int8Array {
  const img = readGrayBmp(readBytes(sharedPath('data', 'person_detection', `${name}.bmp`)));
  return new Int8Array(img.pixels.buffer, img.pixels.byteOffset, img.pixels.length);
}

/** The real-valued input the float model sees for an int8 input of person_detect. */
export function personFloat(q: Int8Array): Float32Array {
  return Float32Array.from(q, (v) => (v - PD_INPUT.zeroPoint) * PD_INPUT.scale);
}

/** Runs a model once on the given inputs and returns every output as real numbers. */
export function runReal(model: TflModel | Interpreter, inputs: ArrayLike<number>[]): Float64Array[] {
  const interp = model instanceof Interpreter ? model : Interpreter.create(model);
  inputs.forEach((x, i) => interp.setInput(i, x));
  interp.invoke();
  return interp.outputs.map((_o, i) => {
    const o = interp.output(i);
    const q = o.quant;
    return Float64Array.from(o.data as ArrayLike<number>, (v) =>
      q && o.dtype !== 'float32' ? (v - q.zeroPoint[0]) * q.scale[0] : v,
    );
  });
}

/** Writes the model to a temp file and runs it on Arm NN CpuRef. */
export function armnnOnModel(model: TflModel, inputs: ArrayBufferView[]): ArmnnResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-q-'));
  try {
    const p = path.join(dir, 'model.tflite');
    fs.writeFileSync(p, writeTflite(model));
    return runArmnn(p, inputs);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Pixel-space transforms of a 96x96 gray image (as int8-reinterpreted bytes). */
export function personVariants(q: Int8Array, size = 96): Int8Array[] {
  const px = Uint8Array.from(q, (v) => v & 0xff);
  const at = (x: number, y: number) =>
    px[Math.min(size - 1, Math.max(0, y)) * size + Math.min(size - 1, Math.max(0, x))];
  const make = (f: (x: number, y: number) => number) => {
    const out = new Uint8Array(size * size);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) out[y * size + x] = Math.min(255, Math.max(0, Math.round(f(x, y))));
    return new Int8Array(out.buffer);
  };
  return [
    q,
    make((x, y) => at(size - 1 - x, y)), // horizontal flip
    make((x, y) => at(x - 4, y)), // shift right
    make((x, y) => at(x + 4, y - 3)), // shift left and down
    make((x, y) => at(x, y) * 0.85), // darker
    make((x, y) => at(x, y) * 1.1 + 8), // brighter
    make((x, y) => at(size - 1 - x, y) * 0.95 + 5), // flip + brightness
  ];
}
