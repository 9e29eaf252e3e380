/**
 * Issue 16: the TypeScript FULLY_CONNECTED kernels for small operators (fully-connected-small.ts,
 * chosen by size for the default registry) against the reference kernel, bit for bit, on random
 * shapes beyond the size limits too (blocks of four units and the remainder): float32 with NaN,
 * infinities and signed zeros, every fused activation, with and without bias; int8 and uint8,
 * per-tensor and per-channel, biases near the int32 limits so the accumulator wraps. The same
 * comparisons fail on deliberately broken kernels.
 */
import { describe, expect, it } from 'vitest';
import { runKernel, type KernelRunSpec } from '../../../../../test/support/kernel-runner';
import { activationRangeFloat } from '../../../quant/math';
import type { Kernel } from '../../types';
import { kernel as fullyConnectedReference, quantizedFcParams } from '../fully_connected';
import { fullyConnectedBySize } from '../../kernels/wasm/simd-kernels';
import { fusedActivation } from './kernel-util';
import { fcGeometry } from './fully-connected-geometry';
import { smallFcFloat, smallFcInt, smallFullyConnected, tableFcInt } from './fully-connected-small';

let seed = 271828;
const rnd = () => (seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 3.4e38, -1e-45];

const floatValues = (n: number, special: boolean) =>
  Float32Array.from({ length: n }, () =>
    special && rnd() < 0.05 ? SPECIAL[int(0, SPECIAL.length - 1)] : (rnd() * 2 - 1) * 4,
  );

/** The small kernels behind the Kernel interface (the reference prepare checks and sets shapes). */
function smallKernel(breakIt = false, table = false): Kernel {
  return {
    prepare(ctx) {
      fullyConnectedReference.prepare(ctx);
      const input = ctx.input(0);
      const weights = ctx.input(1);
      const bias = ctx.inputs[2] ?? null;
      const out = ctx.output(0);
      const g = fcGeometry(ctx, input, weights, bias, out);
      if (input.dtype === 'float32') {
        const [lo, hi] = activationRangeFloat(fusedActivation(ctx));
        const w = Float32Array.from(weights.data as Float32Array);
        if (breakIt) w[w.length - 1] = Math.fround(w[w.length - 1] * (1 + 2 ** -20));
        return smallFcFloat(g, input, w, bias ? (bias.data as Float32Array) : null, out, lo, hi);
      }
      const q = quantizedFcParams(ctx, { g, input, weights, bias, out });
      if (breakIt) q.inOff += 1;
      const w = weights.data as Int8Array | Uint8Array;
      if (table) return tableFcInt(g, input, w, bias ? (bias.data as Int32Array) : null, out, q);
      return smallFcInt(g, input, w, bias ? (bias.data as Int32Array) : null, out, q);
    },
  };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  // Any NaN equals any NaN (the reference's NaN payloads are not specified either way).
  for (let i = 0; i < x.length; i++)
    if (x[i] !== y[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

function floatSpec(k: number, depth1 = false): KernelRunSpec {
  const [batches, units, depth] = depth1 ? [1, int(1, 64), 1] : [int(1, 3), int(1, 9), int(1, 40)];
  return {
    op: 'FULLY_CONNECTED',
    options: { fusedActivationFunction: k % 4 },
    inputs: [
      { dtype: 'float32', shape: [batches, depth], data: floatValues(batches * depth, k % 2 === 1) },
      { dtype: 'float32', shape: [units, depth], data: floatValues(units * depth, k % 3 === 1) },
      k % 5 === 0 ? null : { dtype: 'float32', shape: [units], data: floatValues(units, k % 7 === 1) },
    ],
    outputs: [{ dtype: 'float32', shape: [batches, units] }],
  };
}

/**
 * Random 8-bit FULLY_CONNECTEDs; with `depth1`, of depth 1 and 1-40 units, half of them with 256
 * batches holding every input value once (the whole table).
 */
function intSpec(k: number, depth1 = false): KernelRunSpec {
  const kind = (['int8', 'uint8'] as const)[k % 2];
  const [batches, units, depth] = depth1
    ? [k % 4 < 2 ? 256 : int(1, 5), int(1, 40), 1]
    : [int(1, 3), int(1, 9), int(1, 40)];
  const perChannel = kind === 'int8' && k % 4 === 0;
  const [lo, hi] = kind === 'int8' ? [-128, 127] : [0, 255];
  // Biases near the int32 limits in one case in three: the sum wraps as C's does.
  const biasRange = k % 3 === 2 ? 2 ** 31 - 1 : 5000;
  return {
    op: 'FULLY_CONNECTED',
    options: { fusedActivationFunction: k % 3 === 0 ? 1 : 0 },
    inputs: [
      {
        dtype: kind,
        shape: [batches, depth],
        data: Array.from({ length: batches * depth }, (_, i) => (batches === 256 ? lo + i : int(lo, hi))),
        quant: { axis: 0, scale: [0.05], zeroPoint: [int(lo, hi)] },
      },
      {
        dtype: kind,
        shape: [units, depth],
        data: Array.from({ length: units * depth }, () => (kind === 'uint8' ? int(0, 255) : int(-127, 127))),
        quant: {
          axis: 0,
          scale: perChannel ? Array.from({ length: units }, () => 0.001 + rnd() * 0.02) : [0.01],
          zeroPoint: perChannel ? new Array<number>(units).fill(0) : [kind === 'uint8' ? int(0, 255) : 0],
        },
      },
      k % 5 === 0
        ? null
        : {
            dtype: 'int32',
            shape: [units],
            data: Array.from({ length: units }, () => int(-biasRange, biasRange)),
          },
    ],
    outputs: [
      {
        dtype: kind,
        shape: [batches, units],
        quant: { axis: 0, scale: [0.2 + rnd()], zeroPoint: [int(-10, 10) + (kind === 'uint8' ? 128 : 0)] },
      },
    ],
  };
}

/** How many of `cases` random operators differ from the reference kernel. */
function differing(cases: number, spec: (k: number) => KernelRunSpec, kernel: Kernel): number {
  let bad = 0;
  for (let k = 0; k < cases; k++) {
    const s = spec(k);
    const want = runKernel(fullyConnectedReference, s).outputs[0].data;
    const got = runKernel(kernel, s).outputs[0].data;
    const same =
      want instanceof Float32Array
        ? sameBits(got as Float32Array, want)
        : got.length === want.length && got.every((v, i) => v === want[i]);
    if (!same) bad++;
  }
  return bad;
}

describe('FULLY_CONNECTED for small operators (issue 16)', () => {
  it('float32 equals the reference kernel bit for bit: NaN/Inf/-0, every activation, with and without bias', () => {
    expect(differing(300, floatSpec, smallKernel())).toBe(0);
  });

  it("float32 of depth 1 (one product per output, hello_world's first layer) equals the reference bit for bit, and fails with a weight off by 2^-20", () => {
    const depth1 = (k: number) => floatSpec(k, true);
    expect(differing(200, depth1, smallKernel())).toBe(0);
    expect(differing(200, depth1, fullyConnectedBySize)).toBe(0);
    expect(differing(100, depth1, smallKernel(true))).toBeGreaterThan(20);
  });

  it('int8 and uint8 equal the reference kernel: per-tensor, per-channel, ReLU, no bias, wrapping sums', () => {
    expect(differing(300, intSpec, smallKernel())).toBe(0);
  });

  it("int8 and uint8 of depth 1 as a table (hello_world's first layer): every input value, 1-40 units, equal the reference", () => {
    const depth1 = (k: number) => intSpec(k, true);
    expect(differing(200, depth1, smallKernel(false, true))).toBe(0);
    expect(differing(200, depth1, fullyConnectedBySize)).toBe(0);
    // a table built with the input offset off by one
    expect(differing(100, depth1, smallKernel(true, true))).toBeGreaterThan(40);
  });

  it('the default registry kernel (by size) equals the reference on the same cases', () => {
    expect(differing(100, floatSpec, fullyConnectedBySize)).toBe(0);
    expect(differing(100, intSpec, fullyConnectedBySize)).toBe(0);
  });

  it('a kernel with one weight off by 2^-20, or an input offset off by one, fails the comparisons', () => {
    // The last weight feeds only the last unit, which ReLU or a NaN hides in some cases; an input
    // offset off by one moves the sum by one weight, which requantization or clamping can hide.
    expect(differing(100, floatSpec, smallKernel(true))).toBeGreaterThan(20);
    expect(differing(100, intSpec, smallKernel(true))).toBeGreaterThan(20);
  });

  it("chooses TypeScript for at most 4 outputs and 64 (float) or 16 (integer) multiply-adds: hello_world's last layer", () => {
    // hello_world: 1 -> 16, 16 -> 16, 16 -> 1
    expect(smallFullyConnected({ batches: 1, units: 16, depth: 1 }, true)).toBe(false);
    expect(smallFullyConnected({ batches: 1, units: 16, depth: 16 }, true)).toBe(false);
    expect(smallFullyConnected({ batches: 1, units: 1, depth: 16 }, true)).toBe(true);
    expect(smallFullyConnected({ batches: 1, units: 1, depth: 16 }, false)).toBe(true);
    expect(smallFullyConnected({ batches: 1, units: 2, depth: 16 }, false)).toBe(false);
    expect(smallFullyConnected({ batches: 4, units: 1, depth: 16 }, true)).toBe(true);
    expect(smallFullyConnected({ batches: 5, units: 1, depth: 1 }, true)).toBe(false);
  });
});
