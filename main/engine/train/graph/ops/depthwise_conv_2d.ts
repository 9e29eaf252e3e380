/**
 * DEPTHWISE_CONV_2D: input [N, inH, inW, inC], weights [1, kH, kW, inC·mult], bias [inC·mult].
 * Direct loops (the per-channel work is too small for a GEMM): out channel o = c·mult + m reads
 * input channel c; the sum over in-image taps runs (fy, fx) in order in double, then + bias,
 * as the interpreter's float kernel.
 */
import { clampGrad, clampRange, fusedRange, requireInput, Scratch, unsupported, type OpFactory } from './op';
import { windowGeometry } from './conv_2d';

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
