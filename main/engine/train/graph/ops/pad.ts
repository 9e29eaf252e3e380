/** PAD with zeros (constant paddings, none on the batch axis): a scatter of each sample into the padded output; dIn gathers dOut back. */
import { perSample, requireInput, unsupported, type OpFactory } from './op';

export const pad: OpFactory = (spec) => {
  const x = requireInput(spec, 0);
  const p = requireInput(spec, 1);
  const rank = x.shape.length;
  if (!p.ints || p.ints.length !== rank * 2) unsupported(spec, 'paddings must be a constant [rank, 2]');
  if (p.ints[0] !== 0 || p.ints[1] !== 0) unsupported(spec, 'the batch axis cannot be padded in training');
  const out = spec.output.shape;
  const inSize = perSample(spec, x);
  const outSize = perSample(spec, spec.output);
  const map = new Int32Array(inSize);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < inSize; i++) {
    let o = 0;
    for (let d = 0; d < rank; d++) o = o * out[d]! + idx[d]! + p.ints[2 * d]!;
    map[i] = o;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < x.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return {
    params: [],
    activationSlots: [0],
    forward(io) {
      const v = io.ins[0]!;
      io.out.fill(0, 0, io.n * outSize);
      for (let s = 0; s < io.n; s++)
        for (let i = 0; i < inSize; i++) io.out[s * outSize + map[i]!] = v[s * inSize + i]!;
    },
    backward(io) {
      const dX = io.dIns[0];
      if (!dX) return;
      for (let s = 0; s < io.n; s++)
        for (let i = 0; i < inSize; i++) dX[s * inSize + i] += io.dOut[s * outSize + map[i]!]!;
    },
  };
};
