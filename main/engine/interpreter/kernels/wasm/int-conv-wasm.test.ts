/**
 * Issue 16: the WebAssembly SIMD integer kernels (conv.wat via int-conv-wasm.ts) against the
 * TypeScript reference kernels, bit for bit, on random geometries: strides, padding, dilation,
 * depth multipliers, batches, channel counts that are not multiples of 4, 8 or 16, per-tensor
 * and per-channel requantization, int8, uint8 and 16x8 (int32 bias). A deliberately broken build
 * of conv.wat must fail the same comparisons.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConvShape } from '../common/conv';
import {
  intArray,
  intRange,
  randomConvRequant,
  type IntKind,
} from '../../../../../test/support/int-conv-case';
import { brokenConvModule, compileConvWat, randomWindowShape } from '../../../../../test/support/conv-wasm';
import { runKernel } from '../../../../../test/support/kernel-runner';

import { conv2dQuant, convIntScratch } from '../common/conv-2d-int';
import { depthwiseIntScratch, depthwiseQuant, type DepthwiseShape } from '../depthwise_conv_2d';
import { kernel as fullyConnectedReference } from '../fully_connected';
import { tapMajorWeights } from '../conv_2d';
import { WASM_BASE64 } from './conv-wasm.generated';
import { setConvModuleForTest, simdAvailable } from './conv-module';
import { prepareConvSimd, prepareDepthwiseSimd } from './int-conv-wasm';
import { fullyConnectedSimd } from './simd-kernels';

let seed = 161803;
const rnd = () => (seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

/** Runs `f` on its own random stream, leaving the shared one where it was (the other tests draw the same cases). */
function ownStream<T>(own: number, f: () => T): T {
  const saved = seed;
  seed = own;
  try {
    return f();
  } finally {
    seed = saved;
  }
}

/** One, three or five input channels: with dilation 1 along x and more than one tap, im2col then conv_i. */
const fewChannels = { kinds: ['int8', 'uint8', 'int16'] as const, inC: () => 2 * int(0, 2) + 1 };

/** 8-bit kinds with 4, 8, 12, ... 40 output channels: conv_iq requantizes in registers. */
const sixteens = { kinds: ['int8', 'uint8'] as const, inC: () => int(1, 20), outC: () => 4 * int(1, 10) };

/**
 * 8-bit kinds with one to four input channels and 1-21 output channels: with valid windows of at
 * most sixteen values, conv_d8q.
 */
const smallWindows = { kinds: ['int8', 'uint8'] as const, inC: () => int(1, 4), outC: () => int(1, 21) };

/** smallWindows' 3x3 windows of one input channel (fashion_cnn's first layer: nine values). */
const oneChannel3x3 = { ...smallWindows, inC: () => 1, k3x3: true };

/** Windows of 4-8 rows of one or two channels (conv_d8q's loop past the three unrolled rows). */
const tallWindows = { ...smallWindows, inC: () => int(1, 2), kH: () => int(4, 8) };

/** 8-bit kinds with 8, 16 or 24 input channels: the inputs pack8 widens row by row. */
const packedRows = { kinds: ['int8', 'uint8'] as const, inC: () => 8 * int(1, 3) };

const randomShape = (inC: number, outC: number, kC: number) =>
  randomWindowShape(int, { inC, outC, kC }, 9, 6);

function randomInput(kind: IntKind, n: number) {
  const [lo, hi] = intRange(kind);
  const x = intArray(kind, n);
  // A third zeros after the offset would be lost in noise; zero points are drawn separately.
  for (let i = 0; i < n; i++) x[i] = int(lo, hi);
  return x;
}

const randomWeights = (kind: IntKind, n: number) =>
  Array.from({ length: n }, () => (kind === 'uint8' ? int(0, 255) : int(-127, 127)));

/** First differing index of two outputs, or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : a.length;
}

/**
 * A right shift of 14-16 on the last channel (no extra random draws): requant_q takes right
 * shifts up to 13, so the layer is requantized by requant_v (the other channels keep their
 * shifts, so per-tensor layers still share one shift in every block of four but the last).
 */
function widenLastShift(shifts: Int32Array, k: number): void {
  shifts[shifts.length - 1] = Math.min(shifts[shifts.length - 1], -14 - (k % 3));
}

/**
 * No padding and every window inside the input (TFLite's VALID; the output as large as fits):
 * 8-bit inputs with few channels are then unfolded from the raw input (im2col8). No random draws.
 */
function fitWindows(s: ConvShape): void {
  s.padH = 0;
  s.padW = 0;
  s.inH = Math.max(s.inH, (s.kH - 1) * s.dilationH + 1);
  s.inW = Math.max(s.inW, (s.kW - 1) * s.dilationW + 1);
  s.outH = Math.floor((s.inH - (s.kH - 1) * s.dilationH - 1) / s.strideH) + 1;
  s.outW = Math.floor((s.inW - (s.kW - 1) * s.dilationW - 1) / s.strideW) + 1;
}

/** Runs `cases` random CONV_2D cases; returns how many differ from the reference. */
function convCases(
  cases: number,
  draw: {
    kinds: readonly IntKind[];
    inC: () => number;
    outC?: () => number;
    k3x3?: boolean;
    kH?: () => number;
  } = {
    kinds: ['int8', 'uint8', 'int16'],
    inC: () => int(1, 20),
  },
  wideShift = false,
  valid = false,
): number {
  let bad = 0;
  for (let k = 0; k < cases; k++) {
    const kind = draw.kinds[k % draw.kinds.length];
    const inC = draw.inC();
    const s = randomShape(inC, draw.outC ? draw.outC() : int(1, 21), inC);
    if (draw.k3x3) [s.kH, s.kW] = [3, 3];
    if (draw.kH) s.kH = draw.kH();
    if (valid) fitWindows(s);
    const filterOffset = kind === 'uint8' ? -int(0, 255) : 0;
    const raw = randomWeights(kind, s.outC * s.kH * s.kW * s.kC);
    const { q, bias } = randomConvRequant(int, kind, s.outC, filterOffset, k);
    if (k % 4 === 1) {
      // per-tensor: one multiplier and shift for every channel
      q.multipliers.fill(q.multipliers[0]);
      q.shifts.fill(q.shifts[0]);
    }
    if (wideShift) widenLastShift(q.shifts, k);
    const input = randomInput(kind, s.batches * s.inH * s.inW * s.inC);
    const n = s.batches * s.outH * s.outW * s.outC;
    const want = intArray(kind, n);
    const weights = tapMajorWeights(s, raw, filterOffset, new Float32Array(raw.length));
    conv2dQuant(s, input, weights, bias, want, q, convIntScratch(s));
    const got = intArray(kind, n);
    prepareConvSimd(kind, s, raw, filterOffset, q.inputOffset, bias, q)!(input, got);
    if (firstDifference(got, want) >= 0) bad++;
  }
  return bad;
}

/**
 * Rounding ties and left shifts, which random multipliers rarely reach: a 1x1 int8 convolution of
 * one input channel (every int8 value, weight 1, multiplier 2^31 - 1 so the high product is the
 * accumulator itself) into `outC` channels (7: requant_q; 8: conv_iq) with shifts -1, -2, +1, -3,
 * ..., so that half the accumulators lie exactly halfway between two outputs. Returns how many
 * outputs differ from the reference (0 for a correct kernel). No random draws.
 */
function tieCase(outC: 7 | 8, kW: 1 | 2 = 1): number {
  const s: ConvShape = {
    batches: 1,
    inH: 16,
    inW: 15 + kW,
    inC: 1,
    outH: 16,
    outW: 16,
    outC,
    kH: 1,
    kW,
    kC: 1,
    strideH: 1,
    strideW: 1,
    dilationH: 1,
    dilationW: 1,
    padH: 0,
    padW: 0,
  };
  const q = {
    inputOffset: 0,
    filterOffset: 0,
    outputOffset: 3,
    multipliers: new Int32Array(outC).fill(2147483647),
    shifts: Int32Array.from([-1, -2, 1, -3, -1, -2, 1, -3].slice(0, outC)),
    actMin: -128,
    actMax: 127,
  };
  const input = Int8Array.from({ length: 16 * s.inW }, (_v, i) => (i % 256) - 128);
  // with kW = 2 the second tap's weight is 0 (conv_d8q: a window of two values)
  const raw = Array.from({ length: outC * kW }, (_v, i) => (i % kW === 0 ? 1 : 0));
  const want = new Int8Array(256 * outC);
  conv2dQuant(
    s,
    input,
    tapMajorWeights(s, raw, 0, new Float32Array(raw.length)),
    null,
    want,
    q,
    convIntScratch(s),
  );
  const got = new Int8Array(256 * outC);
  prepareConvSimd('int8', s, raw, 0, 0, null, q)!(input, got);
  let bad = 0;
  for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) bad++;
  return bad;
}

/** Runs `cases` random DEPTHWISE_CONV_2D cases; returns how many differ from the reference. */
function depthwiseCases(cases: number, wideShift = false): number {
  let bad = 0;
  for (let k = 0; k < cases; k++) {
    const kind = (['int8', 'uint8'] as const)[k % 2];
    const inC = int(1, 19);
    const dm = int(1, 3);
    const s: DepthwiseShape = { ...randomShape(inC, inC * dm, 1), depthMultiplier: dm };
    const filterOffset = kind === 'uint8' ? -int(0, 255) : 0;
    const raw = randomWeights(kind, s.kH * s.kW * s.outC);
    const { q, bias } = randomConvRequant(int, kind, s.outC, filterOffset, k);
    if (k % 4 === 1) {
      // one shift for every channel: requant_v's four-at-a-time path (no extra random draws)
      q.shifts.fill(q.shifts[0]);
    }
    if (wideShift) widenLastShift(q.shifts, k);
    const input = randomInput(kind, s.batches * s.inH * s.inW * s.inC);
    const n = s.batches * s.outH * s.outW * s.outC;
    const want = intArray(kind, n);
    const weights = Float32Array.from(raw, (w) => w + filterOffset);
    depthwiseQuant(s, input, weights, bias, want, q, false, depthwiseIntScratch(s));
    const got = intArray(kind, n);
    prepareDepthwiseSimd(kind, s, dm, raw, filterOffset, q.inputOffset, bias, q)!(input, got);
    if (firstDifference(got, want) >= 0) bad++;
  }
  return bad;
}

/** Runs `cases` random FULLY_CONNECTED ops through both kernels; returns how many differ. */
function fullyConnectedCases(cases: number, outScale = 1, maxDepth = 70, int8Weights = false): number {
  let bad = 0;
  for (let k = 0; k < cases; k++) {
    const kind = (['int8', 'uint8'] as const)[k % 2];
    const [batches, units, depth] = [int(1, 3), int(1, 37), int(1, maxDepth)];
    const perChannel = kind === 'int8' && k % 4 === 0;
    // int8Weights: uint8 weights within 128 of their zero point (weights plus offset fit int8: fc_i8)
    const wZp = int8Weights && kind === 'uint8' ? int(0, 255) : undefined;
    const spec = {
      op: 'FULLY_CONNECTED' as const,
      options: { fusedActivationFunction: k % 3 === 0 ? 1 : 0 },
      inputs: [
        {
          dtype: kind,
          shape: [batches, depth],
          data: randomInput(kind, batches * depth),
          quant: { axis: 0, scale: [0.05], zeroPoint: [kind === 'uint8' ? int(0, 255) : int(-128, 127)] },
        },
        {
          dtype: kind,
          shape: [units, depth],
          data:
            wZp === undefined
              ? randomWeights(kind, units * depth)
              : Array.from({ length: units * depth }, () =>
                  int(Math.max(0, wZp - 128), Math.min(255, wZp + 127)),
                ),
          quant: {
            axis: 0,
            scale: perChannel ? Array.from({ length: units }, () => 0.001 + rnd() * 0.02) : [0.01],
            zeroPoint: perChannel
              ? new Array<number>(units).fill(0)
              : [kind === 'uint8' ? (wZp ?? int(0, 255)) : 0],
          },
        },
        k % 5 === 0
          ? null
          : {
              dtype: 'int32' as const,
              shape: [units],
              data: Array.from({ length: units }, () => int(-5000, 5000)),
            },
      ],
      outputs: [
        {
          dtype: kind,
          shape: [batches, units],
          quant: {
            axis: 0,
            scale: [(0.2 + rnd()) * outScale],
            zeroPoint: [int(-10, 10) + (kind === 'uint8' ? 128 : 0)],
          },
        },
      ],
    };
    const want = runKernel(fullyConnectedReference, spec).outputs[0].data as Int8Array | Uint8Array;
    const got = runKernel(fullyConnectedSimd, spec).outputs[0].data as Int8Array | Uint8Array;
    if (firstDifference(got, want) >= 0) bad++;
  }
  return bad;
}

afterEach(() => setConvModuleForTest(null));

describe('WebAssembly SIMD integer kernels (issue 16)', () => {
  it('are available on Node 20 (otherwise the comparisons below would test the fallback only)', () => {
    expect(simdAvailable()).toBe(true);
  });

  it('CONV_2D equals conv2dQuant: int8, uint8, 16x8, per-tensor and per-channel, 300 random geometries', () => {
    expect(convCases(300)).toBe(0);
  });

  it('CONV_2D equals conv2dQuant with 8-bit inputs of 8, 16 or 24 channels (pack8), 150 random geometries', () => {
    expect(ownStream(271828, () => convCases(150, packedRows))).toBe(0);
  });

  it('a pack8 that sign-extends uint8 inputs fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(then (i16x8.extend_low_i8x16_u (local.get $x)))',
        '(then (i16x8.extend_low_i8x16_s (local.get $x)))',
      ),
    );
    expect(ownStream(271828, () => convCases(40, packedRows))).toBeGreaterThan(10);
  });

  it('DEPTHWISE_CONV_2D equals depthwiseQuant: int8 and uint8, depth multipliers 1-3, 300 random geometries', () => {
    expect(depthwiseCases(300)).toBe(0);
  });

  it('FULLY_CONNECTED equals the reference kernel: int8 per-tensor and per-channel, uint8, ReLU, no bias', () => {
    expect(fullyConnectedCases(120)).toBe(0);
  });

  it('a conv kernel reading the wrong weights for output channels 12-15 of each sixteen fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(local.set $wv (v128.load offset=48 align=2 (local.get $wptr)))',
        '(local.set $wv (v128.load offset=32 align=2 (local.get $wptr)))',
      ),
    );
    // Only geometries with more than twelve output channels can notice.
    expect(convCases(40)).toBeGreaterThan(5);
  });

  it("a conv kernel summing the second pixel into the first pixel's channels 0-3 fails the comparison", async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (local.get $x) (local.get $wv))))',
        '(local.set $a0 (i32x4.add (local.get $a0) (i32x4.dot_i16x8_s (local.get $y) (local.get $wv))))',
      ),
    );
    expect(convCases(40)).toBeGreaterThan(20);
    // 8-bit FULLY_CONNECTED whose weights fit int8 runs fc_i8: conv_i only takes the uint8 cases
    // whose weights plus offset exceed it (about half), hence twice the cases of the other checks.
    expect(fullyConnectedCases(80)).toBeGreaterThan(10);
  });

  it('a depthwise kernel dropping the upper four channels of each group of eight fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(i32x4.extmul_high_i16x8_s (local.get $x) (local.get $wv))',
        '(i32x4.extmul_low_i16x8_s (local.get $x) (local.get $wv))',
      ),
    );
    expect(depthwiseCases(40)).toBeGreaterThan(10);
  });

  it('a requantization that truncates instead of rounding fails the comparison (four channels at a time)', async () => {
    // Off by one only where the high product's fraction is >= 1/2 and survives the final shift.
    setConvModuleForTest(await brokenConvModule('(i64.const 1073741824)', '(i64.const 0)'));
    expect(convCases(300, undefined, true)).toBeGreaterThan(5);
    expect(depthwiseCases(300, true)).toBeGreaterThan(5);
  });

  it('a requantization of the last channels (outC mod 4, one by one) that drops the bias fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(local.set $a (i32.add (i32.load (local.get $row)) (i32.load (local.get $pp))))',
        '(local.set $a (i32.load (local.get $row)))',
      ),
    );
    expect(convCases(100, undefined, true)).toBeGreaterThan(30);
    expect(depthwiseCases(100, true)).toBeGreaterThan(30);
  });

  it("a conv kernel whose second pixel of each pair reads the first pixel's window fails the comparison", async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(local.set $y (v128.load32_splat (i32.add (local.get $p) (local.get $d))))',
        '(local.set $y (v128.load32_splat (local.get $p)))',
      ),
    );
    expect(convCases(40)).toBeGreaterThan(20);
    // 8-bit FULLY_CONNECTED whose weights fit int8 runs fc_i8: conv_i only takes the uint8 cases
    // whose weights plus offset exceed it (about half), hence twice the cases of the other checks.
    expect(fullyConnectedCases(80)).toBeGreaterThan(10);
  });

  it('a requantization whose common-shift path (four channels sharing one shift) shifts logically fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(then (i32x4.shr_s (local.get $vt) (local.get $e)))',
        '(then (i32x4.shr_u (local.get $vt) (local.get $e)))',
      ),
    );
    // Per-tensor FULLY_CONNECTED always shares one shift; random per-channel shifts sometimes do.
    // Output scales 300 times larger give right shifts above 13 (requant_v).
    expect(convCases(100, undefined, true)).toBeGreaterThan(5);
    expect(depthwiseCases(100, true)).toBeGreaterThan(5);
    expect(fullyConnectedCases(100, 300)).toBeGreaterThan(30);
  });

  it('layers with a right shift above 13 (requant_v rather than requant_q) equal the reference too', () => {
    expect(ownStream(314159, () => convCases(100, undefined, true))).toBe(0);
    expect(ownStream(314159, () => depthwiseCases(100, true))).toBe(0);
    expect(ownStream(314159, () => fullyConnectedCases(60, 300))).toBe(0);
  });

  it('requant_q and conv_iq round ties and apply left shifts as the reference does', () => {
    expect(tieCase(7)).toBe(0);
    expect(tieCase(8)).toBe(0);
  });

  // requant_q (right shifts up to 13): each mutant breaks one step of its lane arithmetic.
  const requantQMutants: [string, string, string][] = [
    [
      'drops the rounding half (H) of channels 0-3 of each eight',
      '(i32x4.add (local.get $t) (v128.load offset=160 align=4 (local.get $p)))',
      '(local.get $t)',
    ],
    [
      'rounds negative values of channels 4-7 as positive ones (N dropped)',
      '(v128.load offset=208 align=4 (local.get $p))',
      '(v128.const i32x4 0 0 0 0)',
    ],
    [
      'uses the multipliers of channels 0-3 for channels 4-7',
      '(local.set $t (v128.load offset=80 align=4 (local.get $p)))',
      '(local.set $t (v128.load offset=64 align=4 (local.get $p)))',
    ],
    [
      'ignores left shifts (channels 0-3)',
      '(then (local.set $a (i32x4.mul (local.get $a) (v128.load offset=32 align=4 (local.get $p))))))',
      '(then (nop)))',
    ],
    [
      'does not clamp the high product of channels 0-3 from above (overflow)',
      '(v128.load offset=128 align=4 (local.get $p))',
      '(v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)',
    ],
  ];
  for (const [what, from, to] of requantQMutants)
    it(`a requant_q that ${what} fails the comparison`, async () => {
      setConvModuleForTest(await brokenConvModule(from, to));
      const differing = tieCase(7) + ownStream(577215, () => convCases(100) + depthwiseCases(100));
      expect(differing).toBeGreaterThan(5);
    });

  it('CONV_2D with one, three or five input channels (im2col unfolding the windows) equals conv2dQuant, 200 random geometries', () => {
    expect(ownStream(141421, () => convCases(200, fewChannels))).toBe(0);
  });

  it('an im2col that lays window rows one value apart fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(local.set $d (i32.add (local.get $d) (local.get $run)))',
        '(local.set $d (i32.add (local.get $d) (i32.const 2)))',
      ),
    );
    expect(ownStream(141421, () => convCases(60, fewChannels))).toBeGreaterThan(5);
  });

  it('CONV_2D without padding, one, three or five input channels (im2col8 from the raw input) equals conv2dQuant', () => {
    expect(ownStream(173205, () => convCases(200, fewChannels, false, true))).toBe(0);
  });

  it('an im2col8 that leaves the input offset out of the first eight values of a window row fails the comparison', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(v128.store align=1 (local.get $d) (i16x8.add (local.get $off)',
        '(v128.store align=1 (local.get $d) (i16x8.add (v128.const i32x4 0 0 0 0)',
      ),
    );
    expect(ownStream(173205, () => convCases(120, fewChannels, false, true))).toBeGreaterThan(15);
  });

  it('CONV_2D int8 and uint8 with 4-40 output channels, multiples of 4 (conv_iq, requantized in registers) equals conv2dQuant, 200 random geometries', () => {
    expect(ownStream(223606, () => convCases(200, sixteens))).toBe(0);
    expect(ownStream(223606, () => convCases(100, sixteens, false, true))).toBe(0);
  });

  const convIqMutants: [string, string, string][] = [
    [
      'reads the requantization parameters of channels 0-15 for channels 16-31',
      '(local.set $qpp (i32.add (local.get $qpp) (i32.const 512)))',
      '(local.set $qpp (i32.add (local.get $qpp) (i32.const 0)))',
    ],
    [
      'stores all sixteen channels of the last block when out_c mod 16 > 0 (over the next pixel)',
      '(then (call $storePart (local.get $out) (local.get $u) (local.get $rem)))',
      '(then (v128.store align=1 (local.get $out) (local.get $u)))',
    ],
    [
      'drops channels 8-11 of the last block when out_c mod 16 = 12',
      '(then (v128.store32_lane align=1 2 (i32.add (local.get $at) (i32.const 8)) (local.get $v)))',
      '(then (nop))',
    ],
    [
      'skips the requantization of channels 8-11 when out_c mod 16 = 12',
      '(i32.gt_u (local.get $rem) (i32.const 8))',
      '(i32.gt_u (local.get $rem) (i32.const 12))',
    ],
    [
      'stores channels 0-3 in place of 8-11 when out_c mod 16 = 12',
      '(v128.store32_lane align=1 2',
      '(v128.store32_lane align=1 0',
    ],
    [
      'stores channels 4-7 in place of 0-3 of the last block when out_c mod 16 = 4',
      '(else (v128.store32_lane align=1 0 (local.get $at) (local.get $v)))',
      '(else (v128.store32_lane align=1 1 (local.get $at) (local.get $v)))',
    ],
    [
      'rounds negative values of channels 4-7 as positive ones (N dropped)',
      '(v128.load offset=208 align=4 (local.get $qpp))',
      '(v128.const i32x4 0 0 0 0)',
    ],
    [
      'ignores left shifts (channels 0-3)',
      '(then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=32 align=4 (local.get $qpp))))))',
      '(then (nop)))',
    ],
    [
      'ends the channel loop of a lone pixel (odd widths) one pair early',
      '(br_if $cs (i32.lt_u (local.get $p) (local.get $cend)))',
      '(br_if $cs (i32.lt_u (i32.add (local.get $p) (i32.const 4)) (local.get $cend)))',
    ],
    [
      'narrows uint8 outputs as signed',
      '(then (i8x16.narrow_i16x8_u (local.get $u) (local.get $t)))',
      '(then (i8x16.narrow_i16x8_s (local.get $u) (local.get $t)))',
    ],
    [
      "stores the second pixel's outputs over the first's",
      '(v128.store align=1 (i32.add (local.get $out) (local.get $rowBytes))',
      '(v128.store align=1 (local.get $out)',
    ],
  ];
  for (const [what, from, to] of convIqMutants)
    it(`a conv_iq that ${what} fails the comparison`, async () => {
      setConvModuleForTest(await brokenConvModule(from, to));
      expect(tieCase(8) + ownStream(223606, () => convCases(100, sixteens))).toBeGreaterThan(5);
    });

  it('CONV_2D int8 and uint8 without padding, windows of at most sixteen values (conv_d8q: gathered from the raw input, requantized in registers) equals conv2dQuant, 200 random geometries', () => {
    expect(ownStream(264575, () => convCases(200, smallWindows, false, true))).toBe(0);
    expect(ownStream(264575, () => convCases(100, smallWindows, true, true))).toBe(0);
    expect(ownStream(264575, () => convCases(100, oneChannel3x3, false, true))).toBe(0);
    expect(ownStream(264575, () => convCases(100, tallWindows, false, true))).toBe(0);
    expect(tieCase(8, 2) + tieCase(7, 2)).toBe(0);
  });

  const convD8qMutants: [string, string, string][] = [
    [
      'reads uint8 inputs without flipping them to int8',
      '(local.set $win (v128.xor (local.get $win) (local.get $mask)))',
      '(nop)',
    ],
    [
      "gathers window row 1 with row 0's index vector",
      '(v128.load offset=16 (local.get $idx))',
      '(v128.load (local.get $idx))',
    ],
    [
      "gathers window rows 4 and on with row 3's index vector",
      '(local.set $ix (i32.add (local.get $ix) (i32.const 16)))',
      '(local.set $ix (i32.add (local.get $ix) (i32.const 0)))',
    ],
    [
      'multiplies window values 8-9 by the weights of values 6-7',
      '(i32x4.dot_i16x8_s (local.get $p4) (v128.load offset=64 (local.get $wp)))',
      '(i32x4.dot_i16x8_s (local.get $p4) (v128.load offset=48 (local.get $wp)))',
    ],
    [
      'stores the third channel of each group of four in place of the fourth',
      '(i8x16.shuffle 0 4 8 12 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $t) (local.get $t))',
      '(i8x16.shuffle 0 4 8 8 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $t) (local.get $t))',
    ],
    [
      'ignores left shifts',
      '(then (local.set $u (i32x4.mul (local.get $u) (v128.load offset=16 (local.get $qpp))))))',
      '(then (nop)))',
    ],
    [
      'never clamps the high product (its sums then overflow where the bias or a left shift is large)',
      '(if (local.get $clamp)',
      '(if (i32.const 0)',
    ],
    [
      'rounds negative values as positive ones (N dropped)',
      '(v128.and (i32x4.shr_s (local.get $t) (i32.const 31)) (v128.load offset=96 (local.get $qpp)))',
      '(v128.const i32x4 0 0 0 0)',
    ],
  ];
  for (const [what, from, to] of convD8qMutants)
    it(`a conv_d8q that ${what} fails the comparison`, async () => {
      setConvModuleForTest(await brokenConvModule(from, to));
      const bad = ownStream(
        264575,
        () =>
          convCases(100, smallWindows, false, true) +
          convCases(40, oneChannel3x3, false, true) +
          convCases(40, tallWindows, false, true),
      );
      expect(tieCase(8, 2) + bad).toBeGreaterThan(5);
    });

  it('FULLY_CONNECTED int8 and uint8 with weights within int8 (fc_i8: int8 weights, raw input) equals the reference kernel, wide depths', () => {
    expect(ownStream(282842, () => fullyConnectedCases(150, 1, 300, true))).toBe(0);
  });

  const fcI8Mutants: [string, string, string][] = [
    [
      'reads uint8 inputs without flipping them to int8',
      '(local.set $xv (v128.xor (v128.load align=1 (local.get $p)) (local.get $mask)))',
      '(local.set $xv (v128.load align=1 (local.get $p)))',
    ],
    [
      'swaps the sums of units 1 and 2 of each group of four',
      '(i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a2))',
      '(i8x16.shuffle 12 13 14 15 4 5 6 7 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a2))',
    ],
    [
      'reads the first batch row for every row',
      '(local.set $x (i32.add (local.get $x) (local.get $depth)))',
      '(local.set $x (i32.add (local.get $x) (i32.const 0)))',
    ],
    [
      'subtracts the products of the upper eight inputs of each chunk of sixteen for the fourth unit',
      '(local.set $a3 (i32x4.add (local.get $a3) (i32x4.add',
      '(local.set $a3 (i32x4.add (local.get $a3) (i32x4.sub',
    ],
  ];
  for (const [what, from, to] of fcI8Mutants)
    it(`an fc_i8 that ${what} fails the comparison`, async () => {
      setConvModuleForTest(await brokenConvModule(from, to));
      expect(ownStream(282842, () => fullyConnectedCases(60, 1, 300, true))).toBeGreaterThan(5);
    });

  it('the generated module is the current conv.wat compiled (run `npm run gen:wasm` after editing it)', async () => {
    expect(Buffer.from(await compileConvWat()).toString('base64')).toBe(WASM_BASE64);
  });
});
