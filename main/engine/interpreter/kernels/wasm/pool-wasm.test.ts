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
function cases(n: number, kinds: IntKind[] = ['int8', 'uint8', 'int16'], twoByTwo = false): number {
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const kind = kinds[k % kinds.length]!;
    let kH = int(1, 3);
    let kW = int(1, 3);
    const strideH = int(1, 3);
    const strideW = int(1, 3);
    let inH = int(1, 12);
    let inW = int(1, 12);
    let padH = int(0, kH - 1);
    let padW = int(0, kW - 1);
    let outH = Math.max(1, Math.floor((inH + 2 * padH - kH) / strideH) + 1);
    let outW = Math.max(1, Math.floor((inW + 2 * padW - kW) / strideW) + 1);
    if (twoByTwo) {
      // 2x2 windows all inside the input (no padding): maxpool2_8 for 8-bit data
      [kH, kW, padH, padW] = [2, 2, 0, 0];
      [inH, inW] = [Math.max(inH, 2), Math.max(inW, 2)];
      outH = Math.floor((inH - 2) / strideH) + 1;
      outW = Math.floor((inW - 2) / strideW) + 1;
    }
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

  it('equals maxPoolInt on int8 and uint8 with 2x2 windows inside the input (maxpool2_8): 200 random geometries', () => {
    expect(cases(200, ['int8', 'uint8'], true)).toBe(0);
  });

  const maxpool2Mutants: [string, string, string, IntKind[]][] = [
    [
      'reads uint8 without the xor (compares them as int8)',
      '(local.set $f (i8x16.splat (local.get $flip)))',
      '(local.set $f (i8x16.splat (i32.const 0)))',
      ['uint8'],
    ],
    [
      "takes the bottom-right tap from the bottom-left's column",
      '(v128.xor (v128.load align=1 (i32.add (i32.add (local.get $p) (local.get $row)) (local.get $cb)))',
      '(v128.xor (v128.load align=1 (i32.add (i32.add (local.get $p) (local.get $row)) (i32.const 0)))',
      ['int8'],
    ],
    [
      'leaves out the clamp to hi',
      '(v128.xor (i8x16.min_s (i8x16.max_s (local.get $m) (local.get $vlo)) (local.get $vhi)) (local.get $f))',
      '(v128.xor (i8x16.max_s (local.get $m) (local.get $vlo)) (local.get $f))',
      ['int8', 'uint8'],
    ],
    [
      'steps one channel too few between pixels',
      '(local.set $colStep (i32.mul (local.get $strideW) (local.get $cb)))',
      '(local.set $colStep (i32.sub (i32.mul (local.get $strideW) (local.get $cb)) (i32.const 1)))',
      ['int8', 'uint8'],
    ],
  ];
  for (const [what, from, to, kinds] of maxpool2Mutants)
    it(`a maxpool2_8 that ${what} fails the comparison`, async () => {
      setConvModuleForTest(await brokenConvModule(from, to));
      expect(cases(60, kinds, true)).toBeGreaterThan(10);
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
