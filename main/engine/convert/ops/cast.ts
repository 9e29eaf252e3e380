/** Cast → folded on constants; CAST on activations. */
import { BuiltinOperator, BuiltinOptions, CastOptionsT } from '../../tflite/generated/tflite';
import { tensorTypeOf } from '../../tflite/dtype';
import { castConst } from '../const-tensor';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import { dataTypeName, OnnxDataType } from '../../onnx/data-type';
import { dtypeOfOnnx } from '../onnx-tensor';
import { permuteDims } from '../layout';

function target(ctx: NodeContext) {
  const to = ctx.attrs.int('to', 0);
  // float16 and bfloat16 values are held as float32: a cast to them would drop its rounding.
  if (to === OnnxDataType.FLOAT16 || to === OnnxDataType.BFLOAT16)
    ctx.unsupported(`Cast to ${dataTypeName(to)} (the converted model computes in float32)`);
  return dtypeOfOnnx(to) ?? ctx.unsupported(`Cast to ONNX type ${to}`);
}

export const cast: OpConverter = {
  convert(ctx) {
    const x = ctx.act(0);
    const to = target(ctx);
    if (to === x.dtype) return [x];
    const tensor = ctx.builder.emit({
      op: BuiltinOperator.CAST,
      optionsType: BuiltinOptions.CastOptions,
      options: new CastOptionsT(tensorTypeOf(x.dtype), tensorTypeOf(to)),
      inputs: [x.tensor],
      shape: permuteDims(x.dims, x.perm),
      dtype: to,
      name: ctx.outputName(0),
    });
    return [ctx.output(tensor, x.dims, x.perm, to)];
  },
  fold: (ctx, [x]) => [castConst(x!, target(ctx))],
};
