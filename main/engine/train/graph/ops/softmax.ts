/**
 * SOFTMAX over the last axis with TFLite's beta, inside a graph (the final SOFTMAX is not run:
 * the loss takes its logits). y = exp(β(x - max)) / Σ; dx = β·y·(dy - Σ dy·y).
 */
import { perSample, requireInput, type OpFactory } from './op';

export const softmax: OpFactory = (spec) => {
  const x = requireInput(spec, 0);
  const size = perSample(spec, x);
  const depth = x.shape[x.shape.length - 1]!;
  const rows = size / depth;
  const beta = (spec.options?.beta as number | undefined) ?? 1;
  return {
    params: [],
    activationSlots: [0],
    forward(io) {
      const v = io.ins[0]!;
      const out = io.out;
      for (let r = 0, n = io.n * rows; r < n; r++) {
        const b = r * depth;
        let max = -Infinity;
        for (let k = 0; k < depth; k++) if (v[b + k]! > max) max = v[b + k]!;
        let sum = 0;
        for (let k = 0; k < depth; k++) sum += Math.exp(beta * (v[b + k]! - max));
        for (let k = 0; k < depth; k++) out[b + k] = Math.exp(beta * (v[b + k]! - max)) / sum;
      }
    },
    backward(io) {
      const dX = io.dIns[0];
      if (!dX) return;
      const y = io.out;
      const d = io.dOut;
      for (let r = 0, n = io.n * rows; r < n; r++) {
        const b = r * depth;
        let dot = 0;
        for (let k = 0; k < depth; k++) dot += d[b + k]! * y[b + k]!;
        for (let k = 0; k < depth; k++) dX[b + k] += beta * y[b + k]! * (d[b + k]! - dot);
      }
    },
  };
};
