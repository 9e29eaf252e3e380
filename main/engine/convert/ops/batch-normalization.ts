/**
 * BatchNormalization (inference) → folded into the CONV_2D / DEPTHWISE_CONV_2D before it when
 * this node is that convolution's only reader: w' = w·s, b' = b·s + (β − mean·s) with
 * s = γ/√(var+ε), per output channel. Otherwise MUL + ADD with per-channel constants.
 */
import {
  ActivationFunctionType,
  AddOptionsT,
  BuiltinOperator,
  BuiltinOptions,
  MulOptionsT,
} from '../../tflite/generated/tflite';
import { float32Const, numbersOf } from '../const-tensor';
import type { IrOp } from '../ir';
import type { NodeContext } from '../node-context';
import type { OpConverter } from '../op-converter';
import { emitBinary, perChannel } from './common/elementwise';

export const batchNormalization: OpConverter = {
  convert(ctx) {
    const x = ctx.act(0);
    const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) =>
      numbersOf(ctx.constInput(i, 'the statistics')),
    );
    const channels = x.dims[1];
    if ([gamma, beta, mean, variance].some((v) => v.length !== channels))
      ctx.unsupported(`statistics of length ${gamma.length} for ${channels} channels`);
    const eps = ctx.attrs.float('epsilon', 1e-5);
    const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + eps));
    const shift = beta.map((b, c) => b - mean[c] * scale[c]);
    const producer = ctx.soleProducer(0);
    if (producer && foldIntoConv(ctx, producer, scale, shift)) {
      ctx.builder.graph.tensors[x.tensor].name = ctx.outputName(0);
      ctx.note(`folded into ${BuiltinOperator[producer.op]} of node ${producer.node}`);
      return [x];
    }
    const rank = x.dims.length;
    const scaled = emitBinary(
      ctx,
      x,
      { kind: 'const', value: perChannel(float32Const([channels], scale), rank) },
      MUL,
      ctx.tempName('scale'),
    );
    return [
      emitBinary(
        ctx,
        scaled,
        { kind: 'const', value: perChannel(float32Const([channels], shift), rank) },
        ADD,
      ),
    ];
  },
};

const MUL = {
  op: BuiltinOperator.MUL,
  optionsType: BuiltinOptions.MulOptions,
  options: () => new MulOptionsT(ActivationFunctionType.NONE),
};
const ADD = {
  op: BuiltinOperator.ADD,
  optionsType: BuiltinOptions.AddOptions,
  options: () => new AddOptionsT(ActivationFunctionType.NONE),
};

/** Scales the convolution's filter and bias in place; false when the producer is not a plain float convolution. */
function foldIntoConv(ctx: NodeContext, op: IrOp, scale: number[], shift: number[]): boolean {
  if (op.op !== BuiltinOperator.CONV_2D && op.op !== BuiltinOperator.DEPTHWISE_CONV_2D) return false;
  const options = op.options as { fusedActivationFunction: ActivationFunctionType };
  if (options.fusedActivationFunction !== ActivationFunctionType.NONE) return false;
  const tensors = ctx.builder.graph.tensors;
  const filter = tensors[op.inputs[1]];
  const bias = tensors[op.inputs[2]];
  if (filter.dtype !== 'float32' || bias?.dtype !== 'float32' || !filter.data || !bias.data) return false;
  const w = new Float32Array(filter.data.buffer, filter.data.byteOffset, filter.data.byteLength / 4);
  const b = new Float32Array(bias.data.buffer, bias.data.byteOffset, bias.data.byteLength / 4);
  const channels = scale.length;
  if (b.length !== channels) return false;
  // CONV_2D filters are OHWI (channel outermost); DEPTHWISE_CONV_2D filters are 1HWC (innermost).
  const depthwise = op.op === BuiltinOperator.DEPTHWISE_CONV_2D;
  const per = w.length / channels;
  for (let i = 0; i < w.length; i++) w[i] *= scale[depthwise ? i % channels : Math.floor(i / per)];
  for (let c = 0; c < channels; c++) b[c] = b[c] * scale[c] + shift[c];
  return true;
}
