/**
 * CONCATENATION along a non-batch axis, with a fused activation. Per sample the output is
 * `outer` runs of each input's block (its axis extent × the size of the later dimensions) in
 * input order; constant inputs are shared by every sample.
 */
import { clampGrad, clampRange, fusedRange, perSample, Scratch, unsupported, type OpFactory } from './op';

export const concatenation: OpFactory = (spec) => {
  const out = spec.output.shape;
  const rank = out.length;
  let axis = (spec.options?.axis as number | undefined) ?? 0;
  if (axis < 0) axis += rank;
  if (axis <= 0 || axis >= rank)
    unsupported(spec, `axis ${axis} (the batch axis or out of range) cannot be trained`);
  const outSize = perSample(spec, spec.output);
  const outer = out.slice(1, axis).reduce((a, b) => a * b, 1);
  const inner = out.slice(axis + 1).reduce((a, b) => a * b, 1);
  const parts = spec.inputs.map((t, i) => {
    if (!t || t.shape.length !== rank) unsupported(spec, `input ${i} must have rank ${rank}`);
    const constant = t.constant !== undefined;
    const block = t.shape[axis]! * inner;
    return { block, stride: constant ? 0 : perSample(spec, t), constant };
  });
  const [lo, hi] = fusedRange(spec);
  const gScratch = new Scratch(spec.precision);
  return {
    params: [],
    activationSlots: parts.flatMap((p, i) => (p.constant ? [] : [i])),
    forward(io) {
      const o = io.out;
      let k = 0;
      for (let s = 0; s < io.n; s++)
        for (let r = 0; r < outer; r++)
          parts.forEach((p, i) => {
            const x = io.ins[i]!;
            const base = s * p.stride + r * p.block;
            for (let j = 0; j < p.block; j++) o[k++] = x[base + j]!;
          });
      clampRange(o, io.n * outSize, lo, hi);
    },
    backward(io) {
      const d = clampGrad(io.out, io.dOut, io.n * outSize, lo, hi, gScratch.get(io.n * outSize));
      let k = 0;
      for (let s = 0; s < io.n; s++)
        for (let r = 0; r < outer; r++)
          parts.forEach((p, i) => {
            const dX = io.dIns[i];
            if (!dX || p.constant) {
              k += p.block;
              return;
            }
            const base = s * p.stride + r * p.block;
            for (let j = 0; j < p.block; j++) dX[base + j] += d[k++]!;
          });
    },
  };
};
