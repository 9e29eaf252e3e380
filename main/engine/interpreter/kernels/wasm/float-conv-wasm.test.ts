/**
 * Issue 16: the WebAssembly SIMD float32 kernels (conv.wat's conv_f32, dw_f32, conv_f, dw_f,
 * finish_f, fc_f via float-conv-wasm.ts) against the TypeScript reference kernels on random geometries
 * (strides, padding, dilation, depth multipliers, batches, odd channel counts, fused activations)
 * with NaN, infinities and signed zeros among the inputs: the double-sum kernels (FULLY_CONNECTED,
 * and CONV_2D / DEPTHWISE_CONV_2D with 'f64' sums) bit for bit; the float32-sum kernels (the
 * default for CONV_2D and DEPTHWISE_CONV_2D) within float32 rounding of each dot product. A broken
 * build of conv.wat must fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { brokenConvModule, randomWindowShape } from '../../../../../test/support/conv-wasm';
import { runKernel } from '../../../../../test/support/kernel-runner';

import { conv2dFloat, tapMajorWeights } from '../conv_2d';
import { depthwiseFloat, type DepthwiseShape } from '../depthwise_conv_2d';
import { kernel as fullyConnectedReference } from '../fully_connected';
import { setConvModuleForTest } from './conv-module';
import { prepareConvFloatSimd, prepareDepthwiseFloatSimd, type FloatSums } from './float-conv-wasm';
import { fullyConnectedSimd } from './simd-kernels';

let seed = 314159;
const rnd = () => (seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 3.4e38, -1e-45];
/** Without 3.4e38, whose products overflow float32 sums but not double ones. */
const SPECIAL_F32 = SPECIAL.filter((v) => v !== 3.4e38);

/** Mostly ordinary values; with `special`, one in 50 from SPECIAL (SPECIAL_F32 for f32 sums). */
function values(n: number, special: boolean, sums: FloatSums = 'f64'): Float32Array {
  const pool = sums === 'f32' ? SPECIAL_F32 : SPECIAL;
  return Float32Array.from({ length: n }, () =>
    special && rnd() < 0.02 ? pool[int(0, pool.length - 1)] : (rnd() * 2 - 1) * 4,
  );
}

/**
 * With 'f64' sums, equal bits. With 'f32' sums, the same NaNs and infinities, and each finite
 * output within (terms + 2) float32 half-ulps of the sum of |products| (`magnitude`: the
 * reference run on absolute values), the bound of summing `terms` float32 products in float32.
 */
function agrees(
  sums: FloatSums,
  got: Float32Array,
  want: Float32Array,
  magnitude: Float32Array,
  terms: number,
): boolean {
  if (sums === 'f64') return sameBits(got, want);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i], want[i]];
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      if (!Object.is(g, w)) return false;
      continue;
    }
    if (!(Math.abs(g - w) <= (terms + 2) * 2 ** -24 * magnitude[i] * 1.001)) return false;
  }
  return true;
}

const abs = (x: Float32Array) => x.map(Math.abs);

/**
 * Runs `f` on its own random stream (seeded by `own`), leaving the shared one where it was, so
 * the float32-sum cases do not change which cases the bit-for-bit tests draw.
 */
function ownStream<T>(own: number, f: () => T): T {
  const saved = seed;
  seed = own;
  try {
    return f();
  } finally {
    seed = saved;
  }
}

const randomShape = (inC: number, outC: number, kC: number) =>
  randomWindowShape(int, { inC, outC, kC }, 8, 5);

const ACTIVATIONS: [number, number][] = [
  [-Infinity, Infinity],
  [0, Infinity],
  [-1, 1],
  [0, 6],
];

/** Equal as float32 bit patterns (NaN payloads included). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return (
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

function convCases(cases: number, sums: FloatSums, maxOutC = 21): number {
  let bad = 0;
  for (let k = 0; k < cases; k++) {
    const inC = int(1, 19);
    const s = randomShape(inC, int(1, maxOutC), inC);
    const filter = values(s.outC * s.kH * s.kW * inC, false);
    const bias = k % 5 === 0 ? null : Float64Array.from(values(s.outC, false));
    const [lo, hi] = ACTIVATIONS[k % 4];
    const input = values(s.batches * s.inH * s.inW * inC, k % 2 === 1, sums);
    const n = s.batches * s.outH * s.outW * s.outC;
    const reference = (x: Float32Array, w: Float32Array, b: Float64Array | null, a: number, z: number) => {
      const out = new Float32Array(n);
      const tapMajor = tapMajorWeights(s, w, 0, new Float32Array(w.length));
      conv2dFloat(s, x, tapMajor, b, out, a, z, new Float64Array(s.outC));
      return out;
    };
    const want = reference(input, filter, bias, lo, hi);
    const magnitude = reference(abs(input), abs(filter), bias && bias.map(Math.abs), -Infinity, Infinity);
    const got = new Float32Array(n);
    prepareConvFloatSimd(s, filter, bias, lo, hi, sums)!(input, got);
    if (!agrees(sums, got, want, magnitude, s.kH * s.kW * inC + 1)) bad++;
  }
  return bad;
}

function depthwiseCases(cases: number, sums: FloatSums): number {
  let bad = 0;
  for (let k = 0; k < cases; k++) {
    const inC = int(1, 17);
    const dm = int(1, 3);
    const s: DepthwiseShape = { ...randomShape(inC, inC * dm, 1), depthMultiplier: dm };
    const filter = values(s.kH * s.kW * s.outC, false);
    const bias = k % 5 === 0 ? null : Float64Array.from(values(s.outC, false));
    const [lo, hi] = ACTIVATIONS[k % 4];
    const input = values(s.batches * s.inH * s.inW * inC, k % 2 === 1, sums);
    const n = s.batches * s.outH * s.outW * s.outC;
    const reference = (x: Float32Array, w: Float32Array, b: Float64Array | null, a: number, z: number) => {
      const out = new Float32Array(n);
      depthwiseFloat(s, x, w, b, out, a, z, new Float64Array(s.outC));
      return out;
    };
    const want = reference(input, filter, bias, lo, hi);
    const magnitude = reference(abs(input), abs(filter), bias && bias.map(Math.abs), -Infinity, Infinity);
    const got = new Float32Array(n);
    prepareDepthwiseFloatSimd(s, dm, filter, bias, lo, hi, sums)!(input, got);
    if (!agrees(sums, got, want, magnitude, s.kH * s.kW + 1)) bad++;
  }
  return bad;
}

function fullyConnectedCases(cases: number): number {
  let bad = 0;
  for (let k = 0; k < cases; k++) {
    const [batches, units, depth] = [int(1, 3), int(1, 37), int(1, 70)];
    const spec = {
      op: 'FULLY_CONNECTED' as const,
      options: { fusedActivationFunction: k % 4 },
      inputs: [
        { dtype: 'float32' as const, shape: [batches, depth], data: values(batches * depth, k % 2 === 1) },
        { dtype: 'float32' as const, shape: [units, depth], data: values(units * depth, false) },
        k % 5 === 0 ? null : { dtype: 'float32' as const, shape: [units], data: values(units, false) },
      ],
      outputs: [{ dtype: 'float32' as const, shape: [batches, units] }],
    };
    const want = runKernel(fullyConnectedReference, spec).outputs[0].data as Float32Array;
    const got = runKernel(fullyConnectedSimd, spec).outputs[0].data as Float32Array;
    if (!sameBits(got, want)) bad++;
  }
  return bad;
}

afterEach(() => setConvModuleForTest(null));

describe('WebAssembly SIMD float32 kernels (issue 16)', () => {
  it('CONV_2D with double sums equals conv2dFloat bit for bit, NaN/Inf/-0 inputs included, 300 random geometries', () => {
    expect(convCases(300, 'f64')).toBe(0);
  });

  it('CONV_2D with float32 sums (the default) is within float32 rounding of conv2dFloat, 300 random geometries', () => {
    expect(ownStream(27182, () => convCases(300, 'f32', 37))).toBe(0);
  });

  it('DEPTHWISE_CONV_2D with double sums equals depthwiseFloat bit for bit, depth multipliers 1-3, 300 random geometries', () => {
    expect(depthwiseCases(300, 'f64')).toBe(0);
  });

  it('DEPTHWISE_CONV_2D with float32 sums (the default) is within float32 rounding of depthwiseFloat, 300 random geometries', () => {
    expect(ownStream(16180, () => depthwiseCases(300, 'f32'))).toBe(0);
  });

  it('FULLY_CONNECTED equals the reference kernel bit for bit, with and without bias, every activation', () => {
    expect(fullyConnectedCases(120)).toBe(0);
  });

  it('keeps the reference kernel when a weight is not finite (zero padding would add 0 x Inf = NaN)', () => {
    const s = randomShape(3, 2, 3);
    const filter = values(2 * s.kH * s.kW * 3, false);
    filter[1] = Infinity;
    expect(prepareConvFloatSimd(s, filter, null, -Infinity, Infinity)).toBeNull();
  });

  it('a conv_f reading the wrong weights for the last two of each eight channels fails', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(v128.load offset=48 align=8 (local.get $wptr))',
        '(v128.load offset=32 align=8 (local.get $wptr))',
      ),
    );
    expect(convCases(40, 'f64')).toBeGreaterThan(15);
  });

  it('an fc_f summing the wrong products into units 6 and 7 of each eight fails', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $xv)',
        '(local.set $a3 (f64x2.add (local.get $a2) (f64x2.mul (local.get $xv)',
      ),
    );
    expect(fullyConnectedCases(40)).toBeGreaterThan(15);
  });

  it('an fc_f without the rounding to float32 before the bias fails', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(f64.promote_f32 (f32.demote_f64 (f64.load (i32.add (local.get $acc) (i32.shl (local.get $k) (i32.const 3))))))',
        '(f64.load (i32.add (local.get $acc) (i32.shl (local.get $k) (i32.const 3))))',
      ),
    );
    expect(fullyConnectedCases(40)).toBeGreaterThan(0);
  });

  it('a conv_f32 reading the wrong weights for the last four of each sixteen channels fails', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(v128.load offset=48 align=4 (local.get $wptr))',
        '(v128.load offset=32 align=4 (local.get $wptr))',
      ),
    );
    expect(ownStream(14142, () => convCases(40, 'f32', 37))).toBeGreaterThan(15);
  });

  it('a dw_f32 reading channels 0-3 for channels 4-7 of each group of eight fails', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(v128.load offset=16 align=4 (local.get $p))',
        '(v128.load align=4 (local.get $p))',
      ),
    );
    expect(ownStream(17320, () => depthwiseCases(40, 'f32'))).toBeGreaterThan(15);
  });

  it('a dw_f reading channels 0-1 for channels 2-3 of each group of eight fails', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(v128.load64_zero offset=8 align=4 (local.get $p))',
        '(v128.load64_zero align=4 (local.get $p))',
      ),
    );
    expect(depthwiseCases(40, 'f64')).toBeGreaterThan(15);
  });

  it('a finish_f32 that clamps to (hi, lo) instead of (lo, hi) fails', async () => {
    setConvModuleForTest(
      await brokenConvModule('(local.get $vlo)) (local.get $vhi)))', '(local.get $vhi)) (local.get $vlo)))'),
    );
    expect(ownStream(31415, () => depthwiseCases(40, 'f32'))).toBeGreaterThan(15);
  });

  it('a finish_f that moves each sum by 1e-7 before rounding to float32 fails', async () => {
    setConvModuleForTest(
      await brokenConvModule(
        '(f32.store (local.get $out) (f32.demote_f64 (local.get $v)))',
        '(f32.store (local.get $out) (f32.demote_f64 (f64.add (local.get $v) (f64.const 1e-7))))',
      ),
    );
    expect(convCases(40, 'f64')).toBeGreaterThan(20);
  });
});
