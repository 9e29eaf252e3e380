import { describe, expect, it } from 'vitest';
import { ShapeMismatchError, UnsupportedOpError } from '../../errors';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import { kernel as pad, padTensor } from './pad';
import { kernel as padv2 } from './padv2';

const q = quantParams;

function run(
  v2: boolean,
  input: TensorSpec,
  paddings: number[][],
  constant?: TensorSpec,
  paddingsConst = true,
) {
  const r = runKernel(v2 ? padv2 : pad, {
    op: v2 ? 'PADV2' : 'PAD',
    inputs: [
      input,
      { dtype: 'int32', shape: [paddings.length, 2], data: paddings.flat(), isConst: paddingsConst },
      ...(constant ? [constant] : []),
    ],
    outputs: [{ dtype: input.dtype, shape: [], quant: input.quant }],
  });
  return { shape: r.outputs[0].shape, data: Array.from(r.outputs[0].data as Float32Array) };
}

describe('PAD / PADV2', () => {
  it('float 2-D: zeros before and after each axis', () => {
    const r = run(false, { dtype: 'float32', shape: [2, 2], data: [1, 2, 3, 4] }, [
      [1, 0],
      [0, 2],
    ]);
    expect(r.shape).toEqual([3, 4]);
    expect(r.data).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
  });

  it('int8 PAD pads with the zero point (real 0), NHWC spatial padding', () => {
    const r = run(false, { dtype: 'int8', shape: [1, 1, 2, 1], data: [5, -7], quant: q(0.5, -3) }, [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
    expect(r.shape).toEqual([1, 3, 3, 1]);
    expect(r.data).toEqual([-3, -3, -3, -3, 5, -7, -3, -3, -3]);
  });

  it('PADV2 uses the constant value (float, uint8, int16, int32)', () => {
    expect(
      run(true, { dtype: 'float32', shape: [2], data: [1, 2] }, [[1, 1]], {
        dtype: 'float32',
        shape: [],
        data: [-9.5],
      }).data,
    ).toEqual([-9.5, 1, 2, -9.5]);
    expect(
      run(true, { dtype: 'uint8', shape: [1], data: [200], quant: q(1, 128) }, [[2, 0]], {
        dtype: 'uint8',
        shape: [1],
        data: [7],
        quant: q(1, 128),
      }).data,
    ).toEqual([7, 7, 200]);
    expect(run(false, { dtype: 'int16', shape: [1], data: [-300], quant: q(0.01) }, [[0, 1]]).data).toEqual([
      -300, 0,
    ]);
    expect(
      run(true, { dtype: 'int32', shape: [1], data: [42] }, [[1, 1]], {
        dtype: 'int32',
        shape: [],
        data: [-1],
      }).data,
    ).toEqual([-1, 42, -1]);
  });

  it('3-D with padding on every axis keeps element order', () => {
    const r = run(false, { dtype: 'float32', shape: [2, 1, 2], data: [1, 2, 3, 4] }, [
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
    expect(r.shape).toEqual([3, 2, 3]);
    expect(r.data).toEqual([0, 0, 0, 1, 2, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('equals an element-by-element pad on random shapes, unpadded inner axes folded into runs (issue 16)', () => {
    let seed = 99;
    const int = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let k = 0; k < 300; k++) {
      const rank = 1 + int(5);
      const shape = Array.from({ length: rank }, () => 1 + int(4));
      const pads = shape.map((): [number, number] => (int(2) ? [int(3), int(3)] : [0, 0]));
      const outShape = shape.map((d, i) => d + pads[i][0] + pads[i][1]);
      const input = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1);
      const want = new Float32Array(outShape.reduce((a, b) => a * b, 1)).fill(-1);
      input.forEach((v, flat) => {
        let o = 0;
        for (let i = 0, rest = flat, size = input.length; i < rank; i++) {
          size /= shape[i];
          const c = Math.floor(rest / size);
          rest -= c * size;
          o = o * outShape[i] + c + pads[i][0];
        }
        want[o] = v;
      });
      const got = new Float32Array(want.length);
      padTensor(input, shape, pads, got, -1);
      expect(Array.from(got), `shape [${shape}] pads ${JSON.stringify(pads)}`).toEqual(Array.from(want));
    }
  });

  it('refuses negative or dynamic paddings, mismatched quantization and rank > 5', () => {
    const x = { dtype: 'float32' as const, shape: [2], data: [1, 2] };
    expect(() => run(false, x, [[-1, 0]])).toThrow(ShapeMismatchError);
    expect(() => run(false, x, [[1, 0]], undefined, false)).toThrow(UnsupportedOpError);
    expect(() =>
      run(false, x, [
        [1, 0],
        [0, 0],
      ]),
    ).toThrow(ShapeMismatchError);
    expect(() =>
      run(true, { dtype: 'int8', shape: [1], data: [1], quant: q(1, 0) }, [[1, 0]], {
        dtype: 'int8',
        shape: [],
        data: [1],
        quant: q(2, 0),
      }),
    ).toThrow(UnsupportedOpError);
    expect(() =>
      run(false, { dtype: 'float32', shape: [1, 1, 1, 1, 1, 1], data: [1] }, new Array(6).fill([0, 0])),
    ).toThrow(UnsupportedOpError);
  });
});
