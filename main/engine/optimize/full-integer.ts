/**
 * Full-integer post-training quantization: int8 activations (or int16, the 16x8 scheme) and int8
 * weights, calibrated by running the float model over representative samples.
 *
 * Per the TFLite quantization spec: weights symmetric int8 in [-127, 127], per channel (CONV_2D
 * axis 0, DEPTHWISE_CONV_2D axis 3, FULLY_CONNECTED axis 0) unless `perTensor`; activations per
 * tensor, int8 asymmetric with the range widened to contain 0 and the zero point rounded (so 0 is
 * exact), or int16 symmetric (zero point 0); biases int32 (int64 for 16x8) with scale =
 * input scale × weight scale; fixed output parameters for SOFTMAX/LOGISTIC/TANH/LOG_SOFTMAX/
 * L2_NORMALIZATION; one shared set of parameters across the inputs and outputs of the ops that
 * only move data (pooling, reshape, concatenation... see op-specs.ts), found by union-find over
 * tensors with the union of their calibrated ranges.
 *
 * Graph rewrite: each quantized op's float activations are replaced by quantized ones in place
 * (same index and name, so the debugger can pair them with the float model); where a float op
 * (no integer kernel, or kept float by the user) meets a quantized tensor, a QUANTIZE or
 * DEQUANTIZE is inserted once per tensor, just before its first reader. Model inputs/outputs are
 * float (QUANTIZE/DEQUANTIZE at the edges), int8/int16, or uint8 (a QUANTIZE requantizes between
 * uint8 and int8 at the edges, as LiteRT does).
 */
import { DatasetError, InvalidArgumentError, QuantizationError } from '../errors';
import { checkSupport } from '../interpreter/support';
import { BuiltinOperator, TensorType } from '../tflite/generated/tflite';
import { builtinOf, isConstant, pruneUnused } from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { asString } from '../tflite/names';
import type { ModelInputs } from '../tensor/model-inputs';
import { calibrate, type Range } from './calibrate/index';
import { checkInputRanges, type InputRangeReport } from './input-ranges';
import { keepFloatMatcher } from './keep-float';
import { lstmIntegerBlocker } from './lstm';
import { readQuantizationRecord, recordQuantization } from './metadata';
import { cloneModel } from './model-util';
import { Rewriter } from './full-integer-rewrite';
import type { OpPlan, PresetChange, PresetParams } from './full-integer-types';
import { OP_SPECS } from './op-specs';
import type { TechniqueOptions } from './techniques/types';
import type { QuantizeResult } from './types';

export type { ModelIo, OpPlan } from './full-integer-types';

/**
 * Ops with integer kernels in TFLite that this quantizer does not handle yet: recurrent ops whose
 * int8 form needs gate parameters and an int16 state. They stay float behind DEQUANTIZE/QUANTIZE
 * (or fail in strict mode) with a message that says whose gap it is. UNIDIRECTIONAL_SEQUENCE_LSTM is
 * quantized (lstm.ts), except the forms Lowbit's integer kernel lacks (lstmIntegerBlocker).
 */
const NOT_YET = new Set([
  'BIDIRECTIONAL_SEQUENCE_LSTM',
  'LSTM',
  'UNIDIRECTIONAL_SEQUENCE_RNN',
  'BIDIRECTIONAL_SEQUENCE_RNN',
  'RNN',
  'SVDF',
]);

/** The full-integer quantizer's options: the technique options it reads, and the activation type. */
export interface FullIntegerOptions extends Omit<TechniqueOptions, 'samples' | 'minElements'> {
  /** 'int8' (default) or 'int16' activations (16x8). */
  activations?: 'int8' | 'int16';
  /**
   * Parameters already chosen (a quantized ONNX model's), kept where the int8 spec allows; with
   * them, samples are needed only for tensors no preset covers.
   */
  presets?: PresetParams;
}

export interface FullIntegerResult extends QuantizeResult {
  inputRanges: InputRangeReport[];
  /** Ops left float, with the reason. */
  floatOpList: { op: number; name: string; reason: string }[];
  /** Presets the int8 spec did not allow (empty without presets). */
  presetChanges: PresetChange[];
}

/** Decides per operator whether it is quantized; used before calibration so strict mode fails fast. */
export function planFullInteger(model: TflModel, options: FullIntegerOptions = {}): OpPlan[] {
  const sg = model.subgraphs[0];
  const int16 = options.activations === 'int16';
  const keep = keepFloatMatcher(options.keepFloat ?? []);
  const isFloatAct = (i: number) =>
    i >= 0 && sg.tensors[i].type === TensorType.FLOAT32 && !isConstant(model, sg.tensors[i]);
  return sg.operators.map((op) => {
    const name = BuiltinOperator[builtinOf(model, op)] ?? `UNKNOWN_${builtinOf(model, op)}`;
    const spec = OP_SPECS[name];
    const touchesFloat = op.inputs.some(isFloatAct) || op.outputs.some(isFloatAct);
    if (!touchesFloat) return { quantize: false, name, reason: 'no float activations' };
    if (!spec)
      return {
        quantize: false,
        name,
        reason: NOT_YET.has(name)
          ? 'TFLite has an integer kernel, but Lowbit does not quantize this op yet (its gate and state parameters)'
          : 'no integer kernel in TFLite',
      };
    if (spec.lstm) {
      // Lowbit's own gaps (peephole, projection, layer norm, 16x8): no spec, so strict mode lists them.
      const blocker = lstmIntegerBlocker(model, sg, op, int16);
      if (blocker) return { quantize: false, name, reason: blocker };
    } else if (int16 && !spec.int16) return { quantize: false, name, reason: 'no 16x8 kernel in TFLite' };
    // Tensor rules match the op's outputs and its constant inputs (weights), not the activations
    // it reads, which belong to the op that produced them.
    const own = [...op.outputs, ...op.inputs.filter((i) => i >= 0 && isConstant(model, sg.tensors[i]))];
    const tensorNames = own.filter((i) => i >= 0).map((i) => asString(sg.tensors[i].name));
    if (keep.op(name) || tensorNames.some((n) => keep.tensor(n)))
      return { quantize: false, name, reason: 'kept float (keep-float rule)', spec };
    if (spec.weights) {
      const w = op.inputs[spec.weights.slot];
      if (
        w === undefined ||
        w < 0 ||
        !isConstant(model, sg.tensors[w]) ||
        sg.tensors[w].type !== TensorType.FLOAT32
      ) {
        return { quantize: false, name, reason: 'weights are not a constant float32 tensor', spec };
      }
      const b = spec.bias !== undefined ? op.inputs[spec.bias] : -1;
      if (
        b !== undefined &&
        b >= 0 &&
        (!isConstant(model, sg.tensors[b]) || sg.tensors[b].type !== TensorType.FLOAT32)
      ) {
        return { quantize: false, name, reason: 'bias is not a constant float32 tensor', spec };
      }
    }
    if (!spec.anyInput && op.outputs.some((i) => i >= 0 && sg.tensors[i].type !== TensorType.FLOAT32)) {
      return { quantize: false, name, reason: 'non-float output', spec };
    }
    return { quantize: true, name, reason: '', spec };
  });
}

/** Ops that stop a strict quantization (no integer kernel, here or in TFLite), one line each. */
export function strictViolations(plan: OpPlan[]): string[] {
  return plan.flatMap((p, k) =>
    !p.quantize && !p.spec && p.reason !== 'no float activations' ? [`${p.name} #${k}: ${p.reason}`] : [],
  );
}

export async function quantizeFullInteger(
  input: TflModel,
  samples: readonly ModelInputs[],
  options: FullIntegerOptions = {},
): Promise<FullIntegerResult> {
  const plan = prepareFullInteger(input, samples.length, options);
  const int16 = options.activations === 'int16';
  const target = int16
    ? { qmin: -32767, qmax: 32767, symmetric: true }
    : { qmin: -128, qmax: 127, symmetric: false };
  const ranges =
    samples.length === 0
      ? new Map<number, Range>()
      : await calibrate(input, samples, {
          method: options.method,
          percentile: options.percentile,
          target,
          signal: options.signal,
          onProgress: options.onProgress,
          pool: options.pool,
        });
  return rewriteFullInteger(input, plan, ranges, samples.length, options);
}

/**
 * Full-integer quantization without calibration, synchronously: every activation's parameters
 * come from `options.presets` (quantization-aware training's export passes the ranges it trained
 * with as presets). Same checks and rewrite as quantizeFullInteger.
 */
export function quantizeFullIntegerPreset(input: TflModel, options: FullIntegerOptions): FullIntegerResult {
  const plan = prepareFullInteger(input, 0, options);
  return rewriteFullInteger(input, plan, new Map(), 0, options);
}

/** The checks before any work (options, subgraphs, already-quantized tensors, strict mode), and the plan. */
function prepareFullInteger(input: TflModel, sampleCount: number, options: FullIntegerOptions): OpPlan[] {
  const int16 = options.activations === 'int16';
  const io = options.io ?? 'float';
  if (int16 && (io === 'int8' || io === 'uint8'))
    throw new InvalidArgumentError(`model I/O type ${io} does not apply to 16x8 models: use float or int16`, {
      option: 'io',
    });
  if (!int16 && io === 'int16')
    throw new InvalidArgumentError(
      'model I/O type int16 applies to 16x8 models only: use float, int8 or uint8',
      {
        option: 'io',
      },
    );
  if (input.subgraphs.length !== 1)
    throw new QuantizationError(
      `the model has ${input.subgraphs.length} subgraphs: only single-subgraph models can be fully quantized`,
    );
  for (const t of input.subgraphs[0].tensors) {
    if (
      (t.type === TensorType.INT8 || t.type === TensorType.UINT8 || t.type === TensorType.INT16) &&
      !isConstant(input, t)
    ) {
      throw new QuantizationError(
        `tensor "${asString(t.name)}" is already quantized: dequantize the model first (lowbit dequantize)`,
      );
    }
  }
  const plan = planFullInteger(input, options);
  const violations = strictViolations(plan);
  if (options.strict && violations.length > 0) {
    throw new QuantizationError(
      `${violations.length} operator(s) have no ${int16 ? '16x8' : 'int8'} kernel:\n  ${violations.join('\n  ')}`,
      { option: 'strict' },
    );
  }
  if (sampleCount === 0 && !options.presets)
    throw new DatasetError('full-integer quantization needs representative samples to calibrate on', {
      option: 'calibration',
    });
  return plan;
}

/** The rewrite with calibrated ranges (empty when presets cover every tensor). */
function rewriteFullInteger(
  input: TflModel,
  plan: OpPlan[],
  ranges: Map<number, Range>,
  sampleCount: number,
  options: FullIntegerOptions,
): FullIntegerResult {
  const int16 = options.activations === 'int16';
  const io = options.io ?? 'float';
  const model = cloneModel(input);
  const warnings: string[] = [];
  const sg = model.subgraphs[0];
  const record = readQuantizationRecord(input);
  const inputRanges = checkInputRanges(
    sg,
    ranges,
    options.expectedInputRanges ?? record?.inputRanges ?? [],
    warnings,
  );
  const rewriter = new Rewriter(
    model,
    plan,
    ranges,
    int16,
    !!options.perTensor,
    !!options.perTensorFullyConnected,
    warnings,
    options.presets ?? null,
  );
  rewriter.run(io);

  const floatOpList = plan.flatMap((p, k) => (p.quantize ? [] : [{ op: k, name: p.name, reason: p.reason }]));
  for (const f of floatOpList)
    if (f.reason !== 'no float activations') warnings.push(`${f.name} #${f.op} stays float: ${f.reason}`);
  recordQuantization(model, {
    technique: int16 ? 'int16x8' : 'int8',
    method: options.method ?? 'minmax',
    perTensor: options.perTensor ? true : options.perTensorFullyConnected ? 'FULLY_CONNECTED' : false,
    io,
    samples: sampleCount,
    keptFloat: floatOpList.filter((f) => f.reason.startsWith('kept')).map((f) => `${f.name} #${f.op}`),
  });
  pruneUnused(model);
  for (const issue of checkSupport(model))
    warnings.push(
      `Lowbit's interpreter cannot run ${issue.opName} #${issue.opIndex} of the result: ${issue.message}`,
    );
  return {
    model,
    warnings,
    quantizedOps: plan.filter((p) => p.quantize).length,
    floatOps: floatOpList.filter((f) => f.reason !== 'no float activations').length,
    convertedTensors: rewriter.convertedConstants,
    inputRanges,
    floatOpList,
    presetChanges: rewriter.presetChanges,
  };
}
