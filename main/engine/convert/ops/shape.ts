/** Shape → a constant int64 vector: every dim is known at conversion time (start/end from opset 15). */
import { int64Const } from '../const-tensor';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import { constValue } from '../values';
import { dimsOfValue } from './common/reshape';

function shapeOf(ctx: NodeContext, dims: number[]) {
  const rank = dims.length;
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + rank : i, 0), rank);
  const part = dims.slice(clampIndex(ctx.attrs.int('start', 0)), clampIndex(ctx.attrs.int('end', rank)));
  return int64Const([part.length], part);
}

export const shape: OpConverter = {
  convert: (ctx) => [constValue(shapeOf(ctx, dimsOfValue(ctx.requireInput(0))))],
  fold: (ctx, [x]) => [shapeOf(ctx, x!.dims)],
};
