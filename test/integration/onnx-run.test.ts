// Issue 13, item 3: ONNX models run in ONNX Runtime (onnxruntime-node, CPU). `lowbit run` writes
// output<k>.bin and outputs.json exactly as for TFLite, equal to ORT called directly and within
// 1e-4 (of the output's range) of PyTorch's outputs; `lowbit evaluate` on the Fashion-MNIST CNN
// gives the accuracy scripts/onnx-fixtures.py recorded; a model ORT refuses is one line, exit 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../main/engine/tensor/tensor-files';
import { lowbitInProcess as lowbit } from '../support/cli';
import {
  onnxFixture,
  onnxFixtureOrSkip,
  relativeToRange,
  type OnnxFixtureName,
} from '../support/onnx-fixtures';
import { readBytes } from '../support/shared';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-onnx-run-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const FASHION = '/usr/share/datasets/fashion-mnist';

function float32s(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.slice().buffer);
}

describe('lowbit run on ONNX models (issue 13)', () => {
  const names: OnnxFixtureName[] = ['fashion-cnn', 'mobilenet_v2', 'resnet18'];
  for (const name of names) {
    it(
      `${name}: output0.bin equals ORT called directly and PyTorch within 1e-4`,
      { timeout: 180_000 },
      async (ctx) => {
        const fixture = onnxFixtureOrSkip(name, ctx);
        const session = await ort.InferenceSession.create(fixture.model, { executionProviders: ['cpu'] });
        let worst = 0;
        for (let i = 0; i < fixture.inputs.length; i++) {
          const out = path.join(tmp, `${name}-${i}`);
          const r = await lowbit('run', fixture.model, '--input', fixture.inputs[i]!, '--out', out);
          expect(r.code, r.stderr).toBe(0);
          expect(fs.readdirSync(out).sort()).toEqual(['output0.bin', 'outputs.json']);
          const meta = JSON.parse(fs.readFileSync(path.join(out, 'outputs.json'), 'utf8'));
          const classes = name === 'fashion-cnn' ? 10 : 1000;
          expect(meta).toEqual([
            { name: 'logits', dtype: 'float32', shape: [1, classes], scale: null, zeroPoint: null },
          ]);
          const got = float32s(readBytes(path.join(out, 'output0.bin')));
          const x = parseNpy(readBytes(fixture.inputs[i]!));
          const direct = await session.run({
            input: new ort.Tensor('float32', x.data as Float32Array, x.shape),
          });
          expect(got).toEqual(direct.logits!.data); // same runtime, same bits
          const pytorch = parseNpy(readBytes(fixture.pytorchOutputs[i]!)).data as Float32Array;
          worst = Math.max(worst, relativeToRange(got, pytorch));
        }
        await session.release();
        console.log(
          `lowbit run ${name}: worst |diff| / range vs PyTorch over 20 inputs = ${worst.toExponential(2)}`,
        );
        expect(worst).toBeLessThan(1e-4);
      },
    );
  }

  it('--json prints the outputs with the same JSON as for TFLite; --dump is refused', async () => {
    const fixture = onnxFixture('fashion-cnn');
    if (typeof fixture === 'string') throw new Error(fixture); // committed: never missing
    const r = await lowbit('run', fixture.model, '--input', fixture.inputs[0]!, '--json', '--repeat', '3');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.outputs[0]).toMatchObject({ name: 'logits', dtype: 'float32', shape: [1, 10], scale: null });
    expect(j.outputs[0].data).toHaveLength(10);
    expect(j).toMatchObject({ repeat: 3, timedRuns: 3 });
    expect(r.stderr).toMatch(/ONNX Runtime 1\.\d+\.\d+ \(CPU\)/);
    const d = await lowbit(
      'run',
      fixture.model,
      '--input',
      fixture.inputs[0]!,
      '--dump',
      path.join(tmp, 'd'),
    );
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/--dump needs the interpreter/);
  });

  it('a model ONNX Runtime refuses, or a wrong input, is one line naming the file, exit 2', async () => {
    const fixture = onnxFixture('fashion-cnn');
    if (typeof fixture === 'string') throw new Error(fixture);
    // A valid ONNX model with an op ORT has no kernel for: the model bytes with the Gemm renamed.
    const bytes = Buffer.from(readBytes(fixture.model));
    let renamed = 0;
    for (let at = bytes.indexOf('Gemm'); at >= 0; at = bytes.indexOf('Gemm', at + 4), renamed++)
      bytes.write('Gemx', at);
    expect(renamed).toBeGreaterThan(0);
    const bad = path.join(tmp, 'no-such-op.onnx');
    fs.writeFileSync(bad, bytes);
    const r = await lowbit('run', bad, '--input', fixture.inputs[0]!);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no-such-op\.onnx: .*Gemx/);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    const wrong = path.join(tmp, 'wrong.npy');
    fs.writeFileSync(wrong, readBytes(fixture.pytorchOutputs[0]!)); // 10 values
    const w = await lowbit('run', fixture.model, '--input', wrong);
    expect(w.code).toBe(2);
    expect(w.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('lowbit evaluate on an ONNX model (issue 13)', () => {
  it(
    'the Fashion CNN scores the accuracy the fixture script recorded under ORT',
    { timeout: 300_000 },
    async (ctx) => {
      const fixture = onnxFixture('fashion-cnn');
      if (typeof fixture === 'string') throw new Error(fixture);
      if (!fs.existsSync(FASHION)) {
        console.log(`skipped: ${FASHION} missing (Debian dataset-fashion-mnist)`);
        ctx.skip();
        return;
      }
      const r = await lowbit('evaluate', fixture.model, '--dataset', FASHION, '--json', '--runs', '3');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/input \[1,1,28,28\] of fashion-cnn\.onnx: images fed as NCHW/);
      expect(r.stderr).toMatch(/fashion-cnn\.onnx: ONNX Runtime/);
      const report = JSON.parse(r.stdout);
      const row = report.rows[0];
      console.log(
        `lowbit evaluate fashion-cnn.onnx: top-1 ${row.accuracy}, recorded ${String(fixture.manifest.onnxruntimeAccuracy)}`,
      );
      expect(report.samples).toBe(10000);
      expect(row.accuracy).toBe(fixture.manifest.onnxruntimeAccuracy);
    },
  );
});
