/** FULLY_CONNECTED's shape checks, shared by its integer, float and hybrid paths. */
import { numElements } from '../../../tensor/dtype';
import type { OpContext, RtTensor } from '../../types';

/** Batches (input rows), units (output channels) and depth (dot-product length). */
export interface FcGeometry {
  batches: number;
  units: number;
  depth: number;
}

/** Checks shapes and sets the output shape (keep_num_dims or [batches, units]). */
export function fcGeometry(
  ctx: OpContext,
  input: RtTensor,
  weights: RtTensor,
  bias: RtTensor | null,
  out: RtTensor,
): FcGeometry {
  if (weights.shape.length !== 2) ctx.invalid(`weights must be 2-D, got [${weights.shape.join(',')}]`);
  const [units, depth] = weights.shape;
  const n = numElements(input.shape);
  if (depth === 0 || n % depth !== 0)
    ctx.invalid(`input [${input.shape.join(',')}] is not a multiple of the weights' depth ${depth}`);
  const batches = n / depth;
  if (bias && numElements(bias.shape) !== units)
    ctx.invalid(`bias has ${numElements(bias.shape)} elements, expected ${units}`);
  if ((ctx.options?.weightsFormat ?? 0) !== 0) ctx.unsupported('shuffled weights format');
  if (ctx.options?.keepNumDims) {
    if (input.shape[input.shape.length - 1] !== depth)
      ctx.invalid('keep_num_dims needs the last input dimension to equal the depth');
    out.shape = [...input.shape.slice(0, -1), units];
  } else {
    out.shape = [batches, units];
  }
  return { batches, units, depth };
}

/** FULLY_CONNECTED's tensors and their checked geometry, handed to the path for their dtypes. */
export interface FcOperands {
  g: FcGeometry;
  input: RtTensor;
  weights: RtTensor;
  bias: RtTensor | null;
  out: RtTensor;
}
