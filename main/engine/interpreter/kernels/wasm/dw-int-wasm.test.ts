/**
 * Issue 16: the fused 8-bit DEPTHWISE_CONV_2D (dw-int-wasm.ts: conv.wat's dw_q, dw_q3, requant4,
 * pack_dm8) against the reference depthwiseQuant, bit for bit, on random geometries (strides,
 * padding, dilation, batches, depth multipliers 1-16, 8-56 output channels, per-channel shifts
 * shared or not, left shifts, int8 and uint8); deliberately broken builds fail the comparison.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  intArray,
  intRange,
  randomConvRequant,
  type IntKind,
} from '../../../../../test/support/int-conv-case';
import { brokenConvModule, randomWindowShape } from '../../../../../test/support/conv-wasm';
import { depthwiseIntScratch, depthwiseQuant, type DepthwiseShape } from '../depthwise_conv_2d';
import { setConvModuleForTest, simdAvailable } from './conv-module';
import { prepareDepthwiseFusedSimd } from './dw-int-wasm';

let seed = 16180339;
const rnd = () => (seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

/**
 * Runs `cases` random cases and returns how many differ from the reference: 3x3 filters (dw_q3)
 * or 1-3 x 1-3 (mostly dw_q), depth multipliers 1, 2, 4 or (dm8) 8, 16.
 */
function cases(n: number, filter3x3: boolean, dm8 = false): number {
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const kind = (['int8', 'uint8'] as const)[k % 2];
    const dm = dm8 ? [8, 16][k % 2]! : [1, 2, 4][k % 3]!;
    const inC = dm >= 8 ? int(1, 3) : (8 / dm) * int(1, dm === 1 ? 7 : 3);
    const s: DepthwiseShape = {
      ...randomWindowShape(int, { inC, outC: inC * dm, kC: 1 }, 9, 6),
      depthMultiplier: dm,
    };
    if (filter3x3) [s.kH, s.kW] = [3, 3];
    const filterOffset = kind === 'uint8' ? -int(0, 255) : 0;
    const raw = Array.from({ length: s.kH * s.kW * s.outC }, () =>
      kind === 'uint8' ? int(0, 255) : int(-127, 127),
    );
    const { q, bias } = randomConvRequant(int, kind, s.outC, filterOffset, k);
    if (k % 4 === 1) q.shifts.fill(q.shifts[0]); // one shift for every channel: the shr_s path
    const [lo, hi] = intRange(kind as IntKind);
    const input = intArray(kind, s.batches * s.inH * s.inW * s.inC);
    for (let i = 0; i < input.length; i++) input[i] = int(lo, hi);
    const n = s.batches * s.outH * s.outW * s.outC;
    const want = intArray(kind, n);
    const weights = Float32Array.from(raw, (w) => w + filterOffset);
    depthwiseQuant(s, input, weights, bias, want, q, false, depthwiseIntScratch(s));
    const got = intArray(kind, n);
    const run = prepareDepthwiseFusedSimd(kind, s, dm, raw, filterOffset, q.inputOffset, bias, q);
    if (!run) throw new Error('no fused depthwise');
    run(input, got);
    if (got.some((v, i) => v !== want[i])) bad++;
  }
  return bad;
}

describe.runIf(simdAvailable())('WebAssembly SIMD fused 8-bit DEPTHWISE_CONV_2D (issue 16)', () => {
  afterEach(() => setConvModuleForTest(null));

  it('dw_q equals depthwiseQuant: 200 random geometries, 8-56 channels, depth multipliers 1, 2, 4', () => {
    expect(cases(200, false)).toBe(0);
  });

  it('dw_q3 (3x3) equals depthwiseQuant: 200 random geometries', () => {
    expect(cases(200, true)).toBe(0);
  });

  it('depth multipliers 8 and 16 (pack_dm8) equal depthwiseQuant: 100 random geometries', () => {
    expect(cases(50, true, true) + cases(50, false, true)).toBe(0);
  });

  it('refuses output channels that are not a multiple of eight (the unfused kernel takes them)', () => {
    const s = { ...randomWindowShape(int, { inC: 12, outC: 12, kC: 1 }, 5, 3), depthMultiplier: 1 };
    const { q, bias } = randomConvRequant(int, 'int8', 12, 0, 1);
    expect(
      prepareDepthwiseFusedSimd('int8', s, 1, new Array(s.kH * s.kW * 12).fill(1), 0, 0, bias, q),
    ).toBeNull();
  });

  const broken: [string, string, string, () => number, number][] = [
    [
      'dw_q requantizing the upper four channels of each eight with the lower four parameters',
      '(call $requant4 (local.get $b) (i32.add (local.get $vp) (i32.const 128))',
      '(call $requant4 (local.get $b) (local.get $vp)',
      () => cases(40, false),
      10,
    ],
    [
      'dw_q dropping the upper four channels of each eight from the sums',
      '(local.set $b (i32x4.add (local.get $b) (i32x4.extmul_high_i16x8_s',
      '(local.set $b (i32x4.add (local.get $b) (i32x4.extmul_low_i16x8_s',
      () => cases(40, false),
      10,
    ],
    [
      'a requant4 truncating instead of rounding',
      '(v128.const i64x2 1073741824 1073741824)',
      '(v128.const i64x2 0 0)',
      () => cases(200, false),
      5,
    ],
    [
      'a requant4 whose per-lane shift rounds to nearest',
      '(f64x2.floor',
      '(f64x2.nearest',
      () => cases(100, false),
      10,
    ],
    [
      'dw_q3 using the upper channels weights for the lower four of the middle tap pair',
      '(local.get $x) (local.get $y)) (local.get $w4))',
      '(local.get $x) (local.get $y)) (local.get $w5))',
      () => cases(40, true),
      20,
    ],
    [
      'dw_q3 weighting the last tap of channels 4-7 with the weights of channels 0-3',
      '(local.get $x) (local.get $x)) (local.get $w9))',
      '(local.get $x) (local.get $x)) (local.get $w8))',
      () => cases(40, true),
      10,
    ],
    [
      'dw_q3 truncating instead of rounding',
      '(local.set $round (v128.const i64x2 1073741824 1073741824))',
      '(local.set $round (v128.const i64x2 0 0))',
      () => cases(300, true),
      5,
    ],
    [
      'dw_q3 reading the wrong per-lane shift scales for channels 6-7 of each eight',
      '(v128.load offset=208 align=8',
      '(v128.load offset=200 align=8',
      () => cases(100, true),
      5,
    ],
    [
      'dw_q3 never applying a left shift (shift 1, one channel in sixteen: mostly saturated either way)',
      '(if (i32.load offset=116 (local.get $vp))',
      '(if (i32.const 0)',
      () => cases(400, true),
      1,
    ],
    [
      'a pack_dm8 sign-extending uint8 inputs',
      '(then (i32.load8_u (local.get $src)))',
      '(then (i32.load8_s (local.get $src)))',
      () => cases(40, true, true),
      10,
    ],
  ];
  for (const [what, from, to, run, atLeast] of broken)
    it(`${what} fails the comparison`, async () => {
      setConvModuleForTest(await brokenConvModule(from, to));
      expect(run()).toBeGreaterThan(atLeast);
    });
});
