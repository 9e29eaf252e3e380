/** Clamping activations: fused into the producer when allowed, else their own operator. */
import type { ActivationFunctionType, BuiltinOperator } from '../../../tflite/generated/tflite';
import { constOf, numbersOf, type ConstTensor } from '../../const-tensor';
import type { NodeContext } from '../../node-context';
import type { ActValue } from '../../values';

export function activation(ctx: NodeContext, fused: ActivationFunctionType, op: BuiltinOperator): ActValue {
  const x = ctx.act(0);
  const fusedValue = ctx.fuseActivation(fused);
  if (fusedValue) return fusedValue;
  const tensor = ctx.builder.emit({
    op,
    inputs: [x.tensor],
    shape: [...ctx.builder.graph.tensors[x.tensor].shape],
    dtype: x.dtype,
    name: ctx.outputName(0),
  });
  return ctx.output(tensor, x.dims, x.perm);
}

export function clampConst(x: ConstTensor, lo: number, hi: number): ConstTensor {
  return constOf(
    x.dtype,
    x.dims,
    numbersOf(x).map((v) => Math.min(Math.max(v, lo), hi)),
  );
}
