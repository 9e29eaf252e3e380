/** EXPAND_DIMS: inserts a size-1 dimension at the constant axis (in [-rank-1, rank]). */
import { constInts } from './common/kernel-util';
import { prepareCopy } from './common/reshape';
import type { Kernel, OpContext } from '../types';

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const axisT = ctx.input(1);
    const vals = constInts(ctx, axisT, 'axis');
    if (vals.length !== 1) ctx.invalid(`axis must be a scalar, got ${vals.length} values`);
    const rank = input.shape.length;
    let axis = vals[0];
    if (axis < -rank - 1 || axis > rank) ctx.invalid(`axis ${axis} is out of range for rank ${rank}`);
    if (axis < 0) axis += rank + 1;
    const shape = [...input.shape.slice(0, axis), 1, ...input.shape.slice(axis)];
    return prepareCopy(ctx, input, ctx.output(0), shape);
  },
};
