/**
 * SLICE: output = input[begin : begin + size] per axis; size -1 means "to the end". begin and
 * size are constant int32/int64 operands (a dynamic slice has a data-dependent output shape).
 * TFLite requires 0 <= begin and begin + size <= dim; anything else is refused in prepare.
 */
import { constInts } from './common/kernel-util';
import type { Kernel } from '../types';
import { copyOperands, stridesOf } from './common/layout';
import { stridedSliceData } from './strided_slice';

export function planSlice(
  inShape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
): number[] {
  if (begin.length !== inShape.length || size.length !== inShape.length)
    throw new RangeError(`begin/size have ${begin.length}/${size.length} entries for rank ${inShape.length}`);
  return inShape.map((d, i) => {
    const b = begin[i];
    const s = size[i] === -1 ? d - b : size[i];
    if (b < 0 || b > d || s < 0 || b + s > d)
      throw new RangeError(`axis ${i}: begin ${b}, size ${size[i]} do not fit dim ${d}`);
    return s;
  });
}

export const kernel: Kernel = {
  prepare(ctx) {
    const { input, output } = copyOperands(ctx);
    if (input.shape.length > 5) ctx.unsupported(`rank ${input.shape.length} > 5`);
    const begin = constInts(ctx, ctx.input(1), 'begin');
    const size = constInts(ctx, ctx.input(2), 'size');
    let outShape: number[];
    try {
      outShape = planSlice(input.shape, begin, size);
    } catch (e) {
      if (e instanceof RangeError) ctx.invalid(e.message);
      throw e;
    }
    output.shape = outShape;
    const plan = {
      start: begin,
      count: outShape,
      step: outShape.map(() => 1),
      inStride: stridesOf(input.shape),
      outputShape: outShape,
    };
    return () => stridedSliceData(input.data, plan, output.data);
  },
};
