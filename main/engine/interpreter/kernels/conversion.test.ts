// Issue 3: QUANTIZE, DEQUANTIZE, CAST, RESHAPE, SQUEEZE, EXPAND_DIMS, SHAPE golden values.
import { describe, expect, it } from 'vitest';
import { ShapeMismatchError, UnsupportedOpError } from '../../errors';
import { quantParams, runKernel, type TensorSpec } from '../../../../test/support/kernel-runner';
import type { Kernel } from '../types';
import type { DType } from '../../tensor/dtype';
import { kernel as cast } from './cast';
import { halfToFloat } from '../../tensor/float16';
import { kernel as dequantize } from './dequantize';
import { kernel as expandDims } from './expand_dims';
import { kernel as quantize } from './quantize';
import { kernel as reshape } from './reshape';
import { kernel as shape } from './shape';
import { kernel as squeeze } from './squeeze';

const q = quantParams;

function one(
  kernel: Kernel,
  op: any,
  inputs: (TensorSpec | null)[],
  out: { dtype: DType; quant?: any; shape?: number[] },
  options: any = {},
) {
  const o = runKernel(kernel, { op, options, inputs, outputs: [{ shape: out.shape ?? [], ...out }] })
    .outputs[0];
  return {
    shape: o.shape,
    data: o.data instanceof BigInt64Array ? Array.from(o.data, Number) : Array.from(o.data as Float32Array),
  };
}

describe('QUANTIZE', () => {
  it('float -> int8 rounds half away from zero and saturates', () => {
    // x / 0.5 + 1: 0.25 -> 0.5 -> 1 (+1 = 2); -0.25 -> -1 (+1 = 0); 100 -> 127; -100 -> -128
    const r = one(quantize, 'QUANTIZE', [{ dtype: 'float32', shape: [4], data: [0.25, -0.25, 100, -100] }], {
      dtype: 'int8',
      quant: q(0.5, 1),
    });
    expect(r.data).toEqual([2, 0, 127, -128]);
  });

  it('float -> uint8 and int16; per-channel along axis 1', () => {
    expect(
      one(quantize, 'QUANTIZE', [{ dtype: 'float32', shape: [3], data: [0, 1, -1] }], {
        dtype: 'uint8',
        quant: q(1 / 128, 128),
      }).data,
    ).toEqual([128, 255, 0]);
    expect(
      one(quantize, 'QUANTIZE', [{ dtype: 'float32', shape: [2], data: [1, -2] }], {
        dtype: 'int16',
        quant: q(2 ** -14),
      }).data,
    ).toEqual([16384, -32768]);
    const pc = one(quantize, 'QUANTIZE', [{ dtype: 'float32', shape: [2, 2], data: [1, 1, 2, 2] }], {
      dtype: 'int8',
      quant: q([0.5, 0.25], [0, 0], 1),
    });
    expect(pc.data).toEqual([2, 4, 4, 8]);
  });

  it('requantizes int8 -> int8, uint8 -> int8, int16 -> int8 and int32 -> int16', () => {
    // (x - 3) * 0.5 / 0.25 + (-1): x = [5, 3, 100] -> [3, -1, 127 (saturated)]
    expect(
      one(quantize, 'QUANTIZE', [{ dtype: 'int8', shape: [3], data: [5, 3, 100], quant: q(0.5, 3) }], {
        dtype: 'int8',
        quant: q(0.25, -1),
      }).data,
    ).toEqual([3, -1, 127]);
    // uint8 zp 128 -> int8 zp 0 at the same scale is x - 128
    expect(
      one(quantize, 'QUANTIZE', [{ dtype: 'uint8', shape: [3], data: [0, 128, 255], quant: q(0.1, 128) }], {
        dtype: 'int8',
        quant: q(0.1),
      }).data,
    ).toEqual([-128, 0, 127]);
    expect(
      one(quantize, 'QUANTIZE', [{ dtype: 'int16', shape: [2], data: [256, -384], quant: q(2 ** -8) }], {
        dtype: 'int8',
        quant: q(2 ** -4),
      }).data,
    ).toEqual([16, -24]);
    expect(
      one(quantize, 'QUANTIZE', [{ dtype: 'int32', shape: [2], data: [1 << 20, -3], quant: q(2 ** -20) }], {
        dtype: 'int16',
        quant: q(2 ** -10),
      }).data,
    ).toEqual([1024, 0]);
  });
});

describe('DEQUANTIZE', () => {
  it('int8 / uint8 / int16 per-tensor, int8 per-channel, float16', () => {
    expect(
      one(
        dequantize,
        'DEQUANTIZE',
        [{ dtype: 'int8', shape: [3], data: [-128, 0, 127], quant: q(0.5, -1) }],
        { dtype: 'float32' },
      ).data,
    ).toEqual([-63.5, 0.5, 64]);
    expect(
      one(dequantize, 'DEQUANTIZE', [{ dtype: 'uint8', shape: [2], data: [0, 255], quant: q(2, 128) }], {
        dtype: 'float32',
      }).data,
    ).toEqual([-256, 254]);
    expect(
      one(dequantize, 'DEQUANTIZE', [{ dtype: 'int16', shape: [1], data: [-32768], quant: q(2 ** -15) }], {
        dtype: 'float32',
      }).data,
    ).toEqual([-1]);
    const pc = one(
      dequantize,
      'DEQUANTIZE',
      [{ dtype: 'int8', shape: [2, 2], data: [1, 1, 2, 2], quant: q([1, 0.5], [0, 0], 0) }],
      { dtype: 'float32' },
    );
    expect(pc.data).toEqual([1, 1, 1, 1]);
    // half 0x3c00 = 1, 0xc000 = -2, 0x7bff = 65504, 0x0001 = 2^-24, 0x7c00 = inf
    const h = one(
      dequantize,
      'DEQUANTIZE',
      [{ dtype: 'float16', shape: [5], data: [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00] }],
      { dtype: 'float32' },
    );
    expect(h.data).toEqual([1, -2, 65504, Math.fround(2 ** -24), Infinity]);
  });
});

describe('CAST and shape ops', () => {
  it('CAST truncates floats toward zero, wraps integers, and maps to bool', () => {
    const x = { dtype: 'float32' as const, shape: [4], data: [1.9, -1.9, 300, 0] };
    expect(one(cast, 'CAST', [x], { dtype: 'int32' }).data).toEqual([1, -1, 300, 0]);
    expect(one(cast, 'CAST', [x], { dtype: 'uint8' }).data).toEqual([1, 255, 44, 0]);
    expect(one(cast, 'CAST', [x], { dtype: 'bool' }).data).toEqual([1, 1, 1, 0]);
    expect(
      one(cast, 'CAST', [{ dtype: 'int32', shape: [2], data: [7, -8] }], { dtype: 'float32' }).data,
    ).toEqual([7, -8]);
    expect(
      one(cast, 'CAST', [{ dtype: 'int32', shape: [2], data: [7, -8] }], { dtype: 'int64' }).data,
    ).toEqual([7, -8]);
  });

  it('RESHAPE infers -1 from the shape tensor; bad shapes are refused', () => {
    const x = { dtype: 'float32' as const, shape: [2, 3], data: [1, 2, 3, 4, 5, 6] };
    const r = one(reshape, 'RESHAPE', [x, { dtype: 'int32', shape: [2], data: [3, -1] }], {
      dtype: 'float32',
    });
    expect(r.shape).toEqual([3, 2]);
    expect(r.data).toEqual([1, 2, 3, 4, 5, 6]);
    expect(one(reshape, 'RESHAPE', [x, null], { dtype: 'float32' }, { newShape: [6] }).shape).toEqual([6]);
    expect(() =>
      one(reshape, 'RESHAPE', [x, { dtype: 'int32', shape: [1], data: [4] }], { dtype: 'float32' }),
    ).toThrow(ShapeMismatchError);
    expect(() =>
      one(reshape, 'RESHAPE', [x, { dtype: 'int32', shape: [2], data: [-1, -1] }], { dtype: 'float32' }),
    ).toThrow(ShapeMismatchError);
  });

  it('SQUEEZE all size-1 dims or the listed ones; EXPAND_DIMS with a negative axis; SHAPE', () => {
    const x = { dtype: 'int8' as const, shape: [1, 3, 1, 1], data: [1, 2, 3] };
    expect(one(squeeze, 'SQUEEZE', [x], { dtype: 'int8' }).shape).toEqual([3]);
    expect(one(squeeze, 'SQUEEZE', [x], { dtype: 'int8' }, { squeezeDims: [0, -1] }).shape).toEqual([3, 1]);
    expect(() => one(squeeze, 'SQUEEZE', [x], { dtype: 'int8' }, { squeezeDims: [1] })).toThrow(
      ShapeMismatchError,
    );
    const e = one(
      expandDims,
      'EXPAND_DIMS',
      [
        { dtype: 'int8', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
        { dtype: 'int32', shape: [1], data: [-1] },
      ],
      { dtype: 'int8' },
    );
    expect(e.shape).toEqual([2, 3, 1]);
    expect(e.data).toEqual([1, 2, 3, 4, 5, 6]);
    expect(one(shape, 'SHAPE', [x], { dtype: 'int32' }).data).toEqual([1, 3, 1, 1]);
    expect(one(shape, 'SHAPE', [x], { dtype: 'int64' }).data).toEqual([1, 3, 1, 1]);
    expect(() => one(shape, 'SHAPE', [x], { dtype: 'float32' })).toThrow(UnsupportedOpError);
  });
});

describe('DEQUANTIZE float16 lookup (every half value)', () => {
  it('the table matches the exact conversion for all 65,536 bit patterns, constant or not', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    for (const isConst of [true, false]) {
      const run = runKernel(dequantize, {
        op: 'DEQUANTIZE',
        inputs: [{ dtype: 'float16', shape: [65536], data: all, isConst }],
        outputs: [{ dtype: 'float32', shape: [65536] }],
      });
      const o = run.invoke()[0]!.data as Float32Array;
      for (let h = 0; h < 65536; h++) {
        const want = Math.fround(halfToFloat(h));
        if (!(Object.is(o[h], want) || (Number.isNaN(o[h]) && Number.isNaN(want))))
          throw new Error(`half 0x${h.toString(16)}: ${o[h]} != ${want}`);
      }
    }
  });
});
