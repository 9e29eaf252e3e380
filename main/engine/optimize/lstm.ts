/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM in the quantizers.
 *
 * Dynamic range (hybrid), after LiteRT's weight quantizers (the legacy quantize_weights and the
 * MLIR dynamic-range pass agree on these points):
 *  - the weight operands 1-8 (input-to-gate and recurrent-to-gate), 9-11 (peephole) and 16
 *    (projection) become symmetric int8 in [-127, 127], per tensor: the hybrid LSTM kernels read
 *    one scale per matrix, there is no per-channel hybrid LSTM;
 *  - biases (12-15, 17) and layer-norm coefficients (20-23) stay float32: the hybrid kernel adds
 *    them in float;
 *  - the op cannot be partly quantized, so when any of those weights is smaller than
 *    `minElements` the whole LSTM stays float (the MLIR pass warns and skips the op);
 *  - asymmetric_quantize_inputs is set (LiteRT's default hybrid scheme: inputs and the output
 *    state quantized per batch row with a zero point), which makes the op version 3.
 */
import { BuiltinOperator, TensorType, type OperatorT, type SubGraphT } from '../tflite/generated/tflite';
import { addTensor, bytesOf, isConstant, opcodeIndex, viewAs } from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { asString } from '../tflite/names';
import { quantizeWeightsSymmetric } from './weights';

/** Operand slots holding weight matrices/vectors that LiteRT quantizes in a hybrid LSTM. */
export const LSTM_WEIGHT_SLOTS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16];

export type HybridLstmOutcome =
  | { kind: 'quantized'; converted: number }
  /** Not a float LSTM with constant float weights: nothing to do, no message. */
  | { kind: 'not-eligible' }
  | { kind: 'too-small'; message: string };

/**
 * Quantizes the weights of one float UNIDIRECTIONAL_SEQUENCE_LSTM for hybrid evaluation, or
 * leaves it untouched. `cache` maps a float weight tensor to its int8 copy (shared weights are
 * quantized once; the float tensor stays for any other reader).
 */
export function quantizeLstmHybrid(
  model: TflModel,
  sg: SubGraphT,
  op: OperatorT,
  k: number,
  minElements: number,
  cache: Map<number, number>,
): HybridLstmOutcome {
  const tensorAt = (slot: number) => {
    const i = op.inputs[slot];
    return i !== undefined && i >= 0 ? sg.tensors[i] : undefined;
  };
  const input = tensorAt(0);
  const output = op.outputs[0] >= 0 ? sg.tensors[op.outputs[0]] : undefined;
  if (input?.type !== TensorType.FLOAT32 || output?.type !== TensorType.FLOAT32)
    return { kind: 'not-eligible' };
  const slots = LSTM_WEIGHT_SLOTS.filter((s) => tensorAt(s) !== undefined);
  if (slots.length === 0) return { kind: 'not-eligible' };
  for (const s of slots) {
    const t = tensorAt(s)!;
    if (t.type !== TensorType.FLOAT32 || !isConstant(model, t)) return { kind: 'not-eligible' };
  }
  const small = slots.filter((s) => tensorAt(s)!.shape.reduce((a, b) => a * b, 1) < minElements);
  if (small.length > 0) {
    const sizes = small.map((s) => `${s}: ${tensorAt(s)!.shape.reduce((a, b) => a * b, 1)}`).join(', ');
    return {
      kind: 'too-small',
      message:
        `UNIDIRECTIONAL_SEQUENCE_LSTM #${k} stays float: weight operand(s) (${sizes} elements) have fewer ` +
        `than ${minElements} elements, and an LSTM cannot be partly quantized (LiteRT skips it too; lower minElements to quantize it)`,
    };
  }
  let converted = 0;
  for (const s of slots) {
    const wIndex = op.inputs[s];
    let q = cache.get(wIndex);
    if (q === undefined) {
      const w = sg.tensors[wIndex];
      const values = viewAs(model.buffers[w.buffer].data, Float32Array);
      const qw = quantizeWeightsSymmetric(values, w.shape, null);
      q = addTensor(model, sg, {
        name: asString(w.name),
        shape: w.shape,
        type: TensorType.INT8,
        data: bytesOf(qw.data),
        quant: qw,
      });
      cache.set(wIndex, q);
      converted++;
    }
    op.inputs[s] = q;
  }
  if (op.builtinOptions && 'asymmetricQuantizeInputs' in op.builtinOptions)
    op.builtinOptions.asymmetricQuantizeInputs = true;
  op.opcodeIndex = opcodeIndex(model, BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, lstmVersion(op, sg));
  return { kind: 'quantized', converted };
}

/** op_version for UNIDIRECTIONAL_SEQUENCE_LSTM from its operand types and options. */
export function lstmVersion(op: OperatorT, sg: SubGraphT): number {
  const type = (i: number | undefined) => (i !== undefined && i >= 0 ? sg.tensors[i].type : undefined);
  const in0 = type(op.inputs[0]);
  const w = type(op.inputs[2]);
  const out0 = type(op.outputs[0]);
  const opts = op.builtinOptions as {
    diagonalRecurrentTensors?: boolean;
    asymmetricQuantizeInputs?: boolean;
  } | null;
  if (in0 === TensorType.INT16 && w === TensorType.INT8 && out0 === TensorType.INT16) return 5;
  if (opts?.diagonalRecurrentTensors) return 4;
  if (in0 === TensorType.FLOAT32 && w === TensorType.INT8 && out0 === TensorType.FLOAT32)
    return opts?.asymmetricQuantizeInputs ? 3 : 2;
  return 1;
}
