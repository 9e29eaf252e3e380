import { afterEach, describe, expect, it } from 'vitest';
import { halfFromBits } from '../../tensor/float16';
import { quantizeWeightsSymmetric } from '../weights';
import { quantizeChannelBlocksSimd, setWeightsSimd, toFloat16Simd } from './weights-simd';

/** Deterministic pseudo-random float32 bit patterns, mostly ordinary weights, some edge cases. */
function torture(n: number): Float32Array {
  const v = new Float32Array(n);
  const bits = new Uint32Array(v.buffer);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const kind = x % 16;
    if (kind === 0)
      bits[i] = x; // any bit pattern: NaN, Inf, subnormals, huge values
    else if (kind === 1)
      v[i] = ((x >>> 8) % 255) - 127 + 0.5; // exact .5 ties when the scale is 1
    else if (kind === 2) v[i] = x & 1 ? -0 : 0;
    else v[i] = Math.fround(Math.sin(x) * 0.37);
  }
  return v;
}

afterEach(() => setWeightsSimd(true));

describe('WebAssembly SIMD weight quantizer', () => {
  it('is available on Node 20 (the scalar path would otherwise be all that the other tests check)', () => {
    expect(quantizeChannelBlocksSimd(new Float32Array(8), 2, 4)).not.toBeNull();
  });

  it('gives the same bits and scales as the scalar path: odd block sizes, ties, NaN, Inf, -0, zero channels', () => {
    for (const [channels, inner] of [
      [1, 1],
      [3, 7],
      [16, 33],
      [64, 1280],
      [5, 4],
    ]) {
      const v = torture(channels * inner);
      if (channels > 2) v.fill(0, inner, 2 * inner); // an all-zero channel
      const simd = quantizeWeightsSymmetric(v, [channels, inner], 0);
      setWeightsSimd(false);
      const scalar = quantizeWeightsSymmetric(v, [channels, inner], 0);
      setWeightsSimd(true);
      expect(simd.scale).toEqual(scalar.scale);
      expect(Buffer.compare(Buffer.from(simd.data.buffer), Buffer.from(scalar.data.buffer))).toBe(0);
    }
  });

  it('ties round away from zero with a scale of exactly 1', () => {
    const v = Float32Array.from([127, -126.5, -125.5, 0.5, 1.5, -0.5, 2.4999998]);
    const q = quantizeChannelBlocksSimd(v, 1, v.length)!;
    expect(q.scale).toEqual([1]);
    expect(Array.from(q.data)).toEqual([127, -127, -126, 1, 2, -1, 2]);
  });

  it('grows its memory for a tensor larger than the initial 64 KiB', () => {
    const v = torture(1000 * 130);
    const simd = quantizeWeightsSymmetric(v, [1000, 130], 0);
    setWeightsSimd(false);
    const scalar = quantizeWeightsSymmetric(v, [1000, 130], 0);
    expect(Buffer.compare(Buffer.from(simd.data.buffer), Buffer.from(scalar.data.buffer))).toBe(0);
  });
});

describe('WebAssembly SIMD float16 conversion', () => {
  it('matches halfFromBits on every exponent with rounding-edge mantissas, both signs, and 1M random patterns', () => {
    const mants = [
      0, 1, 0xfff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x3000, 0x5000, 0x7fe000, 0x7fefff, 0x7ff000, 0x7fffff,
    ];
    const edges: number[] = [];
    for (let exp = 0; exp < 256; exp++)
      for (const m of mants) for (const sign of [0, 0x80000000]) edges.push((sign | (exp << 23) | m) >>> 0);
    let x = 987654321;
    const random = Array.from({ length: 1 << 20 }, () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0));
    // Offsets 0..3 so the subnormal-range lanes land in every position of a 4-lane group.
    for (const pad of [0, 1, 2, 3]) {
      const bits = Uint32Array.from([...Array<number>(pad).fill(0x3f800000), ...edges, ...random]);
      const got = toFloat16Simd(new Float32Array(bits.buffer))!;
      for (let i = 0; i < bits.length; i++)
        if (got[i] !== halfFromBits(bits[i]))
          throw new Error(`0x${bits[i].toString(16)}: ${got[i]} vs ${halfFromBits(bits[i])}`);
    }
  });
});

describe('generated module', () => {
  it('is the current weights.wat compiled (run `npm run gen:wasm` after editing it)', async () => {
    const { default: initWabt } = await import('wabt');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { WASM_BASE64 } = await import('./weights-wasm.generated');
    const wabt = await initWabt();
    const text = fs.readFileSync(path.join(import.meta.dirname, 'weights.wat'), 'utf8');
    const mod = wabt.parseWat('weights.wat', text, { simd: true });
    const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
    mod.destroy();
    expect(Buffer.from(buffer).toString('base64')).toBe(WASM_BASE64);
  });
});
