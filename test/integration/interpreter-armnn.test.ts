// Issue 3: whole models compared with Arm NN's CpuRef backend (an independent TFLite runtime) on
// fixed inputs: float within 1e-4 absolute, int8 within ±1.
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../main/engine/interpreter/index';
import { readTflite } from '../../main/engine/tflite/reader';
import { runArmnn } from '../support/armnn';
import { readBytes, sharedPath } from '../support/shared';

const modelPath = (name: string) => sharedPath('models', 'tflite-micro', name);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('interpreter vs Arm NN CpuRef', () => {
  it('hello_world float: 16 inputs across [0, 2π] within 1e-4', () => {
    const path = modelPath('hello_world_float.tflite');
    const interp = Interpreter.create(readTflite(readBytes(path)));
    for (let k = 0; k < 16; k++) {
      const x = new Float32Array([(k * 2 * Math.PI) / 15]);
      interp.setInput(0, x);
      interp.invoke();
      const ours = interp.output(0).data as Float32Array;
      const theirs = runArmnn(path, [x]).outputs[0];
      expect(theirs.dtype).toBe('float32');
      expect(maxAbsDiff(ours, theirs.data as Float32Array)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('hello_world int8: every int8 input within ±1 (and equal on most)', () => {
    const path = modelPath('hello_world_int8.tflite');
    const interp = Interpreter.create(readTflite(readBytes(path)));
    let equal = 0;
    const xs = [-128, -100, -64, -32, -1, 0, 1, 31, 63, 100, 127];
    for (const v of xs) {
      const x = new Int8Array([v]);
      interp.setInput(0, x);
      interp.invoke();
      const ours = interp.output(0).data as Int8Array;
      const theirs = runArmnn(path, [x]).outputs[0].data as Int8Array;
      expect(maxAbsDiff(ours, theirs)).toBeLessThanOrEqual(1);
      if (ours[0] === theirs[0]) equal++;
    }
    expect(equal).toBeGreaterThanOrEqual(xs.length - 2);
  });
});
