/**
 * TRANSPOSE with a constant permutation that keeps the batch axis first (ONNX models converted
 * with NCHW inputs start with one): out[idx] = in[perm-mapped idx] per sample; dIn gathers back.
 */
import { perSample, requireInput, unsupported, type OpFactory } from './op';

export const transpose: OpFactory = (spec) => {
  const x = requireInput(spec, 0);
  const p = requireInput(spec, 1);
  const rank = x.shape.length;
  const perm = p.ints ? [...p.ints] : [];
  if (perm.length !== rank || [...perm].sort().some((v, i) => v !== i))
    unsupported(spec, 'the permutation must be a constant of the input rank');
  if (perm[0] !== 0) unsupported(spec, 'a permutation that moves the batch axis cannot be trained');
  const size = perSample(spec, x);
  const outShape = perm.map((a) => x.shape[a]!);
  const inStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1]! * x.shape[d + 1]!;
  // map[o] = the input index (within a sample) of output index o.
  const map = new Int32Array(size);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < size; o++) {
    let i = 0;
    for (let d = 0; d < rank; d++) i += idx[d]! * inStrides[perm[d]!]!;
    map[o] = i;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return {
    params: [],
    activationSlots: [0],
    forward(io) {
      const v = io.ins[0]!;
      for (let s = 0; s < io.n; s++) {
        const b = s * size;
        for (let o = 0; o < size; o++) io.out[b + o] = v[b + map[o]!]!;
      }
    },
    backward(io) {
      const dX = io.dIns[0];
      if (!dX) return;
      for (let s = 0; s < io.n; s++) {
        const b = s * size;
        for (let o = 0; o < size; o++) dX[b + map[o]!] += io.dOut[b + o]!;
      }
    },
  };
};
