/**
 * AVERAGE_POOL_2D: the mean of each window's in-image taps (TFLite divides by the number of
 * in-image taps, not the filter area), summed (fy, fx) in order in double; then the fused
 * activation. Backward spreads each output's gradient evenly over its taps.
 */
import { clampGrad, clampRange, fusedRange, Scratch, type OpFactory } from './op';
import { poolGeometry } from './pool';

export const averagePool2d: OpFactory = (spec) => {
  const g = poolGeometry(spec);
  const { inH, inW, inC, kH, kW, outH, outW, strideH, strideW, padTop, padLeft } = g;
  const [lo, hi] = fusedRange(spec);
  const outSize = outH * outW * inC;
  const gScratch = new Scratch(spec.precision);
  const acc = new Float64Array(inC);
  return {
    params: [],
    activationSlots: [0],
    forward(io) {
      const x = io.ins[0]!;
      const out = io.out;
      for (let b = 0; b < io.n; b++)
        for (let y = 0; y < outH; y++) {
          const ys = y * strideH - padTop;
          const y0 = ys > 0 ? ys : 0;
          const y1 = ys + kH < inH ? ys + kH : inH;
          for (let xo = 0; xo < outW; xo++) {
            const xs = xo * strideW - padLeft;
            const x0 = xs > 0 ? xs : 0;
            const x1 = xs + kW < inW ? xs + kW : inW;
            const count = (y1 - y0) * (x1 - x0);
            acc.fill(0);
            for (let iy = y0; iy < y1; iy++)
              for (let ix = x0; ix < x1; ix++) {
                const p = ((b * inH + iy) * inW + ix) * inC;
                for (let c = 0; c < inC; c++) acc[c] += x[p + c]!;
              }
            const o = ((b * outH + y) * outW + xo) * inC;
            for (let c = 0; c < inC; c++) out[o + c] = count > 0 ? acc[c]! / count : 0;
          }
        }
      clampRange(out, io.n * outSize, lo, hi);
    },
    backward(io) {
      const dX = io.dIns[0];
      if (!dX) return;
      const d = clampGrad(io.out, io.dOut, io.n * outSize, lo, hi, gScratch.get(io.n * outSize));
      for (let b = 0; b < io.n; b++)
        for (let y = 0; y < outH; y++) {
          const ys = y * strideH - padTop;
          const y0 = ys > 0 ? ys : 0;
          const y1 = ys + kH < inH ? ys + kH : inH;
          for (let xo = 0; xo < outW; xo++) {
            const xs = xo * strideW - padLeft;
            const x0 = xs > 0 ? xs : 0;
            const x1 = xs + kW < inW ? xs + kW : inW;
            const count = (y1 - y0) * (x1 - x0);
            if (count === 0) continue;
            const o = ((b * outH + y) * outW + xo) * inC;
            for (let iy = y0; iy < y1; iy++)
              for (let ix = x0; ix < x1; ix++) {
                const p = ((b * inH + iy) * inW + ix) * inC;
                for (let c = 0; c < inC; c++) dX[p + c] += d[o + c]! / count;
              }
          }
        }
    },
  };
};
