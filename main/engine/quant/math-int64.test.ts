import { describe, expect, it } from 'vitest';
import { mbqm64, quantizeMultiplier } from './math';

/** The C code path written with BigInt: the independent reference for the split arithmetic. */
function reference(x: bigint, multiplier: number, shift: number): number {
  const reduced = multiplier < 0x7fff0000 ? (multiplier + (1 << 15)) >> 16 : 0x7fff;
  const total = BigInt(15 - shift);
  const r = (x * BigInt(reduced) + (1n << (total - 1n))) >> total;
  return Number(BigInt.asIntN(32, r));
}

describe('mbqm64 (16x8 int64 accumulators), cross-checked for the conv kernels', () => {
  it('matches hand-computed values', () => {
    // multiplier 2^30 (0.5) reduces to 2^14; shift 0 -> (x * 2^14 + 2^14) >> 15 = round-half-up(x / 2)
    expect(mbqm64(5, 1 << 30, 0)).toBe(3);
    expect(mbqm64(-5, 1 << 30, 0)).toBe(-2);
    expect(mbqm64(-6, 1 << 30, 0)).toBe(-3);
    // 0.75 * 2^-3 on 1000 = 93.75 -> 94
    const { multiplier, shift } = quantizeMultiplier(0.75 / 8);
    expect(mbqm64(1000, multiplier, shift)).toBe(94);
  });

  it('equals the BigInt reference over the whole contract range (|x| < 2^47, shift -31..7)', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    for (let i = 0; i < 20000; i++) {
      const shift = Math.floor(rnd() * 39) - 31;
      const multiplier = i % 97 === 0 ? 0x7fffffff : 0x40000000 + Math.floor(rnd() * 0x3fffffff);
      const mag = Math.floor(rnd() * 47);
      const x = Math.floor((rnd() * 2 - 1) * 2 ** mag);
      expect(mbqm64(x, multiplier, shift)).toBe(reference(BigInt(x), multiplier, shift));
    }
    // Extremes whose result still fits int32 (TFLite's contract).
    for (const x of [2 ** 47 - 1, -(2 ** 47), 0, -1, 1])
      for (const shift of [-31, -20, -16])
        expect(mbqm64(x, 0x5a827999, shift)).toBe(reference(BigInt(x), 0x5a827999, shift));
  });
});
