/** Issue 17 item 12: when `lowbit evaluate` warns about sample shapes and chance-level accuracy. */
import { describe, expect, it } from 'vitest';
import { resolvePreprocess } from '../engine/datasets/preprocess';
import { chanceAccuracy, chanceWarnings, shapeWarning } from './evaluate-checks';

describe('shapeWarning', () => {
  const nhwc = [1, 28, 28, 1];
  const pre = resolvePreprocess({}, nhwc);
  it('no warning for the same shape up to size-1 dimensions, or an NCHW input fed HWC images', () => {
    expect(shapeWarning('d', [28, 28], pre, nhwc)).toBeUndefined();
    expect(shapeWarning('d', [28, 28, 1], pre, nhwc)).toBeUndefined();
    const nchw = [1, 3, 32, 32];
    const preNchw = resolvePreprocess({ layout: 'nchw' }, nchw);
    expect(shapeWarning('d', [32, 32, 3], preNchw, nchw)).toBeUndefined();
    expect(shapeWarning('d', [3, 32, 32], preNchw, nchw)).toBeUndefined();
  });
  it('no warning when the shape is unknown (image folder) or a resize was asked for', () => {
    expect(shapeWarning('d', [], pre, nhwc)).toBeUndefined();
    expect(shapeWarning('d', [64, 64], pre, nhwc, true)).toBeUndefined();
  });
  it('flat samples are reshaped, other sizes resized: both said', () => {
    expect(shapeWarning('d', [784], pre, nhwc)).toBe(
      'warning: dataset d holds samples of shape [784], the model input is [1,28,28,1]: the 784 values are ' +
        'fed in stored order, reshaped; if the accuracy is low, check that this is what the model expects',
    );
    expect(shapeWarning('d', [64, 64], pre, nhwc)).toContain(
      'each sample is resized to 28x28 with 1 channel(s)',
    );
  });
});

describe('chance level', () => {
  it('is the larger of 1/classes and the most common label share', () => {
    expect(chanceAccuracy(10, null, 100)).toBe(0.1);
    expect(chanceAccuracy(10, [3, 3, 3, 1], 4)).toBe(0.75);
    expect(chanceAccuracy(2, [0, 1, 0, 1], 4)).toBe(0.5);
  });
  it('warns within two standard deviations of chance, not above', () => {
    // 10 classes, 200 samples: chance 0.1 + 2 * sqrt(0.09 / 200) = 0.1424.
    const rows = [0.05, 0.14, 0.15, 0.9].map((accuracy, i) => ({ technique: `m${i}`, accuracy }));
    const w = chanceWarnings(rows, 0.1, 10, 200);
    expect(w.map((l) => l.split(':')[1]!.trim())).toEqual(['m0', 'm1']);
    expect(chanceWarnings([{ technique: 'x', accuracy: null }], 0.1, 10, 200)).toEqual([]);
  });
});
