/**
 * NumPy broadcasting for the binary element-wise ops (ADD, MUL): for every value of one output
 * sample, the index of the value each input contributes. Activation inputs are batched (sample b
 * reads at b × its per-sample size); constants are shared by every sample.
 */
import { perSample, requireInput, unsupported, type OpSpec, type TensorSpec } from './op';

export interface Operand {
  /** Index into the input for each output value of one sample. */
  map: Int32Array;
  /** Per-sample stride of the input: its size for an activation, 0 for a constant. */
  stride: number;
  constant: boolean;
}

function operand(spec: OpSpec, t: TensorSpec, out: readonly number[]): Operand {
  const s = t.shape;
  if (s.length > out.length) unsupported(spec, `input ${t.name} has more dimensions than the output`);
  const rank = out.length;
  const padded = [...Array<number>(rank - s.length).fill(1), ...s];
  padded.forEach((d, i) => {
    if (d !== 1 && d !== out[i])
      unsupported(spec, `shapes [${s.join(',')}] and [${out.join(',')}] do not broadcast`);
  });
  const strides = new Array<number>(rank).fill(0);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 ? 0 : acc;
    acc *= padded[i]!;
  }
  const outSize = out.reduce((a, b) => a * b, 1);
  const map = new Int32Array(outSize);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < outSize; i++) {
    let o = 0;
    for (let d = 0; d < rank; d++) o += idx[d]! * strides[d]!;
    map[i] = o;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < out[d]!) break;
      idx[d] = 0;
    }
  }
  const constant = t.constant !== undefined;
  return { map, stride: constant ? 0 : perSample(spec, t), constant };
}

export function binaryOperands(spec: OpSpec): { a: Operand; b: Operand; outSize: number } {
  const out = spec.output.shape;
  const outSize = perSample(spec, spec.output);
  const a = operand(spec, requireInput(spec, 0), out);
  const b = operand(spec, requireInput(spec, 1), out);
  if (a.constant && b.constant) unsupported(spec, 'both inputs are constants');
  return { a, b, outSize };
}
