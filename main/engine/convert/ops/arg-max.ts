/**
 * ArgMax → ARG_MAX (int64 indices) along the axis, on the activation in ONNX order; keepdims
 * puts the reduced axis back as size 1 (a RESHAPE). select_last_index is refused: TFLite's
 * ARG_MAX returns the first of equal maxima.
 */
import { ArgMaxOptionsT, BuiltinOperator, BuiltinOptions, TensorType } from '../../tflite/generated/tflite';
import { identityPerm } from '../layout';
import type { OpConverter } from '../op-converter';
import { floatAct } from './common/unary';

export const argMax: OpConverter = {
  convert(ctx) {
    const x = floatAct(ctx);
    const rank = x.dims.length;
    const raw = ctx.attrs.int('axis', 0);
    const axis = raw < 0 ? raw + rank : raw;
    if (!(axis >= 0 && axis < rank)) ctx.unsupported(`axis ${raw} for rank ${rank}`);
    if (ctx.attrs.int('select_last_index', 0) !== 0)
      ctx.unsupported('select_last_index (ARG_MAX takes the first maximum)');
    const dims = x.dims.filter((_, i) => i !== axis);
    const keepDims = ctx.attrs.int('keepdims', 1) === 1;
    const tensor = ctx.builder.emit({
      op: BuiltinOperator.ARG_MAX,
      optionsType: BuiltinOptions.ArgMaxOptions,
      options: new ArgMaxOptionsT(TensorType.INT64),
      inputs: [
        ctx.tensorIn(x, identityPerm(rank), 'onnx_order'),
        ctx.builder.int32Tensor([axis], ctx.tempName('axis'), []),
      ],
      shape: dims,
      dtype: 'int64',
      name: keepDims ? ctx.tempName('argmax') : ctx.outputName(0),
    });
    const y = ctx.output(tensor, dims, identityPerm(dims.length), 'int64');
    if (!keepDims) return [y];
    const kept = x.dims.map((d, i) => (i === axis ? 1 : d));
    return [ctx.builder.reshape(y, kept, ctx.outputName(0), `${ctx.where} keeps the reduced axis`)];
  },
};
