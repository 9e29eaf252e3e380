/**
 * Issue 16: an int8 model with float32 input and output (Lowbit's full-integer quantizer, `--io
 * float`) runs its QUANTIZE and 8-bit DEPTHWISE_CONV_2D on the WebAssembly SIMD kernels
 * (quantize-wasm.ts, dw-int-wasm.ts); its outputs equal the reference kernels' (`--reference`)
 * bit for bit on real Fashion-MNIST images, including inputs with values the calibration never
 * saw and exact rounding ties.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Interpreter } from '../../main/engine/interpreter/index';
import { setConvModuleForTest, simdAvailable } from '../../main/engine/interpreter/kernels/wasm/conv-module';
import { opName } from '../../main/engine/tflite/names';
import type { TflModel } from '../../main/engine/tflite/model';
import { brokenConvModule } from '../support/conv-wasm';
import { quantizeFullInteger } from '../../main/engine/optimize/full-integer';
import { readTflite } from '../../main/engine/tflite/reader';
import { ROOT } from '../support/shared';

const demo = (...p: string[]) => path.join(ROOT, 'assets', 'demo', ...p);

const image = (idx: Buffer, k: number) =>
  Float32Array.from(idx.subarray(16 + k * 784, 16 + (k + 1) * 784), (v) => v / 255);

/** fashion_dwcnn quantized with float32 I/O (calibrated on 8 images), and the image set. */
async function int8FloatIo(): Promise<{ int8: TflModel; idx: Buffer }> {
  const model = readTflite(new Uint8Array(fs.readFileSync(demo('fashion_dwcnn.tflite'))));
  const idx = zlib.gunzipSync(fs.readFileSync(demo('fashion-mnist', 'calibration-images-idx3-ubyte.gz')));
  const calibration = Array.from({ length: 8 }, (_v, k) => [image(idx, k)]);
  const { model: int8 } = await quantizeFullInteger(model, calibration, {
    io: 'float',
    perTensorFullyConnected: true,
  });
  return { int8, idx };
}

/** Images (of 24) whose outputs differ between the default and the reference kernels. */
function differing(int8: TflModel, idx: Buffer): number {
  const sg = int8.subgraphs[0];
  const quantize = sg.operators.find((o) => opName(int8.operatorCodes[o.opcodeIndex]) === 'QUANTIZE')!;
  const inputScale = sg.tensors[quantize.outputs[0]].quantization!.scale[0]!;
  const fast = Interpreter.create(int8);
  const reference = Interpreter.create(int8, { reference: true });
  let bad = 0;
  for (let k = 0; k < 24; k++) {
    const x = image(idx, 8 + k);
    // A third of the images scaled past the calibrated range (saturation), a third with every
    // seventh pixel on (or within float32 rounding of) a rounding tie of the input quantization.
    if (k % 3 === 1) for (let i = 0; i < x.length; i++) x[i] *= 3;
    if (k % 3 === 2)
      for (let i = 0; i < x.length; i += 7) x[i] = (Math.round(x[i] / inputScale) + 0.5) * inputScale;
    fast.setInput(0, x);
    reference.setInput(0, x);
    fast.invoke();
    reference.invoke();
    const a = new Uint8Array((fast.output(0).data as Float32Array).buffer);
    const b = new Uint8Array((reference.output(0).data as Float32Array).buffer);
    if (a.length !== b.length || a.some((v, i) => v !== b[i])) bad++;
  }
  return bad;
}

describe.runIf(simdAvailable())(
  'int8 --io float on the SIMD kernels equals the reference kernels (issue 16)',
  () => {
    afterEach(() => setConvModuleForTest(null));

    it('fashion_dwcnn (QUANTIZE, 3x3 depthwise, ...): outputs bit-identical on 24 images', async () => {
      const { int8, idx } = await int8FloatIo();
      const ops = int8.subgraphs[0].operators.map((o) => opName(int8.operatorCodes[o.opcodeIndex]));
      expect(ops).toContain('QUANTIZE');
      expect(ops).toContain('DEPTHWISE_CONV_2D');
      expect(differing(int8, idx)).toBe(0);
    });

    it('a depthwise kernel using the wrong weights for one tap pair makes them differ', async () => {
      const { int8, idx } = await int8FloatIo();
      setConvModuleForTest(
        await brokenConvModule(
          '(local.get $x) (local.get $y)) (local.get $w4))',
          '(local.get $x) (local.get $y)) (local.get $w5))',
        ),
      );
      expect(differing(int8, idx)).toBeGreaterThan(10);
    });

    it('a QUANTIZE rounding ties towards zero makes them differ (the tie images)', async () => {
      const { int8, idx } = await int8FloatIo();
      setConvModuleForTest(await brokenConvModule('(f32x4.ge (f32x4.abs', '(f32x4.gt (f32x4.abs'));
      expect(differing(int8, idx)).toBeGreaterThan(0);
    });
  },
);
