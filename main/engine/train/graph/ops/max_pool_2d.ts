/**
 * MAX_POOL_2D: the maximum of each window's in-image taps (the first one on ties, which is the
 * one the gradient goes to), then the fused activation.
 */
import { clampGrad, clampRange, fusedRange, Scratch, type OpFactory } from './op';
import { poolGeometry } from './pool';
import type { ConvGeometry } from './conv_2d';
import type { FloatArray } from '../types';
import { maxPoolBackwardWasm, maxPoolWasm } from '../wasm/kernels-wasm';

export const maxPool2d: OpFactory = (spec) => {
  const g = poolGeometry(spec);
  const { inH, inW, inC, outH, outW } = g;
  const inSize = inH * inW * inC;
  const [lo, hi] = fusedRange(spec);
  const outSize = outH * outW * inC;
  let argmax = new Int32Array(0);
  const gScratch = new Scratch(spec.precision);
  return {
    params: [],
    activationSlots: [0],
    forward(io) {
      const x = io.ins[0]!;
      const out = io.out;
      if (argmax.length < io.n * outSize) argmax = new Int32Array(io.n * outSize);
      if (!maxPoolWasm(g, x, io.n, out, argmax)) maxPoolForwardTs(g, x, io.n, out, argmax);
      clampRange(out, io.n * outSize, lo, hi);
    },
    backward(io) {
      const dX = io.dIns[0];
      if (!dX) return;
      const d = clampGrad(io.out, io.dOut, io.n * outSize, lo, hi, gScratch.get(io.n * outSize));
      if (!maxPoolBackwardWasm(argmax, d, dX, io.n * outSize, io.n * inSize))
        maxPoolBackwardTs(argmax, d, dX, io.n * outSize);
    },
  };
};

/**
 * The forward's TypeScript loops (the reference; wasm/kernels.wat's maxpool gives the same bytes):
 * each window's maximum into `out`, its input index into `argmax`.
 */
export function maxPoolForwardTs(
  g: ConvGeometry,
  x: FloatArray,
  n: number,
  out: FloatArray,
  argmax: Int32Array,
): void {
  const { inH, inW, inC, kH, kW, outH, outW, strideH, strideW, padTop, padLeft } = g;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < outH; y++) {
      const ys = y * strideH - padTop;
      const y0 = ys > 0 ? ys : 0;
      const y1 = ys + kH < inH ? ys + kH : inH;
      for (let xo = 0; xo < outW; xo++) {
        const xs = xo * strideW - padLeft;
        const x0 = xs > 0 ? xs : 0;
        const x1 = xs + kW < inW ? xs + kW : inW;
        const o = ((b * outH + y) * outW + xo) * inC;
        // Channels innermost (contiguous): the first in-image tap is taken, then a later tap
        // only when strictly greater, as the per-channel walk in (iy, ix) order would.
        let first = true;
        for (let iy = y0; iy < y1; iy++)
          for (let ix = x0; ix < x1; ix++) {
            const p = ((b * inH + iy) * inW + ix) * inC;
            if (first) {
              for (let c = 0; c < inC; c++) {
                out[o + c] = x[p + c]!;
                argmax[o + c] = p + c;
              }
              first = false;
            } else
              for (let c = 0; c < inC; c++) {
                const v = x[p + c]!;
                if (v > out[o + c]!) {
                  out[o + c] = v;
                  argmax[o + c] = p + c;
                }
              }
          }
        if (first)
          for (let c = 0; c < inC; c++) {
            out[o + c] = -Infinity;
            argmax[o + c] = -1;
          }
      }
    }
}

/** The backward's TypeScript loop (the reference): dX[argmax[i]] += d[i] in order, skipping -1. */
export function maxPoolBackwardTs(argmax: Int32Array, d: FloatArray, dX: FloatArray, len: number): void {
  for (let i = 0; i < len; i++) {
    const at = argmax[i]!;
    if (at >= 0) dX[at] += d[i]!;
  }
}
