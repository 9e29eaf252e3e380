/** Shared by RESHAPE, SQUEEZE and EXPAND_DIMS: same bytes, new shape, so eval is a copy. */
import { numElements } from '../../../tensor/dtype';
import type { EvalFn, OpContext, RtTensor } from '../../types';

export function prepareCopy(ctx: OpContext, input: RtTensor, out: RtTensor, shape: number[]): EvalFn {
  if (numElements(shape) !== numElements(input.shape)) {
    ctx.invalid(`cannot reshape [${input.shape.join(',')}] to [${shape.join(',')}]`);
  }
  if (input.dtype !== out.dtype) ctx.unsupported('input and output dtypes differ');
  out.shape = shape;
  return () => {
    (out.data as Uint8Array).set(input.data as Uint8Array);
  };
}
