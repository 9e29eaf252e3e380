/**
 * MEAN over non-batch axes (constant axes, negative ones counted from the end, keepDims either
 * way): each output is the sum of its inputs in memory order divided by their count, the sum
 * kept in float32 when training in float32 (as the interpreter and reference_ops::Mean do) and in
 * double in float64 checks; backward spreads dOut / count over them.
 */
import { perSample, requireInput, unsupported, type OpFactory } from './op';

export const mean: OpFactory = (spec) => {
  const x = requireInput(spec, 0);
  const axesT = requireInput(spec, 1);
  if (!axesT.ints) unsupported(spec, 'axes must be a constant');
  const rank = x.shape.length;
  const axes = new Set([...axesT.ints].map((a) => (a < 0 ? a + rank : a)));
  if ([...axes].some((a) => a <= 0 || a >= rank))
    unsupported(spec, 'the batch axis (or an axis out of range) cannot be reduced in training');
  const inSize = perSample(spec, x);
  const outSize = perSample(spec, spec.output);
  // Output index of each input value of one sample.
  const map = new Int32Array(inSize);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < inSize; i++) {
    let o = 0;
    for (let d = 1; d < rank; d++) if (!axes.has(d)) o = o * x.shape[d]! + idx[d]!;
    map[i] = o;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < x.shape[d]!) break;
      idx[d] = 0;
    }
  }
  const count = inSize / outSize;
  const acc = spec.precision === 'float32' ? new Float32Array(outSize) : new Float64Array(outSize);
  return {
    params: [],
    activationSlots: [0],
    forward(io) {
      const v = io.ins[0]!;
      for (let s = 0; s < io.n; s++) {
        acc.fill(0);
        const b = s * inSize;
        for (let i = 0; i < inSize; i++) acc[map[i]!] += v[b + i]!;
        for (let o = 0; o < outSize; o++) io.out[s * outSize + o] = acc[o]! / count;
      }
    },
    backward(io) {
      const dX = io.dIns[0];
      if (!dX) return;
      for (let s = 0; s < io.n; s++) {
        const b = s * inSize;
        const ob = s * outSize;
        for (let i = 0; i < inSize; i++) dX[b + i] += io.dOut[ob + map[i]!]! / count;
      }
    },
  };
};
