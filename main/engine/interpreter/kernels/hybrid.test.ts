// Hybrid CONV_2D / DEPTHWISE_CONV_2D (float activations, int8 weights) against the float kernels
// run on the dequantized weights: the only difference is the on-the-fly int8 quantization of the
// input, so every output must be within sum(|w|) * input_scale / 2 of the float result (plus
// float rounding), on random data with padding, strides and several channels.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../test/support/random';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import { kernel as conv2d } from './conv_2d';
import { kernel as depthwiseConv2d } from './depthwise_conv_2d';
import { asymmetricQuantizeFloats, symmetricQuantizeFloats } from './common/hybrid';

const rnd = mulberry32(7);
const randn = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rnd() * 2 - 1) * scale);

describe('hybrid input quantization', () => {
  it('asymmetric: scale (max - min) / 255, zero point nudged to the nearer end', () => {
    const out = new Int8Array(3);
    const r = asymmetricQuantizeFloats(Float32Array.from([1, -0.5, 0.25]), 0, 3, out);
    expect(r.scale).toBe(Math.fround(1.5 / 255));
    expect(r.offset).toBe(-43);
    // 0.25 -> -43 + 0.25 * 170 = -0.5, rounded half away from zero to -1
    expect(Array.from(out)).toEqual([127, -128, -1]);
    // all-positive input: range [0, max], zero point -128
    const p = asymmetricQuantizeFloats(Float32Array.from([2, 4]), 0, 2, out);
    expect(p.offset).toBe(-128);
    // 2 -> -128 + 2 * 63.75 = -0.5 -> -1
    expect(Array.from(out.subarray(0, 2))).toEqual([-1, 127]);
    expect(asymmetricQuantizeFloats(new Float32Array(2), 0, 2, out)).toEqual({ scale: 1, offset: 0 });
  });
  it('symmetric: scale max|x| / 127', () => {
    const out = new Int8Array(3);
    expect(symmetricQuantizeFloats(Float32Array.from([0.5, -2, 1]), 0, 3, out)).toBe(Math.fround(2 / 127));
    expect(Array.from(out)).toEqual([32, -127, 64]);
  });
});

function perChannelWeights(n: number, channels: number, axisStride: (i: number) => number) {
  const scales = Array.from({ length: channels }, (_, c) => 0.01 * (c + 1));
  const q = Int8Array.from({ length: n }, () => Math.round(rnd() * 254 - 127));
  const real = Float32Array.from(q, (v, i) => v * scales[axisStride(i)]);
  return { q, real, scales };
}

/** The weights as the hybrid kernel takes them (int8, symmetric scales along `axis`) or as their float twin. */
function weightsSpec(
  hybrid: boolean,
  shape: number[],
  w: { q: Int8Array; real: Float32Array },
  scales: number[],
  axis: number,
): TensorSpec {
  return hybrid
    ? {
        dtype: 'int8',
        shape,
        data: w.q,
        quant: quantParams(
          scales,
          scales.map(() => 0),
          axis,
        ),
      }
    : { dtype: 'float32', shape, data: w.real };
}

describe('hybrid kernels vs float kernels on dequantized weights', () => {
  const input = randn(2 * 5 * 5 * 3, 2);
  const options = {
    padding: 0,
    strideW: 2,
    strideH: 2,
    dilationWFactor: 1,
    dilationHFactor: 1,
    fusedActivationFunction: 0,
  };

  it('CONV_2D per-channel (asymmetric input) and per-tensor (symmetric input)', () => {
    for (const perChannel of [true, false]) {
      const w = perChannelWeights(4 * 3 * 3 * 3, 4, (i) => (perChannel ? Math.floor(i / 27) : 0));
      const scales = perChannel ? w.scales : [w.scales[0]];
      const bias = [0.5, -0.25, 0, 1];
      const run = (hybrid: boolean) =>
        runKernel(conv2d, {
          op: 'CONV_2D',
          options,
          inputs: [
            { dtype: 'float32', shape: [2, 5, 5, 3], data: input },
            weightsSpec(hybrid, [4, 3, 3, 3], w, scales, 0),
            { dtype: 'float32', shape: [4], data: bias },
          ],
          outputs: [{ dtype: 'float32', shape: [] }],
        }).outputs[0].data as Float32Array;
      const h = run(true);
      const f = run(false);
      expect(h.length).toBe(2 * 3 * 3 * 4);
      // input step <= 4 / 255 (asymmetric) or 2 / 127 (symmetric); |w| <= 127 * 0.04, 27 taps
      const bound = 27 * 127 * 0.04 * (perChannel ? 4 / 255 : 2 / 127) * 0.5 + 1e-4;
      let worst = 0;
      for (let i = 0; i < h.length; i++) worst = Math.max(worst, Math.abs(h[i] - f[i]));
      expect(worst).toBeLessThan(bound);
      expect(worst).toBeGreaterThan(0); // the input really was quantized
    }
  });

  it('DEPTHWISE_CONV_2D per-channel, depth multiplier 2', () => {
    const w = perChannelWeights(3 * 3 * 6, 6, (i) => i % 6);
    const run = (hybrid: boolean) =>
      runKernel(depthwiseConv2d, {
        op: 'DEPTHWISE_CONV_2D',
        options: { ...options, depthMultiplier: 2 },
        inputs: [
          { dtype: 'float32', shape: [2, 5, 5, 3], data: input },
          weightsSpec(hybrid, [1, 3, 3, 6], w, w.scales, 3),
          null,
        ],
        outputs: [{ dtype: 'float32', shape: [] }],
      }).outputs[0].data as Float32Array;
    const h = run(true);
    const f = run(false);
    const bound = 9 * 127 * 0.06 * (4 / 255) * 0.5 + 1e-4;
    let worst = 0;
    for (let i = 0; i < h.length; i++) worst = Math.max(worst, Math.abs(h[i] - f[i]));
    expect(worst).toBeLessThan(bound);
    expect(worst).toBeGreaterThan(0);
  });
});
