/**
 * Dynamic-range quantization: int8 symmetric weights for the ops that TFLite runs with hybrid
 * kernels (float activations quantized on the fly); everything else stays float. No data.
 *
 * Choices, after LiteRT's converter:
 *  - CONV_2D per channel on axis 0 (hybrid version 5), DEPTHWISE_CONV_2D per channel on axis 3
 *    (version 6), FULLY_CONNECTED per channel on axis 0 (version 12, the current converter's
 *    default; `perTensor` gives the older per-tensor form with asymmetric input quantization,
 *    version 9, for runtimes without per-channel hybrid FC).
 *  - Weights with fewer than `minElements` (1024, LiteRT's default) elements stay float: the
 *    saving is negligible and small layers are the most sensitive.
 *  - Biases stay float (hybrid kernels add them in float).
 *  - UNIDIRECTIONAL_SEQUENCE_LSTM: every weight matrix per tensor, all or none (see lstm.ts).
 * A weight buffer shared with another op gets its own int8 copy; the float one stays for that op.
 */
import { throwIfAborted } from '../errors';
import { checkSupport } from '../interpreter/support';
import { BuiltinOperator, TensorType } from '../tflite/generated/tflite';
import { builtinOf, isConstant, opcodeIndex, pruneUnused } from '../tflite/edit';
import type { TflModel } from '../tflite/model';
import { asString } from '../tflite/names';
import { recordQuantization } from './metadata';
import { cloneModel } from './model-util';
import { int8WeightCopy } from './hybrid-weights';
import { keepFloatMatcher, type KeepFloatRule } from './keep-float';
import { quantizeLstmHybrid } from './lstm';
import type { QuantizeResult } from './types';

export interface DynamicRangeOptions {
  /** Per-tensor weights for every op (default: per channel). */
  perTensor?: boolean;
  /** Weights with fewer elements stay float (default 1024). */
  minElements?: number;
  keepFloat?: KeepFloatRule[];
  signal?: AbortSignal;
}

/** Hybrid-capable ops: weight input slot and per-channel axis. */
const HYBRID: Partial<Record<BuiltinOperator, { axis: number }>> = {
  [BuiltinOperator.CONV_2D]: { axis: 0 },
  [BuiltinOperator.DEPTHWISE_CONV_2D]: { axis: 3 },
  [BuiltinOperator.FULLY_CONNECTED]: { axis: 0 },
};

function hybridVersion(op: BuiltinOperator, perChannel: boolean): number {
  switch (op) {
    case BuiltinOperator.CONV_2D:
      return perChannel ? 5 : 2;
    case BuiltinOperator.DEPTHWISE_CONV_2D:
      return perChannel ? 6 : 4;
    default:
      return perChannel ? 12 : 9;
  }
}

export function quantizeDynamicRange(input: TflModel, options: DynamicRangeOptions = {}): QuantizeResult {
  const model = cloneModel(input);
  const minElements = options.minElements ?? 1024;
  const keep = keepFloatMatcher(options.keepFloat ?? []);
  const warnings: string[] = [];
  const kept: string[] = [];
  let quantizedOps = 0;
  let floatOps = 0;
  let converted = 0;
  let lstms = 0;
  model.subgraphs.forEach((sg) => {
    const cache = new Map<number, number>();
    sg.operators.forEach((op, k) => {
      throwIfAborted(options.signal);
      const builtin = builtinOf(model, op);
      if (builtin === BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM) {
        const outName = op.outputs[0] >= 0 ? asString(sg.tensors[op.outputs[0]].name) : '';
        const weightNames = op.inputs
          .filter((i, slot) => i >= 0 && slot > 0 && isConstant(model, sg.tensors[i]))
          .map((i) => asString(sg.tensors[i].name));
        if (
          keep.op('UNIDIRECTIONAL_SEQUENCE_LSTM') ||
          keep.tensor(outName) ||
          weightNames.some(keep.tensor)
        ) {
          kept.push(`UNIDIRECTIONAL_SEQUENCE_LSTM #${k}`);
          floatOps++;
          return;
        }
        const r = quantizeLstmHybrid(model, sg, op, k, minElements, cache);
        if (r.kind === 'quantized') {
          converted += r.converted;
          quantizedOps++;
          lstms++;
        } else {
          if (r.kind === 'too-small') warnings.push(r.message);
          floatOps++;
        }
        return;
      }
      const spec = HYBRID[builtin];
      const inT = op.inputs[0] >= 0 ? sg.tensors[op.inputs[0]] : undefined;
      const wIndex = op.inputs[1] ?? -1;
      const w = wIndex >= 0 ? sg.tensors[wIndex] : undefined;
      const outT = sg.tensors[op.outputs[0]];
      const eligible =
        spec &&
        inT?.type === TensorType.FLOAT32 &&
        outT?.type === TensorType.FLOAT32 &&
        w?.type === TensorType.FLOAT32 &&
        isConstant(model, w);
      if (!eligible) {
        floatOps++;
        return;
      }
      const opLabel = `${BuiltinOperator[builtin]} #${k}`;
      if (
        keep.op(BuiltinOperator[builtin]) ||
        keep.tensor(asString(outT.name)) ||
        keep.tensor(asString(w.name))
      ) {
        kept.push(opLabel);
        floatOps++;
        return;
      }
      const count = w.shape.reduce((a, b) => a * b, 1);
      if (count < minElements) {
        floatOps++;
        return;
      }
      const perChannel = !options.perTensor && w.shape[spec.axis] > 1;
      const copy = int8WeightCopy(model, sg, cache, wIndex, perChannel ? spec.axis : null);
      if (copy.added) converted++;
      op.inputs[1] = copy.index;
      if (
        builtin === BuiltinOperator.FULLY_CONNECTED &&
        op.builtinOptions &&
        'asymmetricQuantizeInputs' in op.builtinOptions
      ) {
        // TFLite's current hybrid FC quantizes inputs asymmetrically per batch row.
        op.builtinOptions.asymmetricQuantizeInputs = true;
      }
      op.opcodeIndex = opcodeIndex(model, builtin, hybridVersion(builtin, perChannel));
      quantizedOps++;
    });
  });
  if (quantizedOps === 0)
    warnings.push(
      'no CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED or UNIDIRECTIONAL_SEQUENCE_LSTM weights large enough to quantize: the model is unchanged',
    );
  // Only a choice the model cannot show is recorded: int8 weights behind float activations say
  // "dynamic range" and their scale vectors say per-tensor or per-channel.
  if (kept.length > 0)
    recordQuantization(model, { technique: 'dynamic', perTensor: !!options.perTensor, keptFloat: kept });
  pruneUnused(model);
  // Lowbit's hybrid LSTM lacks peephole, projection and layer norm: say so rather than hand back
  // a model the app cannot run (checked only when an LSTM changed; the other hybrid kernels are
  // complete).
  if (lstms > 0)
    for (const issue of checkSupport(model))
      warnings.push(
        `Lowbit's interpreter cannot run ${issue.opName} #${issue.opIndex} of the result: ${issue.message}`,
      );
  return { model, warnings, quantizedOps, floatOps, convertedTensors: converted };
}
