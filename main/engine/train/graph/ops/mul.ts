/** MUL with NumPy broadcasting and a fused activation: y = a·b; dA += dY·b, dB += dY·a (summed where broadcast). */
import { binaryOperands } from './broadcast';
import { clampGrad, clampRange, fusedRange, Scratch, type OpFactory } from './op';

export const mul: OpFactory = (spec) => {
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
        for (let i = 0; i < outSize; i++) out[o + i] = x[oa + a.map[i]!]! * y[ob + b.map[i]!]!;
      }
      clampRange(out, io.n * outSize, lo, hi);
    },
    backward(io) {
      const d = clampGrad(io.out, io.dOut, io.n * outSize, lo, hi, gScratch.get(io.n * outSize));
      const vals = [io.ins[0]!, io.ins[1]!];
      const ops = [a, b];
      for (let slot = 0; slot < 2; slot++) {
        const dX = io.dIns[slot];
        const me = ops[slot]!;
        const other = ops[1 - slot]!;
        const ov = vals[1 - slot]!;
        if (!dX || me.constant) continue;
        for (let s = 0; s < io.n; s++) {
          const ox = s * me.stride;
          const oo = s * other.stride;
          const o = s * outSize;
          for (let i = 0; i < outSize; i++) dX[ox + me.map[i]!] += d[o + i]! * ov[oo + other.map[i]!]!;
        }
      }
    },
  };
};
