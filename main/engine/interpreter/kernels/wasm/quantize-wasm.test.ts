/**
 * The WebAssembly SIMD QUANTIZE (quantize-wasm.ts, conv.wat's quantize_f) against the reference
 * kernel (quantize.ts) on random float32 inputs with ties, NaN, infinities, signed zeros,
 * subnormals and out-of-range values (issue 16): equal bit for bit, and broken builds fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { quantParams, runKernel } from '../../../../../test/support/kernel-runner';
import { brokenConvModule } from '../../../../../test/support/conv-wasm';
import type { Kernel } from '../../types';
import { kernel as quantizeReference } from '../quantize';
import { setConvModuleForTest, simdAvailable } from './conv-module';
import { quantizeSimd } from './quantize-wasm';

let seed = 16021204;
const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

const KINDS = ['int8', 'uint8', 'int16'] as const;
const RANGE = { int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767] } as const;

function run(kernel: Kernel, kind: (typeof KINDS)[number], x: Float32Array, scale: number, zp: number) {
  const r = runKernel(kernel, {
    op: 'QUANTIZE',
    inputs: [{ dtype: 'float32', shape: [x.length], data: x }],
    outputs: [{ dtype: kind, shape: [x.length], quant: quantParams(scale, zp) }],
  });
  return Array.from(r.outputs[0].data as Int8Array);
}

/** A float32 input mixing ordinary values, exact ties x.5 * scale and special values. */
function input(n: number, scale: number, span: number): Float32Array {
  const special = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 3e38, -3e38, 0.5 * scale, -0.5 * scale];
  return Float32Array.from({ length: n }, () => {
    const r = rnd();
    if (r < 0.1) return special[int(0, special.length - 1)]!;
    if (r < 0.4) return (int(-span, span) + 0.5) * scale; // a tie (when exact in float32)
    if (r < 0.5)
      return Math.fround((int(-span, span) + 0.5) * scale) * (1 + (rnd() < 0.5 ? -1 : 1) * 2 ** -23);
    return (rnd() * 2 - 1) * span * 1.2 * scale;
  });
}

/** Number of random cases (of `n`) whose SIMD outputs differ from the reference's. */
function cases(n: number): number {
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const kind = KINDS[k % 3]!;
    const [lo, hi] = RANGE[kind];
    const scale = Math.fround(2 ** int(-12, 2) * (0.5 + rnd()));
    const zp = kind === 'int16' ? 0 : int(lo, hi);
    const x = input(int(1, 70), scale, hi - lo);
    const want = run(quantizeReference, kind, x, scale, zp);
    const got = run(quantizeSimd, kind, x, scale, zp);
    if (got.some((v, i) => v !== want[i])) bad++;
  }
  return bad;
}

describe.runIf(simdAvailable())('WebAssembly SIMD QUANTIZE float32 -> int8/uint8/int16 (issue 16)', () => {
  afterEach(() => setConvModuleForTest(null));

  it('equals the reference kernel on 300 random inputs (ties, NaN, infinities, subnormals, saturation)', () => {
    expect(cases(300)).toBe(0);
  });

  it('quantizes a known vector: ties away from zero, NaN to 0, saturation', () => {
    const x = Float32Array.from([0.25, -0.25, 0.75, -0.75, 100, -100, NaN, Infinity, -Infinity, 0.2]);
    expect(run(quantizeSimd, 'int8', x, 0.5, 1)).toEqual([2, 0, 3, -1, 127, -128, 0, 127, -128, 1]);
  });

  it('a build rounding ties towards zero fails', async () => {
    setConvModuleForTest(await brokenConvModule('(f32x4.ge (f32x4.abs', '(f32x4.gt (f32x4.abs'));
    expect(cases(60)).toBeGreaterThan(0);
  });

  it('a build quantizing NaN to the zero point fails', async () => {
    setConvModuleForTest(
      await brokenConvModule('(f32x4.eq (local.get $v) (local.get $v))', '(v128.const i32x4 -1 -1 -1 -1)'),
    );
    expect(cases(60)).toBeGreaterThan(0);
  });
});
