// Issue 13, item 4: the real PyTorch models of scripts/onnx-fixtures.py convert to float32 TFLite.
// External truth: onnxruntime-node runs the ONNX model; Lowbit's interpreter runs the converted
// one on the same 20 inputs (outputs within 1e-4 of the output's range); Arm NN (an independent
// TFLite runtime) runs it too. The layout pass leaves no TRANSPOSE between operators; with
// ioLayout 'nhwc' none at all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { convertOnnxToTflite, type ConversionResult, type IoLayout } from '../../main/engine/convert/index';
import { Interpreter } from '../../main/engine/interpreter';
import { readOnnx } from '../../main/engine/onnx/reader';
import { parseNpy } from '../../main/engine/tensor/tensor-files';
import { writeTflite } from '../../main/engine/tflite/writer';
import { argmax } from '../../main/engine/evaluate/metrics';
import { DEBIAN_FASHION_MNIST, findIdxPair, readIdxDirectory } from '../../main/files/idx-files';
import { armnnAvailable, runArmnn, runArmnnBatch } from '../support/armnn';
import {
  onnxFixture,
  onnxFixtureOrSkip,
  relativeToRange,
  type OnnxFixture,
  type OnnxFixtureName,
} from '../support/onnx-fixtures';
import { readBytes } from '../support/shared';

function npyFloats(file: string): { shape: number[]; data: Float32Array } {
  const arr = parseNpy(readBytes(file), file);
  if (!(arr.data instanceof Float32Array)) throw new Error(`${file}: not float32`);
  return { shape: arr.shape, data: arr.data };
}

/** NCHW data as NHWC. */
function toNhwc(x: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + k] = x[(b * c + k) * h * w + i];
  return out;
}

function convert(f: OnnxFixture, ioLayout: IoLayout): { result: ConversionResult; ms: number } {
  const bytes = readBytes(f.model);
  const t0 = performance.now();
  const result = convertOnnxToTflite(readOnnx(bytes, f.model), { ioLayout });
  return { result, ms: performance.now() - t0 };
}

async function ortOutputs(
  f: OnnxFixture,
): Promise<{ x: { shape: number[]; data: Float32Array }; y: Float32Array }[]> {
  const session = await ort.InferenceSession.create(f.model, { executionProviders: ['cpu'] });
  try {
    const out = [];
    for (const file of f.inputs) {
      const x = npyFloats(file);
      const r = await session.run({ input: new ort.Tensor('float32', x.data, x.shape) });
      out.push({ x, y: new Float32Array(r.logits.data as Float32Array) });
    }
    return out;
  } finally {
    await session.release();
  }
}

const NAMES: OnnxFixtureName[] = ['fashion-cnn', 'mobilenet_v2', 'resnet18'];

describe('ONNX → TFLite on real PyTorch models (issue 13)', () => {
  for (const name of NAMES) {
    it(
      `${name}: converts; the interpreter matches onnxruntime-node within 1e-4 on 20 inputs; no TRANSPOSE inside`,
      { timeout: 600_000 },
      async (ctx) => {
        const f = onnxFixtureOrSkip(name, ctx);
        const { result, ms } = convert(f, 'nchw');
        const { report } = result;
        expect(report.insideTransposes).toBe(0);
        // Only the NCHW graph input may need one (a 1-channel input is a RESHAPE instead).
        expect(report.tfliteOps.TRANSPOSE ?? 0).toBe(name === 'fashion-cnn' ? 0 : 1);
        expect(report.nodes.every((n) => n.tflite.length > 0 || n.note)).toBe(true);
        const interp = Interpreter.create(result.model);
        const truth = await ortOutputs(f);
        let worst = 0;
        for (const { x, y } of truth) {
          interp.setInput(0, x.data);
          interp.invoke();
          const got = interp.output(0);
          expect(got.shape).toEqual([1, y.length]);
          worst = Math.max(worst, relativeToRange(got.data as Float32Array, y));
        }
        console.log(
          `${name}: converted in ${ms.toFixed(0)} ms; ${JSON.stringify(report.tfliteOps)}; interpreter vs ORT worst |diff|/range over ${truth.length} inputs = ${worst.toExponential(2)}`,
        );
        expect(truth.length).toBe(20);
        expect(worst).toBeLessThan(1e-4);

        if (!armnnAvailable()) {
          console.log('Arm NN check skipped: python3-pyarmnn or ../shared/tools/armnn-run missing');
          return;
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-onnx-convert-'));
        try {
          const file = path.join(dir, `${name}.tflite`);
          fs.writeFileSync(file, writeTflite(result.model));
          const arm = runArmnn(file, [truth[0].x.data]).outputs[0].data as Float32Array;
          const armWorst = relativeToRange(arm, truth[0].y);
          console.log(`${name}: Arm NN vs ORT on input 0, |diff|/range = ${armWorst.toExponential(2)}`);
          expect(armWorst).toBeLessThan(1e-4);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  }

  it(
    'mobilenet_v2 with ioLayout nhwc: no TRANSPOSE at all, the same outputs for channel-last inputs',
    { timeout: 300_000 },
    async (ctx) => {
      const f = onnxFixtureOrSkip('mobilenet_v2', ctx);
      const { result } = convert(f, 'nhwc');
      expect(result.report.tfliteOps.TRANSPOSE).toBeUndefined();
      expect(result.report.inputs[0]).toEqual({ name: 'input', shape: [1, 224, 224, 3], layout: 'nhwc' });
      const interp = Interpreter.create(result.model);
      const truth = (await ortOutputs(f)).slice(0, 3);
      for (const { x, y } of truth) {
        interp.setInput(0, toNhwc(x.data, x.shape));
        interp.invoke();
        expect(relativeToRange(interp.output(0).data as Float32Array, y)).toBeLessThan(1e-4);
      }
    },
  );
});

describe.runIf(armnnAvailable() && findIdxPair(DEBIAN_FASHION_MNIST, 't10k') !== null)(
  "Fashion CNN converted: Arm NN's accuracy on Debian's 10k test set equals ONNX Runtime's (issue 13)",
  () => {
    it('within 0.1 point', { timeout: 600_000 }, async () => {
      const f = onnxFixture('fashion-cnn');
      if (typeof f === 'string') throw new Error(f); // committed: never missing
      const test = readIdxDirectory(DEBIAN_FASHION_MNIST, 't10k');
      const n = test.count;
      // The manifest's preprocessing: pixels / 255, NCHW [n, 1, 28, 28].
      const x = Float32Array.from(test.pixels, (p) => p / 255);
      const session = await ort.InferenceSession.create(f.model, { executionProviders: ['cpu'] });
      const ortLogits = (await session.run({ input: new ort.Tensor('float32', x, [n, 1, 28, 28]) })).logits
        .data as Float32Array;
      await session.release();
      const tflite = writeTflite(convertOnnxToTflite(readOnnx(readBytes(f.model), f.model)).model);
      const armLogits = runArmnnBatch(tflite, x, n);
      const accuracy = (logits: Float32Array) => {
        let correct = 0;
        for (let i = 0; i < n; i++)
          if (argmax(logits.subarray(i * 10, i * 10 + 10)) === test.labels![i]) correct++;
        return correct / n;
      };
      const ortAcc = accuracy(ortLogits);
      const armAcc = accuracy(armLogits);
      console.log(
        `fashion-cnn on ${n} test images: ONNX Runtime ${(ortAcc * 100).toFixed(2)}%, converted under Arm NN ${(armAcc * 100).toFixed(2)}%`,
      );
      expect(n).toBe(10_000);
      expect(ortAcc).toBeCloseTo(Number(f.manifest.onnxruntimeAccuracy), 4);
      expect(Math.abs(armAcc - ortAcc) * 100).toBeLessThanOrEqual(0.1);
    });
  },
);
