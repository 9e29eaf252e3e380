import { describe, expect, it } from 'vitest';
import { halfToFloat } from '../tensor/float16';
import { asymmetricParams, quantizeValue, symmetricScale } from '../quant/math';
import { floatToHalf } from '../tensor/float16';
import { quantizeBias, quantizeWeightsSymmetric, toFloat16 } from './weights';

describe('floatToHalf', () => {
  it('round-trips every finite half exactly and keeps NaN', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = halfToFloat(h);
      if (Number.isNaN(x)) expect(Number.isNaN(halfToFloat(floatToHalf(x)))).toBe(true);
      else expect(floatToHalf(x)).toBe(h);
    }
  });

  it('rounds midpoints to even and overflows to infinity', () => {
    // 1 + 2^-11 lies halfway between 1 (0x3c00) and 1 + 2^-10 (0x3c01): ties to the even 0x3c00.
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00);
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    expect(floatToHalf(65520)).toBe(0x7c00); // halfway to 65536 rounds up to Inf
    expect(floatToHalf(65519)).toBe(0x7bff);
    expect(floatToHalf(-1e9)).toBe(0xfc00);
    expect(floatToHalf(2 ** -25)).toBe(0); // halfway to the smallest subnormal: even (0)
    expect(floatToHalf(3 * 2 ** -26)).toBe(1);
    expect(floatToHalf(-0)).toBe(0x8000);
  });
});

describe('toFloat16 (fast path)', () => {
  it('agrees with floatToHalf on 200k random bit patterns and the special values', () => {
    const bits = new Uint32Array(200000);
    let seed = 12345;
    for (let k = 0; k < bits.length; k++) bits[k] = seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const values = new Float32Array(bits.buffer);
    const specials = new Float32Array([
      0,
      -0,
      1,
      -1,
      65504,
      65520,
      1e-8,
      2 ** -24,
      Infinity,
      -Infinity,
      NaN,
      1 + 2 ** -11,
    ]);
    for (const v of [values, specials]) {
      const h = toFloat16(v);
      for (let k = 0; k < v.length; k++)
        if (h[k] !== floatToHalf(v[k])) throw new Error(`value ${v[k]}: ${h[k]} vs ${floatToHalf(v[k])}`);
    }
  });
});

describe('quantizeWeightsSymmetric', () => {
  it('per channel on axis 0: max maps to ±127 and every value is within half a step', () => {
    const shape = [2, 3];
    const w = new Float32Array([0.5, -1.27, 0.01, 2, 0, -0.3]);
    const q = quantizeWeightsSymmetric(w, shape, 0);
    expect(q.scale).toEqual([Math.fround(1.27 / 127), Math.fround(2 / 127)]);
    expect(Array.from(q.data)).toEqual([50, -127, 1, 127, 0, -19]);
    expect(q.zeroPoint).toEqual([0, 0]);
    w.forEach((x, k) => {
      const s = q.scale[Math.floor(k / 3)];
      expect(Math.abs(q.data[k] * s - x)).toBeLessThanOrEqual(s / 2 + 1e-12);
    });
  });

  it('rounds exactly like quantizeValue: exact .5 ties away from zero, values just under a tie down', () => {
    // Channel maxima of 127 × 2^-7 give scales of exactly 2^-7, so (k + 0.5) × 2^-7 is an exact tie.
    const s = 2 ** -7;
    // ±127 × 2^-7 at both ends puts each channel's maximum in every layout below.
    const values: number[] = [127 * s, -127 * s];
    for (let k = -127; k < 127; k++) values.push((k + 0.5) * s, Math.fround((k + 0.5) * s * (1 - 2 ** -24)));
    for (let i = 0; i < 2000; i++) values.push(Math.fround(Math.sin(i * 1.7) * 127 * s));
    values.push(0, -0, 127 * s, -127 * s);
    const w = Float32Array.from(values);
    for (const [shape, axis] of [
      [[2, w.length / 2], 0],
      [[1, 1, w.length / 2, 2], 3],
      [[w.length], null],
    ] as const) {
      const q = quantizeWeightsSymmetric(w, shape, axis);
      const inner = axis === 0 ? w.length / 2 : 1;
      w.forEach((x, k) => {
        const c = axis === null ? 0 : axis === 0 ? Math.floor(k / inner) : k % 2;
        expect(q.scale[c]).toBe(s);
        if (q.data[k] !== quantizeValue(x, q.scale[c], 0, -127, 127)) throw new Error(`${x} (${k})`);
      });
      expect(q.data[2]).toBe(-127); // -126.5 rounds away from zero
      expect(q.data[3]).toBe(-126); // just above -126.5
    }
  });

  it('per channel on the last axis (depthwise) and per tensor', () => {
    const w = new Float32Array([1, -4, -2, 2]); // shape [1,1,2,2], channels on axis 3: [1,-2], [-4,2]
    const dw = quantizeWeightsSymmetric(w, [1, 1, 2, 2], 3);
    expect(dw.scale).toEqual([Math.fround(2 / 127), Math.fround(4 / 127)]);
    expect(Array.from(dw.data)).toEqual([64, -127, -127, 64]);
    expect(dw.axis).toBe(3);
    const pt = quantizeWeightsSymmetric(w, [1, 1, 2, 2], null);
    expect(pt.scale).toEqual([Math.fround(4 / 127)]);
    expect(Array.from(pt.data)).toEqual([32, -127, -64, 64]);
  });

  it('an all-zero channel gets scale 1 and zeros', () => {
    const q = quantizeWeightsSymmetric(new Float32Array([0, 0, 1, -1]), [2, 2], 0);
    expect(q.scale[0]).toBe(1);
    expect(Array.from(q.data)).toEqual([0, 0, 127, -127]);
  });
});

describe('quantizeBias', () => {
  it('scale = input scale × weight scale per channel; int32 saturates, int64 does not', () => {
    const b = quantizeBias(new Float32Array([1, -0.5, 1e6]), 0.5, [0.01, 0.02, 1e-9], 'int32');
    expect(b.scale).toEqual([Math.fround(0.005), Math.fround(0.01), Math.fround(5e-10)]);
    expect(Array.from(b.data as Int32Array)).toEqual([200, -50, 2147483647]);
    const b64 = quantizeBias(new Float32Array([1e6]), 0.5, [1e-9], 'int64');
    expect((b64.data as BigInt64Array)[0]).toBe(BigInt(Math.round(1e6 / Math.fround(5e-10))));
  });
});

describe('parameter choice (quant/math)', () => {
  it('asymmetricParams widens to contain 0 and nudges the zero point to an integer', () => {
    // -128 + 1 / (2/255) = -0.5, and std::round(-0.5) = -1: the zero point person_detect's input has.
    expect(asymmetricParams(-1, 1, -128, 127)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: -1 });
    expect(asymmetricParams(0, 6, -128, 127)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: -128 });
    expect(asymmetricParams(2, 6, -128, 127)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: -128 });
    expect(asymmetricParams(-3, -1, -128, 127)).toEqual({ scale: Math.fround(3 / 255), zeroPoint: 127 });
    const p = asymmetricParams(-0.3, 2.2, -128, 127);
    expect(p.zeroPoint).toBe(Math.round(-128 + 0.3 / p.scale)); // -97.4 -> -97
    expect(p.zeroPoint).toBe(-97);
    expect(asymmetricParams(0, 0, -128, 127)).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it('symmetricScale', () => {
    expect(symmetricScale(32767, 32767)).toBe(1);
    expect(symmetricScale(1, 127)).toBe(Math.fround(1 / 127));
    expect(symmetricScale(0, 127)).toBe(1);
  });
});

describe('quantizeWeightsSymmetric rounding', () => {
  it('equals quantizeValue(x, scale, 0, -127, 127) on 300k values, ties included', () => {
    let seed = 99;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    const shape = [30, 10000];
    const w = Float32Array.from({ length: 300000 }, (_v, k) =>
      k % 97 === 0 ? ((k % 255) - 127) / 127 : rnd() * (1 + (k % 7)),
    );
    const q = quantizeWeightsSymmetric(w, shape, 0);
    for (let k = 0; k < w.length; k++) {
      const want = quantizeValue(w[k], q.scale[Math.floor(k / 10000)], 0, -127, 127);
      if (q.data[k] !== want) throw new Error(`element ${k}: ${q.data[k]} vs ${want}`);
    }
    // Exact ties: 2.5 steps rounds away from zero to 3, -2.5 to -3.
    const t = quantizeWeightsSymmetric(new Float32Array([127, 2.5, -2.5]), [3], null);
    expect(Array.from(t.data)).toEqual([127, 3, -3]);
  });
});
