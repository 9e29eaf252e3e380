/**
 * Reductions (ReduceMean → MEAN, ReduceSum → SUM) over the axes as the activation stores them,
 * so a channel-last tensor is reduced in place, no TRANSPOSE. Axes come from the attribute, or
 * from the constant input 1 from the opset where ONNX moved them there (13 for ReduceSum, 18 for
 * the others); no axes means all of them, unless noop_with_empty_axes (then no operator).
 * Without keepdims the kept dims keep their stored order. To add one: a file calling
 * `reduceConverter(<TFLite op>, <opset of the axes input>)`.
 */
import { BuiltinOptions, ReducerOptionsT, type BuiltinOperator } from '../../../tflite/generated/tflite';
import { numbersOf } from '../../const-tensor';
import type { NodeContext } from '../../node-context';
import type { OpConverter } from '../../op-converter';
import { floatAct } from './unary';

function axesOf(ctx: NodeContext, rank: number, axesInputSince: number): number[] | undefined {
  let axes: number[] | undefined;
  if (ctx.opset < axesInputSince) axes = ctx.attrs.has('axes') ? ctx.attrs.ints('axes', []) : undefined;
  else {
    const c = ctx.optionalConst(1, 'axes');
    axes = c && c.data.length > 0 ? numbersOf(c) : undefined;
  }
  if (!axes)
    return ctx.attrs.int('noop_with_empty_axes', 0) === 1
      ? undefined
      : Array.from({ length: rank }, (_, i) => i);
  const normal = axes.map((a) => (a < 0 ? a + rank : a));
  if (normal.some((a) => !(a >= 0 && a < rank)) || new Set(normal).size !== normal.length)
    ctx.unsupported(`axes [${axes}] for rank ${rank}`);
  return normal;
}

export function reduceConverter(op: BuiltinOperator, axesInputSince: number): OpConverter {
  return {
    convert(ctx) {
      const x = floatAct(ctx);
      const axes = axesOf(ctx, x.dims.length, axesInputSince);
      if (!axes) {
        ctx.note('noop_with_empty_axes: no operator');
        return [x];
      }
      const keepDims = ctx.attrs.int('keepdims', 1) === 1;
      const physicalAxes = axes.map((a) => x.perm.indexOf(a)).sort((a, b) => a - b);
      const physicalShape = ctx.builder.graph.tensors[x.tensor].shape;
      let dims: number[];
      let perm: number[];
      let shape: number[];
      if (keepDims) {
        dims = x.dims.map((d, i) => (axes.includes(i) ? 1 : d));
        perm = [...x.perm];
        shape = physicalShape.map((d, i) => (physicalAxes.includes(i) ? 1 : d));
      } else {
        const kept = x.dims.map((_, i) => i).filter((i) => !axes.includes(i));
        dims = kept.map((i) => x.dims[i]);
        perm = x.perm.filter((p) => !axes.includes(p)).map((p) => kept.indexOf(p));
        shape = physicalShape.filter((_, i) => !physicalAxes.includes(i));
      }
      const tensor = ctx.builder.emit({
        op,
        optionsType: BuiltinOptions.ReducerOptions,
        options: new ReducerOptionsT(keepDims),
        inputs: [x.tensor, ctx.builder.int32Tensor(physicalAxes, ctx.tempName('axes'))],
        shape,
        name: ctx.outputName(0),
      });
      return [ctx.output(tensor, dims, perm)];
    },
  };
}
