import { describe, expect, it } from 'vitest';
import { asymmetricParams, quantizeValue } from '../../quant/math';
import { quantizeWeightsSymmetric } from '../../optimize/weights';
import { Prng } from '../prng';
import {
  activationParams,
  fakeQuantBias,
  fakeQuantize,
  fakeQuantWeights,
  MovingAverageRanges,
} from './fake-quant';

describe('fake quantization (issue 15 qat)', () => {
  it('activations: the QUANTIZE rounding, dequantized; straight-through mask zero only where clamped', () => {
    const p = activationParams({ min: -1, max: 3 }, 'int8');
    expect(p).toEqual(asymmetricParams(-1, 3, -128, 127));
    // scale 4/255, zero point round(-128 + 1/scale) = -64.
    expect(p.zeroPoint).toBe(-64);
    const x = Float32Array.from([-2, -1, -0.5, 0, 0.01, 1.234, 3, 3.02, 5]);
    const mask = new Uint8Array(x.length);
    const orig = Float32Array.from(x);
    const clamped = fakeQuantize(x, p, 'int8', mask);
    const s = Math.fround(p.scale);
    for (let k = 0; k < x.length; k++) {
      const q = quantizeValue(Math.fround(orig[k] / s), 1, p.zeroPoint, -128, 127);
      expect(x[k]).toBe(Math.fround((q - p.zeroPoint) * s));
    }
    // Representable: [(-128 + 64)·s, (127 + 64)·s] = [-1.0039, 2.9961].
    expect(Array.from(mask)).toEqual([0, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(clamped).toBe(4);
    expect(x[3]).toBe(0); // real 0 is exact
    // Idempotent: values on the grid stay.
    const again = Float32Array.from(x);
    fakeQuantize(again, p, 'int8');
    expect(again).toEqual(x);
  });

  it('16x8 activations: symmetric, zero point 0, scale max|x| / 32767', () => {
    const p = activationParams({ min: -0.5, max: 2 }, 'int16');
    expect(p.zeroPoint).toBe(0);
    expect(p.scale).toBe(Math.fround(2 / 32767));
  });

  it('weights: the quantizer’s own per-channel int8 values times their scales', () => {
    const r = new Prng(9);
    const shape = [4, 3, 3, 2];
    const w = Float32Array.from({ length: 72 }, () => r.uniform(-1, 1));
    const fq = fakeQuantWeights(w, shape, 0);
    const q = quantizeWeightsSymmetric(w, shape, 0);
    expect(fq.scale).toEqual(q.scale);
    for (let k = 0; k < w.length; k++)
      expect(fq.values[k]).toBe(Math.fround(q.data[k] * q.scale[Math.floor(k / 18)]));
    // Depthwise layout [1, kh, kw, C]: channel is the last axis.
    const d = fakeQuantWeights(w, [1, 6, 6, 2], 3);
    const qd = quantizeWeightsSymmetric(w, [1, 6, 6, 2], 3);
    for (let k = 0; k < w.length; k++) expect(d.values[k]).toBe(Math.fround(qd.data[k] * qd.scale[k % 2]));
  });

  it('biases: int32 at input scale × weight scale', () => {
    const b = Float32Array.from([0.1, -0.2]);
    const out = fakeQuantBias(b, 0.02, [0.01, 0.03], 'int8');
    const s0 = Math.fround(0.02 * 0.01);
    const s1 = Math.fround(0.02 * 0.03);
    expect(out[0]).toBe(Math.fround(Math.round(0.1 / s0) * s0));
    expect(out[1]).toBe(Math.fround(-Math.round(0.2 / s1) * s1));
  });

  it('moving-average ranges: first batch sets, then decay 0.999, 0 always inside', () => {
    const m = new MovingAverageRanges(0.999);
    m.observe(5, [0.5, 2]);
    expect(m.get(5)).toEqual({ min: 0, max: 2 });
    m.observe(5, [-1, 4]);
    expect(m.get(5)!.min).toBeCloseTo(-0.001, 12);
    expect(m.get(5)!.max).toBeCloseTo(2.002, 12);
    const snap = m.snapshot();
    m.observe(5, [-100, 100]);
    m.restore(snap);
    expect(m.get(5)!.max).toBeCloseTo(2.002, 12);
  });
});
