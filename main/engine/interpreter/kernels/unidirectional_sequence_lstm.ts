/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM: float32 (common/lstm-float.ts), hybrid float32 activations with int8
 * weights (common/lstm-hybrid.ts) and integer-only int8 with int16 cell state (common/lstm-integer.ts).
 * Layer-norm LSTMs (and peephole/projection outside the float path) are refused in prepare. The output and cell states are variable tensors carried across
 * invocations, as in TFLite.
 */
import type { EvalFn, Kernel, OpContext } from '../types';
import { makeFloatLstm, type LstmProbe } from './common/lstm-float';
import { makeHybridLstm } from './common/lstm-hybrid';
import { makeIntegerLstm, prepareIntegerLstm } from './common/lstm-integer';
import { lstmOperands } from './common/lstm-tensors';

/**
 * The kernel, optionally with a probe per operator index on the float path (calibration observes
 * the gates and the cell state through it; `kernel` has none).
 */
export function lstmKernel(probeFor?: (opIndex: number) => LstmProbe | undefined): Kernel {
  return { prepare: (ctx) => prepareLstm(ctx, probeFor) };
}

export const kernel: Kernel = lstmKernel();

function prepareLstm(ctx: OpContext, probeFor?: (opIndex: number) => LstmProbe | undefined): EvalFn {
  const o = lstmOperands(ctx);
  const opts = ctx.options ?? {};
  const activation: number = opts.fusedActivationFunction ?? 4;
  const cellClip: number = opts.cellClip ?? 0;
  const projClip: number = opts.projClip ?? 0;
  if (cellClip < 0 || projClip < 0) ctx.invalid('cell_clip and proj_clip must be >= 0');
  o.output.shape = o.timeMajor ? [o.nTime, o.nBatch, o.nOutput] : [o.nBatch, o.nTime, o.nOutput];
  if (o.output.dtype !== o.input.dtype)
    ctx.unsupported(`input ${o.input.dtype} with output ${o.output.dtype}`);
  if (o.input.dtype === 'float32') {
    const weightsDtype = o.forgetGate.inputWeights.dtype;
    if (![0, 1, 2, 3, 4, 6].includes(activation)) ctx.unsupported(`activation ${activation}`);
    if (weightsDtype === 'int8')
      return makeHybridLstm(ctx, o, activation, cellClip, opts.asymmetricQuantizeInputs ?? false);
    if (weightsDtype !== 'float32') ctx.unsupported(`hybrid LSTM with ${weightsDtype} weights`);
    if (o.hasLayerNorm) ctx.unsupported('layer-norm LSTM');
    for (const t of ctx.inputs)
      if (t && t.dtype !== 'float32') ctx.unsupported(`float LSTM operand ${t.name} is ${t.dtype}`);
    return makeFloatLstm(o, activation, cellClip, projClip, probeFor?.(ctx.opIndex));
  }
  if (o.input.dtype === 'int8')
    return makeIntegerLstm(o, prepareIntegerLstm(ctx, o, activation, cellClip, projClip));
  return ctx.unsupported(`input dtype ${o.input.dtype}`);
}
