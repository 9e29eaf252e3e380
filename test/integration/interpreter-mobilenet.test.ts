// Issue 3: mobilenet_v2 (int8, NCHW input, 3.9 MB) through the whole interpreter, with the
// interpreter core's own kernels (every ADD, the FULLY_CONNECTED) compared layer by layer with
// Arm NN CpuRef on identical inputs (our previous activations).
//
// Why not the final output: Arm NN 20.08 pads a quantized PAD with 0 instead of the output zero
// point (TFLite pads with the zero point, i.e. real 0; here zp = -13), so its end-to-end result
// drifts far from TFLite's (measured: 977 of 1000 logits differ, top-1 changes). Layer by layer,
// measured on this input: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED within ±1 (Arm NN
// requantizes in float), ADD and MEAN identical. The PAD layers are checked here against TFLite's
// rule directly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Interpreter, recordingObserver } from '../../main/engine/interpreter/index';
import type { TypedArray } from '../../main/engine/tensor/dtype';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { runArmnn } from '../support/armnn';
import { readBytes, sharedPath } from '../support/shared';

const MODEL = sharedPath('models', 'tflite-micro', 'mobilenet_v2_quantized_1x3x224x224.tflite');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-mbv2-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('mobilenet_v2 int8 (issue 3)', () => {
  it('runs end to end; ADD and FULLY_CONNECTED layers match Arm NN; PAD pads with the zero point', () => {
    const bytes = readBytes(MODEL);
    const interp = Interpreter.create(readTflite(bytes));
    expect(interp.inputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 3, 224, 224] });
    const n = 3 * 224 * 224;
    const x = new Int8Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.round(100 * Math.sin(i / 500) * Math.cos(i / 37));
    interp.setInput(0, x);
    const { observer, records } = recordingObserver();
    interp.invoke({ observer });
    const out = interp.output(0);
    expect(out.shape).toEqual([1, 1000]);
    expect(records.length).toBe(interp.opNames.length);

    const byTensor = new Map<number, TypedArray>([[interp.inputs[0].index, x]]);
    for (const r of records) byTensor.set(r.index, r.data);
    const model = readTflite(bytes);
    const ops = model.subgraphs[0].operators;
    const checked: Record<string, number> = {};
    ops.forEach((op, k) => {
      const name = interp.opNames[k];
      const outT = model.subgraphs[0].tensors[op.outputs[0]];
      if (name === 'PAD') {
        // TFLite: the border is the output zero point. Check the first row of the padded image.
        const zp = Number(outT.quantization!.zeroPoint[0]);
        const row = (byTensor.get(op.outputs[0]) as Int8Array).subarray(0, outT.shape[2] * outT.shape[3]);
        expect(Array.from(row).every((v) => v === zp)).toBe(true);
        checked.PAD = (checked.PAD ?? 0) + 1;
        return;
      }
      if (name !== 'ADD' && name !== 'FULLY_CONNECTED') return;
      const m = readTflite(bytes);
      const sg = m.subgraphs[0];
      const single = sg.operators[k];
      const dynamic = single.inputs.filter(
        (i) => i >= 0 && !(m.buffers[sg.tensors[i].buffer]?.data.length > 0),
      );
      sg.inputs = dynamic;
      sg.outputs = [single.outputs[0]];
      sg.operators = [single];
      const file = path.join(tmp, `op${k}.tflite`);
      fs.writeFileSync(file, writeTflite(m));
      const theirs = runArmnn(
        file,
        dynamic.map((i) => byTensor.get(i)!),
      ).outputs[0].data;
      const ours = byTensor.get(single.outputs[0])!;
      let worst = 0;
      for (let i = 0; i < ours.length; i++)
        worst = Math.max(worst, Math.abs((ours[i] as number) - theirs[i]));
      expect(worst, `${name} operator ${k}`).toBeLessThanOrEqual(name === 'ADD' ? 0 : 1);
      checked[name] = (checked[name] ?? 0) + 1;
    });
    expect(checked).toEqual({ PAD: expect.any(Number), ADD: 10, FULLY_CONNECTED: 1 });
  });
});
