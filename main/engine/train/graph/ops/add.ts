/** ADD with NumPy broadcasting and a fused activation: y = a + b; dA += dY, dB += dY (summed where broadcast). */
import { binaryOperands } from './broadcast';
import { clampGrad, clampRange, fusedRange, Scratch, type OpFactory } from './op';

export const add: OpFactory = (spec) => {
  const { a, b, outSize } = binaryOperands(spec);
  const [lo, hi] = fusedRange(spec);
  const gScratch = new Scratch(spec.precision);
  return {
    params: [],
    activationSlots: [a, b].flatMap((o, i) => (o.constant ? [] : [i])),
    forward(io) {
      const x = io.ins[0]!;
      const y = io.ins[1]!;
      const out = io.out;
      for (let s = 0; s < io.n; s++) {
        const oa = s * a.stride;
        const ob = s * b.stride;
        const o = s * outSize;
        for (let i = 0; i < outSize; i++) out[o + i] = x[oa + a.map[i]!]! + y[ob + b.map[i]!]!;
      }
      clampRange(out, io.n * outSize, lo, hi);
    },
    backward(io) {
      const d = clampGrad(io.out, io.dOut, io.n * outSize, lo, hi, gScratch.get(io.n * outSize));
      [a, b].forEach((op, slot) => {
        const dX = io.dIns[slot];
        if (!dX || op.constant) return;
        for (let s = 0; s < io.n; s++) {
          const ox = s * op.stride;
          const o = s * outSize;
          for (let i = 0; i < outSize; i++) dX[ox + op.map[i]!] += d[o + i]!;
        }
      });
    },
  };
};
