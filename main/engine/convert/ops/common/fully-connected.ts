/** FULLY_CONNECTED from an activation and constant weights in TFLite's [units, features] layout. */
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  FullyConnectedOptionsT,
  FullyConnectedOptionsWeightsFormat,
} from '../../../tflite/generated/tflite';
import type { ConstTensor } from '../../const-tensor';
import { identityPerm } from '../../layout';
import type { NodeContext } from '../../node-context';
import type { ActValue } from '../../values';

/** x [..., K] (ONNX order) times weights [N, K] plus bias [N] → [..., N]. */
export function fullyConnected(
  ctx: NodeContext,
  x: ActValue,
  weights: ConstTensor,
  bias: ConstTensor,
  name = ctx.outputName(0),
): ActValue {
  const [units, features] = weights.dims;
  if (x.dims[x.dims.length - 1] !== features)
    ctx.unsupported(`input [${x.dims}] does not have ${features} features for weights [${weights.dims}]`);
  if (x.featureOrder) weights = permuteColumns(weights, x.featureOrder);
  const rank = x.dims.length;
  const input = ctx.tensorIn(x, identityPerm(rank), 'onnx_order');
  const dims = [...x.dims.slice(0, -1), units];
  const tensor = ctx.builder.emit({
    op: BuiltinOperator.FULLY_CONNECTED,
    optionsType: BuiltinOptions.FullyConnectedOptions,
    options: new FullyConnectedOptionsT(
      ActivationFunctionType.NONE,
      FullyConnectedOptionsWeightsFormat.DEFAULT,
      rank > 2,
    ),
    inputs: [
      input,
      ctx.builder.constTensor(weights, ctx.tempName('weights')),
      ctx.builder.constTensor(bias, ctx.tempName('bias')),
    ],
    shape: dims,
    name,
  });
  return ctx.output(tensor, dims, identityPerm(dims.length));
}

/** Weights [N, K] whose column p is column order[p] of the input (features stored in another order). */
function permuteColumns(weights: ConstTensor, order: Int32Array): ConstTensor {
  const [units, features] = weights.dims;
  const src = weights.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let u = 0; u < units; u++)
    for (let p = 0; p < features; p++) out[u * features + p] = src[u * features + order[p]];
  return { ...weights, data: out };
}
