import { describe, expect, it } from 'vitest';
import {
  clamp,
  clampInt,
  mbqm,
  mbqm64,
  multiplyByQuantizedMultiplier,
  rdbpot,
  saturatingRoundingDoublingHighMul,
  srdhm,
} from './math';

// Reference semantics written directly in BigInt from TFLite/gemmlowp's definitions.
function refSrdhm(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, like C
}
function refRdbpot(x: number, e: number): number {
  const bx = BigInt(x);
  const mask = (1n << BigInt(e)) - 1n;
  const rem = bx & mask;
  const thr = (mask >> 1n) + (bx < 0n ? 1n : 0n);
  return Number((bx >> BigInt(e)) + (rem > thr ? 1n : 0n));
}
function refMbqm64(x: number, m: number, shift: number): number {
  const reduced = m < 0x7fff0000 ? (m + 32768) >> 16 : 0x7fff;
  const ts = BigInt(15 - shift);
  const r = (BigInt(x) * BigInt(reduced) + (1n << (ts - 1n))) >> ts;
  return Number(r);
}

let seed = 987654321;
function rnd(): number {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed;
}
const int32 = () => rnd() - 2147483648;

describe('fast exact quantization math (issue 3)', () => {
  it('srdhm equals the BigInt reference and the limb implementation', () => {
    const edge = [0, 1, -1, 2147483647, -2147483648, 1073741824, -1073741824, 3, -3];
    for (const a of edge) for (const b of edge) expect(srdhm(a, b)).toBe(refSrdhm(a, b));
    for (let k = 0; k < 20000; k++) {
      const a = k % 3 === 0 ? int32() >> (rnd() % 31) : int32();
      const b = int32();
      const r = refSrdhm(a, b);
      expect(srdhm(a, b)).toBe(r);
      if (k < 2000) expect(saturatingRoundingDoublingHighMul(a, b) + 0).toBe(r);
    }
    // Exact ties: a*b = 2^30 (+0.5 after the doubling) rounds up, -2^30 rounds toward zero.
    expect(srdhm(1 << 15, 1 << 15)).toBe(1);
    expect(srdhm(-(1 << 15), 1 << 15)).toBe(0);
  });

  it('rdbpot rounds to nearest with ties away from zero for every exponent 0..31', () => {
    expect(rdbpot(3, 1)).toBe(2);
    expect(rdbpot(-3, 1)).toBe(-2);
    expect(rdbpot(5, 2)).toBe(1);
    expect(rdbpot(6, 2)).toBe(2);
    expect(rdbpot(-6, 2)).toBe(-2);
    for (let k = 0; k < 20000; k++) {
      const x = int32();
      const e = k % 32;
      expect(rdbpot(x, e)).toBe(refRdbpot(x, e));
    }
  });

  it('mbqm equals multiplyByQuantizedMultiplier', () => {
    for (let k = 0; k < 5000; k++) {
      const x = int32() >> (rnd() % 24);
      const m = 1073741824 + (rnd() % 1073741823);
      const shift = (rnd() % 40) - 31;
      const xs = shift > 0 ? x >> shift : x; // keep the left shift in range as real scales do
      expect(mbqm(xs, m, shift)).toBe(multiplyByQuantizedMultiplier(xs, m, shift));
    }
  });

  it('mbqm (fast path for |x| < 2^22, limb path otherwise) equals the BigInt reference everywhere', () => {
    const refMbqm = (x: number, m: number, shift: number) =>
      refRdbpot(refSrdhm(shift > 0 ? x << shift : x, m), shift > 0 ? 0 : -shift);
    const check = (x: number, m: number, shift: number) => {
      const r = refMbqm(x, m, shift);
      const got = mbqm(x, m, shift);
      if (got !== r) throw new Error(`mbqm(${x}, ${m}, ${shift}) = ${got}, reference ${r}`);
      if (multiplyByQuantizedMultiplier(x, m, shift) !== r)
        throw new Error(`multiplyByQuantizedMultiplier(${x}, ${m}, ${shift}) disagrees with the reference`);
    };
    const F = 4194304; // 2^22: the fast path's bound
    const xs = [0, 1, -1, 2, -2, F - 1, -(F - 1), F, -F, F + 1, -F - 1, 2147483647, -2147483648];
    const ms = [0, 1, -1, 1073741824, 1073741825, 1518500250, 2147483647, -2147483648, -1073741824, 12345];
    for (const x of xs) for (const m of ms) for (let shift = -31; shift <= 31; shift++) check(x, m, shift);
    // Exact ties of both roundings: x * m = (2k + 1) * 2^30 and srdhm results at odd multiples
    // of half the divisor, with both signs.
    for (let e = 1; e <= 31; e++) {
      for (const k of [1, 3, 5, 7, 1001]) {
        for (const sign of [1, -1]) {
          check(sign * k * 32768, 32768, 0); // (k * 2^30 / 2^31) = k / 2: a tie of srdhm
          // srdhm(x, 2^30) = x / 2 (exact for even x); pick x so that x / 2 = k * 2^(e-1), a tie of rdbpot.
          const x = sign * k * 2 ** e;
          if (Math.abs(x) < 2 ** 31) check(x, 1073741824, -e);
        }
      }
    }
    for (let k = 0; k < 200000; k++) {
      // Mostly the fast path's range (as int8/int16 accumulators), but also its boundary and beyond.
      const r = k % 4;
      const x =
        r === 0
          ? int32() >> (rnd() % 32)
          : r === 1
            ? int32() >> 9
            : r === 2
              ? F - 64 + (rnd() % 128)
              : int32();
      const xr = r === 2 && rnd() % 2 ? -x : x;
      const m = k % 5 === 0 ? int32() : 1073741824 + (rnd() % 1073741824);
      const shift = (rnd() % 63) - 31;
      // Half the positive shifts keep the left shift in range as real scales do; half wrap.
      const xs2 = shift > 0 && k % 2 ? xr >> shift : xr;
      check(xs2, m, shift);
    }
  });

  it('mbqm64 equals the int64 TFLite formula for |x| < 2^47', () => {
    expect(mbqm64(1000, 1073741824, 0)).toBe(500); // 0.5 * 1000
    expect(mbqm64(-1001, 1073741824, 0)).toBe(-500); // -500.5 rounds up (toward +inf)
    expect(mbqm64(7, 0x7fffffff, 0)).toBe(7);
    let checked = 0;
    for (let k = 0; k < 20000; k++) {
      const x = ((rnd() * 32768 + (rnd() % 32768)) * (rnd() % 2 ? 1 : -1)) / 2 ** (rnd() % 40);
      const xi = Math.trunc(x);
      const m = 1073741824 + (rnd() % 1073741824);
      const shift = (rnd() % 39) - 31;
      const r = refMbqm64(xi, m, shift);
      if (r < -2147483648 || r > 2147483647) continue; // TFLite requires the result to fit int32
      expect(mbqm64(xi, m, shift)).toBe(r);
      checked++;
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('clampInt equals clamp for integers on both sides of +-2^30 and every int8/uint8/int16 range', () => {
    const bounds: [number, number][] = [
      [-128, 127],
      [0, 127],
      [-128, -128],
      [0, 255],
      [-32768, 32767],
      [0, 32767],
      [-(2 ** 30) + 1, 2 ** 30 - 1],
    ];
    const edges = [
      0,
      1,
      -1,
      2 ** 30 - 1,
      2 ** 30,
      -(2 ** 30) + 1,
      -(2 ** 30),
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
    ];
    for (const [lo, hi] of bounds) {
      const xs = [
        ...edges,
        lo - 1,
        lo,
        lo + 1,
        hi - 1,
        hi,
        hi + 1,
        2 ** 31 + 32767,
        -(2 ** 31) - 32768,
        2 ** 40,
      ];
      for (let k = 0; k < 20000; k++) xs.push((rnd() % 70000) - 35000, (rnd() % 2 ? 1 : -1) * rnd());
      for (const x of xs) {
        const want = clamp(x, lo, hi);
        if (clampInt(x, lo, hi) !== want) throw new Error(`clampInt(${x}, ${lo}, ${hi}) != ${want}`);
      }
    }
  });
});
