/**
 * Slice → STRIDED_SLICE on the activation as it is stored (begin/end/strides permuted to its
 * layout), with ONNX's clamping done here (common/slice-plan.ts); folded on constants, so
 * Shape → Slice chains become constants. starts/ends/axes are attributes before opset 10,
 * constant inputs 1–4 from 10 on. An empty result is refused (TFLite tensors are not empty).
 */
import { BuiltinOperator, BuiltinOptions, StridedSliceOptionsT } from '../../tflite/generated/tflite';
import { numbersOf, type ConstTensor } from '../const-tensor';
import { permuteDims } from '../layout';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import { slicePlan, sliceConst, type SliceAxis } from './common/slice-plan';
import { requireDtype } from './common/unary';

function planOf(ctx: NodeContext, dims: number[]): SliceAxis[] {
  const rank = dims.length;
  const list = (i: number, attr: string, what: string): number[] | undefined => {
    if (ctx.opset < 10) return ctx.attrs.has(attr) ? ctx.attrs.ints(attr, []) : undefined;
    const c = ctx.optionalConst(i, what);
    return c ? numbersOf(c) : undefined;
  };
  const starts = list(1, 'starts', 'starts') ?? ctx.unsupported('starts are missing');
  const ends = list(2, 'ends', 'ends') ?? ctx.unsupported('ends are missing');
  const axes = (list(3, 'axes', 'axes') ?? starts.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a));
  const steps = ctx.opset < 10 ? starts.map(() => 1) : (list(4, '', 'steps') ?? starts.map(() => 1));
  if ([ends, axes, steps].some((l) => l.length !== starts.length))
    ctx.unsupported('starts, ends, axes and steps differ in length');
  if (axes.some((a) => !(a >= 0 && a < rank)) || new Set(axes).size !== axes.length)
    ctx.unsupported(`axes [${axes}] for rank ${rank}`);
  if (steps.some((s) => s === 0)) ctx.unsupported('a step of 0');
  const plan = slicePlan(dims, axes, starts, ends, steps);
  if (plan.some((p) => p.size === 0)) ctx.unsupported(`an empty slice of [${dims}]`);
  return plan;
}

export const slice: OpConverter = {
  convert(ctx) {
    const x = requireDtype(ctx, ctx.act(0), 0, ['float32', 'int32', 'int64']);
    const plan = planOf(ctx, x.dims);
    const dims = plan.map((p) => p.size);
    if (plan.every((p, i) => p.begin === 0 && p.step === 1 && p.size === x.dims[i])) {
      ctx.note('slices nothing: no operator');
      return [x];
    }
    const physical = permuteDims(plan, x.perm);
    const endMask = physical.reduce((mask, p, i) => (p.end < 0 ? mask | (1 << i) : mask), 0);
    const vector = (values: number[], what: string) => ctx.builder.int32Tensor(values, ctx.tempName(what));
    const tensor = ctx.builder.emit({
      op: BuiltinOperator.STRIDED_SLICE,
      optionsType: BuiltinOptions.StridedSliceOptions,
      options: new StridedSliceOptionsT(0, endMask),
      inputs: [
        x.tensor,
        vector(
          physical.map((p) => p.begin),
          'begin',
        ),
        vector(
          physical.map((p) => (p.end < 0 ? 0 : p.end)),
          'end',
        ),
        vector(
          physical.map((p) => p.step),
          'strides',
        ),
      ],
      shape: permuteDims(dims, x.perm),
      dtype: x.dtype,
      name: ctx.outputName(0),
    });
    return [ctx.output(tensor, dims, x.perm)];
  },
  fold: (ctx, [x]) => {
    const c: ConstTensor = x ?? ctx.unsupported('input 0 is missing');
    return [sliceConst(c, planOf(ctx, c.dims))];
  },
};
