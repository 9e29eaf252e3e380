/**
 * DEPTHWISE_CONV_2D: input [N, inH, inW, inC], weights [1, kH, kW, inC·mult], bias [inC·mult].
 * Direct loops (the per-channel work is too small for a GEMM): out channel o = c·mult + m reads
 * input channel c; the sum over in-image taps runs (fy, fx) in order in double, then + bias,
 * as the interpreter's float kernel.
 */
import { clampGrad, clampRange, fusedRange, requireInput, Scratch, unsupported, type OpFactory } from './op';
import { windowGeometry, type ConvGeometry } from './conv_2d';
import type { FloatArray } from '../types';
import { depthwiseBackwardWasm, depthwiseForwardWasm } from '../wasm/kernels-wasm';
import { columnSumsAdd } from './gemm';

export const depthwiseConv2d: OpFactory = (spec) => {
  const x = requireInput(spec, 0);
  const w = requireInput(spec, 1);
  const bias = spec.inputs[2];
  if (!w.constant || w.shape.length !== 4 || w.shape[0] !== 1)
    unsupported(spec, 'weights must be a constant [1, kH, kW, outC]');
  const [, kH, kW, outC] = w.shape as [number, number, number, number];
  const g = windowGeometry(spec, x.shape, kH, kW, true);
  const { inH, inW, inC, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  if (outC % inC !== 0)
    unsupported(spec, `output channels ${outC} are not a multiple of input channels ${inC}`);
  const mult = outC / inC;
  const [lo, hi] = fusedRange(spec);
  const gScratch = new Scratch(spec.precision);
  const acc = new Float64Array(outC);
  const outSize = outH * outW * outC;
  const KK = kH * kW;
  const taps = mult === 1 ? tapOffsets(g) : null;
  const inSize = inH * inW * inC;
  return {
    params: [
      { slot: 1, role: 'weight', quantAxis: 3 },
      ...(bias ? [{ slot: 2, role: 'bias' as const, quantAxis: -1 }] : []),
    ],
    activationSlots: [0],
    forward(io) {
      const inp = io.ins[0]!;
      const wt = io.ins[1]!;
      const bs = bias ? io.ins[2]! : undefined;
      const out = io.out;
      if (taps) {
        forward1(taps, KK, outC, inSize, outH * outW, io.n, inp, wt, bs, out);
        clampRange(out, io.n * outSize, lo, hi);
        return;
      }
      for (let b = 0; b < io.n; b++)
        for (let y = 0; y < outH; y++)
          for (let xo = 0; xo < outW; xo++) {
            acc.fill(0);
            for (let fy = 0; fy < kH; fy++) {
              const iy = y * strideH - padTop + fy * dilH;
              if (iy < 0 || iy >= inH) continue;
              for (let fx = 0; fx < kW; fx++) {
                const ix = xo * strideW - padLeft + fx * dilW;
                if (ix < 0 || ix >= inW) continue;
                const p = ((b * inH + iy) * inW + ix) * inC;
                const t = (fy * kW + fx) * outC;
                for (let c = 0; c < inC; c++) {
                  const v = inp[p + c]!;
                  for (let m = 0; m < mult; m++) acc[c * mult + m] += v * wt[t + c * mult + m]!;
                }
              }
            }
            const o = ((b * outH + y) * outW + xo) * outC;
            for (let k = 0; k < outC; k++) out[o + k] = bs ? acc[k]! + bs[k]! : acc[k]!;
          }
      clampRange(out, io.n * outSize, lo, hi);
    },
    backward(io) {
      const inp = io.ins[0]!;
      const wt = io.ins[1]!;
      const d = clampGrad(io.out, io.dOut, io.n * outSize, lo, hi, gScratch.get(io.n * outSize));
      const dX = io.dIns[0];
      const dW = io.dIns[1];
      const dB = bias ? io.dIns[2] : null;
      if (taps) {
        backward1(
          taps,
          KK,
          outC,
          inSize,
          outH * outW,
          io.n,
          inp,
          wt,
          d,
          dX as FloatArray | null,
          dW as Float64Array | null,
          dB as Float64Array | null,
        );
        return;
      }
      for (let b = 0; b < io.n; b++)
        for (let y = 0; y < outH; y++)
          for (let xo = 0; xo < outW; xo++) {
            const o = ((b * outH + y) * outW + xo) * outC;
            if (dB) for (let k = 0; k < outC; k++) dB[k] += d[o + k]!;
            for (let fy = 0; fy < kH; fy++) {
              const iy = y * strideH - padTop + fy * dilH;
              if (iy < 0 || iy >= inH) continue;
              for (let fx = 0; fx < kW; fx++) {
                const ix = xo * strideW - padLeft + fx * dilW;
                if (ix < 0 || ix >= inW) continue;
                const p = ((b * inH + iy) * inW + ix) * inC;
                const t = (fy * kW + fx) * outC;
                for (let c = 0; c < inC; c++) {
                  const v = inp[p + c]!;
                  let gx = 0;
                  for (let m = 0; m < mult; m++) {
                    const k = c * mult + m;
                    const gd = d[o + k]!;
                    if (dW) dW[t + k] += gd * v;
                    gx += gd * wt[t + k]!;
                  }
                  if (dX) dX[p + c] += gx;
                }
              }
            }
          }
    },
  };
};

/**
 * Depth multiplier 1 (the common case): the input offset of each output pixel's taps, (fy, fx)
 * in order, -1 for an out-of-image tap, computed once from the geometry. The kernels below sum
 * each value in the same order as the general loops (taps in order for an output, pixels in
 * order for a weight or bias gradient), four channels at a time in double locals.
 */
export function tapOffsets(g: ConvGeometry): Int32Array {
  const { inH, inW, inC, kH, kW, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const taps = new Int32Array(outH * outW * kH * kW);
  let i = 0;
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++)
      for (let fy = 0; fy < kH; fy++) {
        const iy = y * strideH - padTop + fy * dilH;
        for (let fx = 0; fx < kW; fx++, i++) {
          const ix = x * strideW - padLeft + fx * dilW;
          taps[i] = iy >= 0 && iy < inH && ix >= 0 && ix < inW ? (iy * inW + ix) * inC : -1;
        }
      }
  return taps;
}

/** out = depthwise(inp, wt) + bias for multiplier 1; C channels, KK taps per output pixel. */
export function forward1(
  taps: Int32Array,
  KK: number,
  C: number,
  inSize: number,
  pixels: number,
  n: number,
  inp: FloatArray,
  wt: FloatArray,
  bs: FloatArray | undefined,
  out: FloatArray,
): void {
  if (depthwiseForwardWasm(taps, KK, C, inSize, pixels, n, inp, wt, bs, out)) return;
  forward1Ts(taps, KK, C, inSize, pixels, n, inp, wt, bs, out);
}

/** forward1's TypeScript loops (the reference; wasm/kernels.wat's dw_fwd gives the same bytes). */
export function forward1Ts(
  taps: Int32Array,
  KK: number,
  C: number,
  inSize: number,
  pixels: number,
  n: number,
  inp: FloatArray,
  wt: FloatArray,
  bs: FloatArray | undefined,
  out: FloatArray,
): void {
  const C4 = C - (C % 4);
  for (let b = 0; b < n; b++) {
    const base = b * inSize;
    for (let pix = 0; pix < pixels; pix++) {
      const o = (b * pixels + pix) * C;
      const j0 = pix * KK;
      let c = 0;
      for (; c < C4; c += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < KK; j++) {
          const q = taps[j0 + j]!;
          if (q < 0) continue;
          const p = base + q + c;
          const t = j * C + c;
          s0 += inp[p]! * wt[t]!;
          s1 += inp[p + 1]! * wt[t + 1]!;
          s2 += inp[p + 2]! * wt[t + 2]!;
          s3 += inp[p + 3]! * wt[t + 3]!;
        }
        if (bs) {
          s0 += bs[c]!;
          s1 += bs[c + 1]!;
          s2 += bs[c + 2]!;
          s3 += bs[c + 3]!;
        }
        out[o + c] = s0;
        out[o + c + 1] = s1;
        out[o + c + 2] = s2;
        out[o + c + 3] = s3;
      }
      for (; c < C; c++) {
        let s = 0;
        for (let j = 0; j < KK; j++) {
          const q = taps[j0 + j]!;
          if (q >= 0) s += inp[base + q + c]! * wt[j * C + c]!;
        }
        out[o + c] = bs ? s + bs[c]! : s;
      }
    }
  }
}

/** Weight, bias and input gradients for multiplier 1 (d = dLoss/dOut after the activation). */
export function backward1(
  taps: Int32Array,
  KK: number,
  C: number,
  inSize: number,
  pixels: number,
  n: number,
  inp: FloatArray,
  wt: FloatArray,
  d: FloatArray,
  dX: FloatArray | null,
  dW: Float64Array | null,
  dB: Float64Array | null,
): void {
  // Each bias gradient summed over the rows in order, as the weight gradients below.
  if (dB) columnSumsAdd(d, dB, n * pixels, C);
  if (depthwiseBackwardWasm(taps, KK, C, inSize, pixels, n, inp, wt, d, dX, dW)) return;
  backward1Ts(taps, KK, C, inSize, pixels, n, inp, wt, d, dX, dW);
}

/** backward1's weight and input gradients in TypeScript (the reference for wasm/kernels.wat's dw_bwd). */
export function backward1Ts(
  taps: Int32Array,
  KK: number,
  C: number,
  inSize: number,
  pixels: number,
  n: number,
  inp: FloatArray,
  wt: FloatArray,
  d: FloatArray,
  dX: FloatArray | null,
  dW: Float64Array | null,
): void {
  if (dW)
    for (let j = 0; j < KK; j++)
      for (let c = 0; c < C; c++) {
        const t = j * C + c;
        let s = dW[t]!;
        for (let b = 0; b < n; b++) {
          const base = b * inSize + c;
          for (let pix = 0, o = b * pixels * C + c; pix < pixels; pix++, o += C) {
            const q = taps[pix * KK + j]!;
            if (q >= 0) s += d[o]! * inp[base + q]!;
          }
        }
        dW[t] = s;
      }
  if (dX)
    for (let b = 0; b < n; b++) {
      const base = b * inSize;
      for (let pix = 0; pix < pixels; pix++) {
        const o = (b * pixels + pix) * C;
        const j0 = pix * KK;
        for (let c = 0; c < C; c++) {
          const gd = d[o + c]!;
          // A zero gradient adds +0 to dX (the general loops' 0 + 0·w): nothing to add.
          if (gd === 0) continue;
          for (let j = 0; j < KK; j++) {
            const q = taps[j0 + j]!;
            if (q >= 0) dX[base + q + c] += gd * wt[j * C + c]!;
          }
        }
      }
    }
}
