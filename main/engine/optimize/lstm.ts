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
import { QuantizationError } from '../errors';
import {
  BuiltinOperator,
  QuantizationParametersT,
  TensorType,
  type OperatorT,
  type SubGraphT,
} from '../tflite/generated/tflite';
import { addTensor, bufferAs, bytesOf, isConstant, opcodeIndex, quantParams } from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { asString } from '../tflite/names';
import { lstmGateKey } from './calibrate/lstm';
import { int8WeightCopy } from './hybrid-weights';
import type { Range } from './calibrate/types';
import { quantizeBias } from './weights';

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
    const copy = int8WeightCopy(model, sg, cache, wIndex, null);
    if (copy.added) converted++;
    op.inputs[s] = copy.index;
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

/**
 * Full integer (TFLite's 8x8->16 integer LSTM, lstm_eval's LstmStepInteger8x8_16), as LiteRT's
 * post-training quantizer lays it out (trained_lstm_int8.tflite is the structural reference):
 *  - input: int8 asymmetric, from its calibrated range (shared with whatever produces it);
 *  - weights 1-8: int8 symmetric per tensor; biases 12-15: int32, scale = input scale × that
 *    gate's input-to-gate weight scale, zero point 0 (the recurrent half has no bias);
 *  - output, output state (18) and the hidden intermediate (4): one int8 parameter set from the
 *    output's calibrated range. Without projection the kernel writes the hidden state, computed at
 *    the hidden scale, into the output state and the output, so the three must agree;
 *  - cell state (19): int16 symmetric with a power-of-two scale 2^ceil(log2 max|c|) / 2^15 from
 *    the calibrated cell range, kept within what the kernel accepts (2^-15 ... 2^-9);
 *  - intermediates 0-3 (input_to_{input,forget,cell,output}_intermediate): without layer norm the
 *    kernel computes gates in fixed Q3.12 and ignores them, so, as in the reference, they carry no
 *    scale; the calibrated gate pre-activation ranges are recorded in their min/max fields, for
 *    information (the form TFLite's calibrator writes). Q3.12 covers ±8: beyond it sigmoid and
 *    tanh are within 4e-4 of their limits, so a gate that reaches further loses nothing.
 * Peephole, projection and layer-norm LSTMs (which Lowbit's integer kernel lacks) and 16x8 stay
 * float: see lstmIntegerBlocker.
 */
export interface LstmRewriteContext {
  model: TflModel;
  sg: SubGraphT;
  ranges: Map<number, Range>;
  warnings: string[];
  /** The int8 version of an activation (QUANTIZE inserted when it comes from a float op). */
  quantized(i: number): number;
  params(i: number): { scale: number; zeroPoint: number };
  /** The op's output converted in place to int8 with its group's parameters. */
  quantizeOutput(i: number): void;
  weights(i: number): { index: number; scale: number[] };
}

const GATES = ['input', 'forget', 'cell', 'output'];

/** Why Lowbit cannot make this LSTM integer-only, or null when it can. */
export function lstmIntegerBlocker(
  model: TflModel,
  sg: SubGraphT,
  op: OperatorT,
  int16: boolean,
): string | null {
  const at = (slot: number) => {
    const i = op.inputs[slot];
    return i !== undefined && i >= 0 ? sg.tensors[i] : undefined;
  };
  if (int16) return 'TFLite has a 16x8 LSTM (version 5), Lowbit has no kernel for it';
  if ([9, 10, 11].some((s) => at(s))) return "Lowbit's integer LSTM has no peephole connections";
  if (at(16) || at(17)) return "Lowbit's integer LSTM has no projection";
  if ([20, 21, 22, 23].some((s) => at(s))) return "Lowbit's integer LSTM has no layer normalization";
  const act =
    (op.builtinOptions as { fusedActivationFunction?: number } | null)?.fusedActivationFunction ?? 4;
  if (act !== 4 && act !== 6) return 'the integer LSTM computes TANH or SIGMOID cell activations only';
  const cifg = !at(1);
  for (const s of [1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15]) {
    if (cifg && (s === 1 || s === 5 || s === 12)) continue;
    const t = at(s);
    if (!t || t.type !== TensorType.FLOAT32 || !isConstant(model, t))
      return `operand ${s} is not a constant float32 tensor`;
  }
  for (const s of [18, 19]) {
    const t = at(s);
    if (!t || !t.isVariable || t.type !== TensorType.FLOAT32)
      return `state operand ${s} is not a float32 variable`;
  }
  return null;
}

/** Rewrites one planned LSTM in place; returns the number of biases it converted. */
export function rewriteIntegerLstm(c: LstmRewriteContext, op: OperatorT, k: number): number {
  let biases = 0;
  const { model, sg } = c;
  const inputs = [...op.inputs];
  const x = c.quantized(op.inputs[0]);
  inputs[0] = x;
  const xScale = c.params(op.inputs[0]).scale;
  for (let g = 0; g < 4; g++) {
    const wSlot = 1 + g;
    if (inputs[wSlot] < 0) continue; // CIFG: no input gate
    const w = c.weights(inputs[wSlot]);
    inputs[wSlot] = w.index;
    inputs[5 + g] = c.weights(inputs[5 + g]).index;
    const b = inputs[12 + g];
    const bt = sg.tensors[b];
    const qb = quantizeBias(bufferAs(model.buffers[bt.buffer].data, Float32Array), xScale, w.scale, 'int32');
    inputs[12 + g] = addTensor(model, sg, {
      name: asString(bt.name),
      shape: bt.shape,
      type: TensorType.INT32,
      data: bytesOf(qb.data),
      quant: { scale: qb.scale, zeroPoint: qb.zeroPoint },
    });
    biases++;
  }
  const out = op.outputs[0];
  c.quantizeOutput(out);
  const h = c.params(out);
  const hState = sg.tensors[inputs[18]];
  hState.type = TensorType.INT8;
  hState.quantization = quantParams({ scale: [h.scale], zeroPoint: [h.zeroPoint] });
  const cellIndex = inputs[19];
  const cellRange = c.ranges.get(cellIndex);
  if (!cellRange)
    throw new QuantizationError(
      `UNIDIRECTIONAL_SEQUENCE_LSTM #${k}: its cell state was never observed during calibration`,
    );
  const maxAbs = Math.max(Math.abs(cellRange.min), Math.abs(cellRange.max));
  const bits = maxAbs > 0 ? Math.ceil(Math.log2(maxAbs)) : 0;
  const intBits = Math.min(6, Math.max(0, bits));
  if (bits > 6)
    c.warnings.push(
      `UNIDIRECTIONAL_SEQUENCE_LSTM #${k}: the cell state reaches ${maxAbs.toPrecision(4)}, beyond the ±64 an int16 cell state can hold in the integer kernel: it saturates`,
    );
  const cell = sg.tensors[cellIndex];
  cell.type = TensorType.INT16;
  cell.quantization = quantParams({ scale: [2 ** (intBits - 15)], zeroPoint: [0] });
  op.intermediates = GATES.map((name, g) => {
    const r = c.ranges.get(lstmGateKey(k, g));
    const i = addTensor(model, sg, {
      name: `input_to_${name}_intermediate`,
      shape: [0],
      type: TensorType.FLOAT32,
    });
    if (r) {
      const q = new QuantizationParametersT();
      q.min = [r.min];
      q.max = [r.max];
      sg.tensors[i].quantization = q;
    }
    return i;
  });
  op.intermediates.push(
    addTensor(model, sg, {
      name: 'effective_hidden_scale_intermediate',
      shape: [0],
      type: TensorType.INT8,
      quant: { scale: [h.scale], zeroPoint: [h.zeroPoint] },
    }),
  );
  op.inputs = inputs;
  return biases;
}
