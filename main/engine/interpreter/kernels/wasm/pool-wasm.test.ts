/**
 * The WebAssembly SIMD MAX_POOL_2D (pool-wasm.ts) against the reference kernel maxPoolInt on
 * random geometries (issue 16): equal bit for bit, and a deliberately broken walk fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { brokenConvModule } from '../../../../../test/support/conv-wasm';
import type { PoolShape } from '../common/pooling';
import { maxPoolFloat, maxPoolInt } from '../max_pool_2d';
import { averagePoolInt } from '../average_pool_2d';
import { setConvModuleForTest, simdAvailable } from './conv-module';
import { prepareAvgPoolSimd, prepareMaxPoolSimd, type PoolKind } from './pool-wasm';

let seed = 20261204;
const int = (lo: number, hi: number) => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return lo + Math.floor((seed / 4294967296) * (hi - lo + 1));
};

type IntKind = Exclude<PoolKind, 'float32'>;
const RANGE: Record<IntKind, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
};
const ARRAY = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array };

/** Number of random cases (of `n`) whose SIMD outputs differ from the reference's. */
function cases(n: number, kinds: IntKind[] = ['int8', 'uint8', 'int16']): number {
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const kind = kinds[k % kinds.length]!;
    const kH = int(1, 3);
    const kW = int(1, 3);
    const strideH = int(1, 3);
    const strideW = int(1, 3);
    const inH = int(1, 12);
    const inW = int(1, 12);
    const padH = int(0, kH - 1);
    const padW = int(0, kW - 1);
    const outH = Math.max(1, Math.floor((inH + 2 * padH - kH) / strideH) + 1);
    const outW = Math.max(1, Math.floor((inW + 2 * padW - kW) / strideW) + 1);
    const s: PoolShape = {
      batches: int(1, 2),
      inH,
      inW,
      outH,
      outW,
      kH,
      kW,
      strideH,
      strideW,
      padH,
      padW,
      channels: int(1, 40),
    };
    const [min, max] = RANGE[kind];
    // Half the cases clamp (a fused activation's range), half keep the dtype's full range.
    const lo = k % 2 ? int(min, 0) : min;
    const hi = k % 2 ? int(lo, max) : max;
    const A = ARRAY[kind];
    const input = new A(s.batches * inH * inW * s.channels);
    for (let i = 0; i < input.length; i++) input[i] = int(min, max);
    const want = new A(s.batches * outH * outW * s.channels);
    maxPoolInt(s, input, want, min, lo, hi, new Int32Array(s.channels));
    const got = new A(want.length).fill(7);
    const run = prepareMaxPoolSimd(kind, s, lo, hi);
    if (!run) throw new Error('no SIMD max pool');
    run(input, got);
    if (got.some((v, i) => v !== want[i])) bad++;
  }
  return bad;
}

describe.runIf(simdAvailable())('WebAssembly SIMD MAX_POOL_2D (issue 16)', () => {
  afterEach(() => setConvModuleForTest(null));

  it('equals maxPoolInt on int8, uint8 and int16: 300 random geometries, padding, 1-40 channels, clamps', () => {
    expect(cases(300)).toBe(0);
  });

  it('an int8 walk comparing unsigned fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule('(i8x16.max_s (local.get $m)', '(i8x16.max_u (local.get $m)'),
    );
    expect(cases(60, ['int8'])).toBeGreaterThan(30);
  });

  it('an int8 walk skipping the last column of each window fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(br_if $xd (i32.ge_s (local.get $x) (local.get $x1)))',
        '(br_if $xd (i32.ge_s (i32.add (local.get $x) (i32.const 1)) (local.get $x1)))',
      ),
    );
    expect(cases(60, ['int8'])).toBeGreaterThan(20);
  });
});

/** Number of random float32 cases (of `n`) differing from maxPoolFloat, with NaN, infinities and signed zeros among the inputs. */
function floatCases(n: number): number {
  let bad = 0;
  const special = [NaN, Infinity, -Infinity, 0, -0, -3.4028234663852886e38];
  const ranges: [number, number][] = [
    [-Infinity, Infinity],
    [0, Infinity],
    [-1, 1],
    [0, 6],
  ];
  for (let k = 0; k < n; k++) {
    const kH = int(1, 3);
    const kW = int(1, 3);
    const inH = int(1, 10);
    const inW = int(1, 10);
    const padH = int(0, kH - 1);
    const padW = int(0, kW - 1);
    const strideH = int(1, 2);
    const strideW = int(1, 2);
    const s: PoolShape = {
      batches: int(1, 2),
      inH,
      inW,
      outH: Math.max(1, Math.floor((inH + 2 * padH - kH) / strideH) + 1),
      outW: Math.max(1, Math.floor((inW + 2 * padW - kW) / strideW) + 1),
      kH,
      kW,
      strideH,
      strideW,
      padH,
      padW,
      channels: int(1, 20),
    };
    const [lo, hi] = ranges[k % 4]!;
    const input = new Float32Array(s.batches * inH * inW * s.channels);
    for (let i = 0; i < input.length; i++)
      input[i] = int(0, 9) === 0 ? special[int(0, special.length - 1)]! : (int(-3000, 3000) / 1000) * 3;
    const want = new Float32Array(s.batches * s.outH * s.outW * s.channels);
    maxPoolFloat(s, input, want, -3.4028234663852886e38, lo, hi);
    const got = new Float32Array(want.length).fill(7);
    prepareMaxPoolSimd('float32', s, lo, hi)!(input, got);
    if (got.some((v, i) => !Object.is(v, want[i]))) bad++;
  }
  return bad;
}

describe.runIf(simdAvailable())('WebAssembly SIMD MAX_POOL_2D, float32 (issue 16)', () => {
  afterEach(() => setConvModuleForTest(null));

  it('equals maxPoolFloat bit for bit (NaN, infinities, signed zeros): 200 random geometries, 4 fused ranges', () => {
    expect(floatCases(200)).toBe(0);
  });

  it('a float walk using f32x4.max (NaN-propagating) fails the comparison', async () => {
    setConvModuleForTest(await brokenConvModule('(f32x4.pmax (local.get $m)', '(f32x4.max (local.get $m)'));
    expect(floatCases(100)).toBeGreaterThan(20);
  });
});

/**
 * Number of random int8/uint8 AVERAGE_POOL_2D cases (of `n`) differing from averagePoolInt: windows
 * up to 5x5 (counts whose halves round), padding, global pools, 1-40 channels, clamps.
 */
function averageCases(n: number, kinds: ('int8' | 'uint8')[] = ['int8', 'uint8']): number {
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const kind = kinds[k % kinds.length]!;
    const inH = int(1, 9);
    const inW = int(1, 9);
    const global = k % 5 === 0;
    const kH = global ? inH : int(1, 5);
    const kW = global ? inW : int(1, 5);
    const strideH = int(1, 3);
    const strideW = int(1, 3);
    const padH = global ? 0 : int(0, kH - 1);
    const padW = global ? 0 : int(0, kW - 1);
    const s: PoolShape = {
      batches: int(1, 2),
      inH,
      inW,
      outH: Math.max(1, Math.floor((inH + 2 * padH - kH) / strideH) + 1),
      outW: Math.max(1, Math.floor((inW + 2 * padW - kW) / strideW) + 1),
      kH,
      kW,
      strideH,
      strideW,
      padH,
      padW,
      channels: int(1, 40),
    };
    const [min, max] = RANGE[kind];
    const lo = k % 2 ? int(min, 0) : min;
    const hi = k % 2 ? int(lo, max) : max;
    const A = ARRAY[kind];
    const input = new A(s.batches * inH * inW * s.channels);
    for (let i = 0; i < input.length; i++) input[i] = int(min, max);
    const want = new A(s.batches * s.outH * s.outW * s.channels);
    averagePoolInt(s, input, want, lo, hi, kind === 'uint8', new Float64Array(s.channels));
    const got = new A(want.length).fill(7);
    prepareAvgPoolSimd(kind, s, lo, hi)!(input, got);
    if (got.some((v, i) => v !== want[i])) bad++;
  }
  return bad;
}

describe.runIf(simdAvailable())('WebAssembly SIMD AVERAGE_POOL_2D, int8 and uint8 (issue 16)', () => {
  afterEach(() => setConvModuleForTest(null));

  it('equals averagePoolInt bit for bit: 300 random geometries (padding, global pools, clamps)', () => {
    expect(averageCases(300)).toBe(0);
  });

  it('a walk rounding negative sums as positive ones fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(v128.bitselect (local.get $half) (i32x4.neg (local.get $half))',
        '(v128.bitselect (local.get $half) (local.get $half)',
      ),
    );
    expect(averageCases(60, ['int8'])).toBeGreaterThan(20);
  });

  it('a walk sign-extending channels 8-15 of each sixteen uint8 values fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(local.set $w (i16x8.extend_high_i8x16_u (local.get $v)))',
        '(local.set $w (i16x8.extend_high_i8x16_s (local.get $v)))',
      ),
    );
    expect(averageCases(60, ['uint8'])).toBeGreaterThan(20);
  });
});
