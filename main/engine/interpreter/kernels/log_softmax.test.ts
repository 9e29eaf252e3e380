import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import { kernel as logSoftmax } from './log_softmax';

describe('LOG_SOFTMAX', () => {
  it('float32 rows: equal logits give -log(n); shift invariant', () => {
    const r = runKernel(logSoftmax, {
      op: 'LOG_SOFTMAX',
      inputs: [{ dtype: 'float32', shape: [2, 4], data: [1, 1, 1, 1, 0, 1, 2, 3] }],
      outputs: [{ dtype: 'float32', shape: [] }],
    });
    const o = Array.from(r.outputs[0].data as Float32Array);
    for (let i = 0; i < 4; i++) expect(o[i]).toBeCloseTo(-Math.log(4), 6);
    const lse = Math.log(1 + Math.E + Math.E ** 2 + Math.E ** 3);
    [0, 1, 2, 3].forEach((v, i) => expect(o[4 + i]).toBeCloseTo(v - lse, 6));
  });
});

describe('LOG_SOFTMAX int8', () => {
  // TFLite's LogSoftmaxInt8 test: inputs {0,-6,2,4 | 3,-2,10,1} quantized over [-10, 10]
  // (scale 20/255, zero point 0, rounding half away from zero), output 16/256 and 127.
  it('matches the TFLite reference golden exactly', () => {
    const r = runKernel(logSoftmax, {
      op: 'LOG_SOFTMAX',
      inputs: [
        {
          dtype: 'int8',
          shape: [2, 4],
          data: [0, -77, 26, 51, 38, -26, 127, 13],
          quant: { scale: [Math.fround(20 / 255)], zeroPoint: [0], axis: 0 },
        },
      ],
      outputs: [
        { dtype: 'int8', shape: [], quant: { scale: [Math.fround(16 / 256)], zeroPoint: [127], axis: 0 } },
      ],
    });
    expect(Array.from(r.outputs[0].data as Int8Array)).toEqual([61, -36, 93, 125, 15, -65, 127, -16]);
  });

  // TFLite's LogSoftmaxUint8 test: the same inputs on uint8 (scale 20/255; the codes below are its
  // harness's quantization, zero point 127), output 16/256 with zero point 255.
  it('uint8 matches the TFLite reference golden exactly', () => {
    const r = runKernel(logSoftmax, {
      op: 'LOG_SOFTMAX',
      inputs: [
        {
          dtype: 'uint8',
          shape: [2, 4],
          data: [127, 51, 153, 178, 165, 102, 255, 140],
          quant: { scale: [Math.fround(20 / 255)], zeroPoint: [127], axis: 0 },
        },
      ],
      outputs: [
        { dtype: 'uint8', shape: [], quant: { scale: [Math.fround(16 / 256)], zeroPoint: [255], axis: 0 } },
      ],
    });
    expect(Array.from(r.outputs[0].data as Uint8Array)).toEqual([189, 93, 221, 253, 142, 63, 255, 111]);
  });

  it('refuses an output that is not 16/256, 127', () => {
    expect(() =>
      runKernel(logSoftmax, {
        op: 'LOG_SOFTMAX',
        inputs: [
          { dtype: 'int8', shape: [1, 2], data: [0, 1], quant: { scale: [0.1], zeroPoint: [0], axis: 0 } },
        ],
        outputs: [{ dtype: 'int8', shape: [], quant: { scale: [1 / 256], zeroPoint: [-128], axis: 0 } }],
      }),
    ).toThrow(/16\/256/);
  });
});
