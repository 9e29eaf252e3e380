/** RESHAPE: the same values per sample in another shape (the batch stays first): a copy, and dIn += dOut. */
import { perSample, requireInput, unsupported, type OpFactory } from './op';

export const reshape: OpFactory = (spec) => {
  const size = perSample(spec, requireInput(spec, 0));
  if (perSample(spec, spec.output) !== size) unsupported(spec, 'input and output sizes differ');
  return {
    params: [],
    activationSlots: [0],
    forward(io) {
      const x = io.ins[0]!;
      const out = io.out;
      const n = io.n * size;
      // The same storage type (as the graph allocates them): a plain copy of the bytes.
      if (Object.getPrototypeOf(x) === Object.getPrototypeOf(out)) out.set(x.subarray(0, n));
      else for (let i = 0; i < n; i++) out[i] = x[i]!;
    },
    backward(io) {
      const dX = io.dIns[0];
      if (!dX) return;
      const d = io.dOut;
      for (let i = 0, n = io.n * size; i < n; i++) dX[i] += d[i]!;
    },
  };
};
