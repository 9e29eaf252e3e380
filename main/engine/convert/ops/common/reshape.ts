/**
 * Ops that only change dims (Flatten, Reshape, Squeeze, Unsqueeze) share this: a constant is
 * re-dimmed; an activation gets a RESHAPE, after moving it to ONNX order, which costs a
 * TRANSPOSE only when its channel-last order differs in memory (not after global pooling, where
 * the spatial dims are 1).
 */
import { reshapeConst, type ConstTensor } from '../../const-tensor';
import type { NodeContext } from '../../node-context';
import type { OpConverter } from '../../op-converter';
import type { Value } from '../../values';

/** The op's output dims from its input dims (and the node's attributes or constant inputs). */
export type DimsRule = (ctx: NodeContext, dims: number[]) => number[];

export function reshapeConverter(rule: DimsRule): OpConverter {
  return {
    convert(ctx) {
      const x = ctx.act(0);
      const dims = rule(ctx, x.dims);
      return [
        ctx.builder.reshape(
          x,
          dims,
          ctx.outputName(0),
          `${ctx.where} needs its input in ONNX (channel-first) order`,
        ),
      ];
    },
    fold: (ctx, [x]) => [reshapeConst(x!, rule(ctx, x!.dims))],
  };
}

/** Axes from the `axes` attribute (before opset 13) or the constant input 1, made non-negative for `rank`. */
export function axesOf(ctx: NodeContext, rank: number): number[] | undefined {
  let axes: number[] | undefined;
  if (ctx.opset < 13) axes = ctx.attrs.has('axes') ? ctx.attrs.ints('axes', []) : undefined;
  else {
    const c: ConstTensor | undefined = ctx.optionalConst(1, 'axes');
    axes = c ? Array.from(c.data as ArrayLike<number | bigint>, Number) : undefined;
  }
  return axes?.map((a) => {
    const n = a < 0 ? a + rank : a;
    if (!(n >= 0 && n < rank)) ctx.unsupported(`axis ${a} out of range for rank ${rank}`);
    return n;
  });
}

export function dimsOfValue(v: Value): number[] {
  return v.kind === 'const' ? v.value.dims : v.dims;
}
