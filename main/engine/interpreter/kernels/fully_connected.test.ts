// Issue 3: FULLY_CONNECTED golden values: float, int8 per-tensor and per-channel, uint8 with a
// weight zero point, int16x8 with int64 bias, hybrid (symmetric and asymmetric inputs),
// fused activations and saturation. Expected values are worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { UnsupportedOpError } from '../../errors';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import { kernel as fullyConnected } from './fully_connected';

const q = quantParams;

function fc(inputs: (TensorSpec | null)[], out: TensorSpec, options: any = {}) {
  return runKernel(fullyConnected, { op: 'FULLY_CONNECTED', options, inputs, outputs: [out] }).outputs[0];
}

describe('FULLY_CONNECTED', () => {
  it('float32 with bias, RELU, and keep_num_dims', () => {
    const o = fc(
      [
        { dtype: 'float32', shape: [1, 2, 3], data: [1, 2, 3, -1, 0, 1] },
        { dtype: 'float32', shape: [2, 3], data: [1, 0, -1, 2, 2, 2] },
        { dtype: 'float32', shape: [2], data: [0.5, -1] },
      ],
      { dtype: 'float32', shape: [1, 2, 2] },
      { fusedActivationFunction: 1, keepNumDims: true },
    );
    // row 1: [1-3+0.5, 12-1] = [-1.5 -> 0, 11]; row 2: [-1-1+0.5, 0-1] = [-1.5 -> 0, -1 -> 0]
    expect(o.shape).toEqual([1, 2, 2]);
    expect(Array.from(o.data as Float32Array)).toEqual([0, 11, 0, 0]);
  });

  it('float32 without keep_num_dims flattens to [batches, units]', () => {
    const o = fc(
      [
        { dtype: 'float32', shape: [2, 1, 2], data: [1, 2, 3, 4] },
        { dtype: 'float32', shape: [1, 2], data: [10, 1] },
        null,
      ],
      { dtype: 'float32', shape: [2, 1] },
    );
    expect(o.shape).toEqual([2, 1]);
    expect(Array.from(o.data as Float32Array)).toEqual([12, 34]);
  });

  it('int8 per-tensor: x zp -1 scale 0.5, w scale 0.25, bias scale 0.125, out scale 1 zp 2', () => {
    // real x = [(3+1)*.5, (-5+1)*.5] = [2, -2]; w = [[4,8],[12,-4]]*.25 = [[1,2],[3,-1]]
    // unit0: 2 - 4 + bias 8*.125 (=1) = -1 -> q = 1; unit1: 6 + 2 + (-4*.125 = -0.5) = 7.5 -> mbqm rounds
    // acc1 = 12*4 + -4*-4 + (-4) = 60, * (0.5*0.25/1 = 0.125) = 7.5 -> 8 (round half up) + 2 = 10
    const o = fc(
      [
        { dtype: 'int8', shape: [1, 2], data: [3, -5], quant: q(0.5, -1) },
        { dtype: 'int8', shape: [2, 2], data: [4, 8, 12, -4], quant: q(0.25) },
        { dtype: 'int32', shape: [2], data: [8, -4], quant: q(0.125) },
      ],
      { dtype: 'int8', shape: [1, 2], quant: q(1, 2) },
    );
    expect(Array.from(o.data as Int8Array)).toEqual([1, 10]);
  });

  it('int8 per-channel weights use one multiplier per unit; output saturates at 127 and RELU6 clamps', () => {
    // x real = [10, 10] (scale 1, zp 0); unit0 w scale 1: [100, 100] -> 2000 -> saturates 127
    // unit1 w scale 0.01: [100, 100] -> 20 -> 20; with RELU6 (scale 1, zp 0) -> [6, 6]
    const spec = (act: number) =>
      fc(
        [
          { dtype: 'int8', shape: [1, 2], data: [10, 10], quant: q(1) },
          { dtype: 'int8', shape: [2, 2], data: [100, 100, 100, 100], quant: q([1, 0.01], [0, 0]) },
          null,
        ],
        { dtype: 'int8', shape: [1, 2], quant: q(1) },
        { fusedActivationFunction: act },
      );
    expect(Array.from(spec(0).data as Int8Array)).toEqual([127, 20]);
    expect(Array.from(spec(3).data as Int8Array)).toEqual([6, 6]);
  });

  it('uint8 legacy with a weight zero point', () => {
    // x = [130, 126] zp 128 -> [2, -2]; w = [129, 131] zp 128 -> [1, 3]; acc = 2 - 6 = -4;
    // scale 1*1/0.5 = 2 -> -8, + zp 100 = 92
    const o = fc(
      [
        { dtype: 'uint8', shape: [1, 2], data: [130, 126], quant: q(1, 128) },
        { dtype: 'uint8', shape: [1, 2], data: [129, 131], quant: q(1, 128) },
        null,
      ],
      { dtype: 'uint8', shape: [1, 1], quant: q(0.5, 100) },
    );
    expect(Array.from(o.data as Uint8Array)).toEqual([92]);
  });

  it('int16x8 with an int64 bias uses the 64-bit multiply', () => {
    // x = [20000, -30000] scale 2^-10; w = [127, 127] scale 2^-7; acc = 127 * -10000 = -1270000
    // bias = 2^40 / 2^40 ... keep it simple: bias 1270000 + 512 -> acc = 512; scale 2^-17 / 2^-10 = 2^-7 -> 4
    const o = fc(
      [
        { dtype: 'int16', shape: [1, 2], data: [20000, -30000], quant: q(2 ** -10) },
        { dtype: 'int8', shape: [1, 2], data: [127, 127], quant: q(2 ** -7) },
        { dtype: 'int64', shape: [1], data: [1270512], quant: q(2 ** -17) },
      ],
      { dtype: 'int16', shape: [1, 1], quant: q(2 ** -10) },
    );
    expect(Array.from(o.data as Int16Array)).toEqual([4]);
    const big = fc(
      [
        { dtype: 'int16', shape: [1, 2], data: [32767, 32767], quant: q(2 ** -10) },
        { dtype: 'int8', shape: [1, 2], data: [127, 127], quant: q(2 ** -7) },
        null,
      ],
      { dtype: 'int16', shape: [1, 1], quant: q(2 ** -10) },
    );
    // 2 * 32767 * 127 / 2^7 = 65015 -> saturates to 32767
    expect(Array.from(big.data as Int16Array)).toEqual([32767]);
  });

  it('hybrid, symmetric inputs: rows quantized by max|x|/127, weight scale folded in', () => {
    // row [127, -63.5, 0]: scale 1, q = [127, -64, 0]; w = [1, 2, 3] scale 0.5
    // dot = 127 - 128 = -1 -> bias 10 + (-1 * 0.5) = 9.5
    const o = fc(
      [
        { dtype: 'float32', shape: [1, 3], data: [127, -63.5, 0] },
        { dtype: 'int8', shape: [1, 3], data: [1, 2, 3], quant: q(0.5) },
        { dtype: 'float32', shape: [1], data: [10] },
      ],
      { dtype: 'float32', shape: [1, 1] },
    );
    expect(Array.from(o.data as Float32Array)).toEqual([9.5]);
  });

  it('hybrid, asymmetric inputs, per-channel weights: close to the float result', () => {
    const x = [0.3, 1.7, -0.2, 2.5, 0.9, 0.1];
    const wq = [10, -20, 30, 40, -50, 60, 127, 0, -127, 5, 6, 7];
    const ws = [0.01, 0.02];
    const o = fc(
      [
        { dtype: 'float32', shape: [1, 6], data: x },
        { dtype: 'int8', shape: [2, 6], data: wq, quant: q(ws, [0, 0]) },
        null,
      ],
      { dtype: 'float32', shape: [1, 2] },
      { asymmetricQuantizeInputs: true },
    );
    for (let u = 0; u < 2; u++) {
      let ref = 0;
      for (let d = 0; d < 6; d++) ref += x[d] * wq[u * 6 + d] * ws[u];
      // input step is (2.5 + 0.2) / 255 ~ 0.0106; error bound sum|w| * step / 2
      const bound = (wq.slice(u * 6, u * 6 + 6).reduce((a, b) => a + Math.abs(b), 0) * ws[u] * 0.0106) / 2;
      expect(Math.abs((o.data as Float32Array)[u] - ref)).toBeLessThanOrEqual(bound);
    }
  });

  it('refuses mismatched dtypes and bad shapes', () => {
    expect(() =>
      fc(
        [
          { dtype: 'int8', shape: [1, 2], data: [1, 2], quant: q(1) },
          { dtype: 'int16', shape: [1, 2], data: [1, 2], quant: q(1) },
          null,
        ],
        { dtype: 'int8', shape: [1, 1], quant: q(1) },
      ),
    ).toThrow(UnsupportedOpError);
    expect(() =>
      fc(
        [
          { dtype: 'float32', shape: [1, 3], data: [1, 2, 3] },
          { dtype: 'float32', shape: [1, 2], data: [1, 2] },
          null,
        ],
        {
          dtype: 'float32',
          shape: [1, 1],
        },
      ),
    ).toThrow(/multiple of the weights' depth/);
  });
});
