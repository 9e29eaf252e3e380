/**
 * A quantized ONNX model (QDQ) to full-integer int8 TFLite that keeps the ONNX scales and zero
 * points wherever TFLite's int8 spec allows:
 *   1. strip-qdq.ts reads the parameters and leaves the float model they describe;
 *   2. the float model is converted to TFLite (engine/convert, with the caller's options);
 *   3. the parameters are attached to the TFLite tensors (activations by name, weights and biases
 *      through the weighted op that writes the ONNX node's output) and the full-integer quantizer
 *      runs with them as presets: weights at the ONNX scales, activations at the ONNX scale and
 *      zero point. Where the spec forbids them (asymmetric or uint8 weights, values beyond ±127,
 *      shared or fixed parameters that differ, bias scale ≠ input × weight scale), the quantizer
 *      chooses its own and the change is listed with the old and new parameters.
 * Representative samples are needed only for tensors the ONNX model left unquantized.
 */
import { toBinary } from '@bufbuild/protobuf';
import { convertOnnxToTflite, type ConversionReport, type ConvertOptions } from '../../convert/index';
import { ModelProtoSchema, type NodeProto } from '../../onnx/proto/onnx_pb';
import { parseOnnx, type OnnxModel } from '../../onnx/reader';
import type { ModelInputs } from '../../tensor/model-inputs';
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { builtinOf } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import { asString } from '../../tflite/names';
import { quantizeFullInteger, type FullIntegerResult } from '../full-integer';
import type { ModelIo, PresetChange, PresetParams } from '../full-integer-types';
import { OP_SPECS } from '../op-specs';
import type { ProgressFn } from '../types';
import { graphOf, producersOf } from './graph';
import { stripQdq, type OnnxQuantParams, type StrippedModel } from './strip-qdq';

export interface QdqToTfliteOptions {
  /** Conversion options (input shapes, I/O layout). */
  convert?: ConvertOptions;
  io?: ModelIo;
  /**
   * Per-tensor FULLY_CONNECTED weights (runtimes without per-channel FC, e.g. Arm NN 20.08): a
   * per-channel Gemm/MatMul weight is requantized, and listed as a change.
   */
  perTensorFullyConnected?: boolean;
  /** For activations the ONNX model did not quantize (none for a complete QDQ model). */
  samples?: readonly ModelInputs[];
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export interface QdqToTfliteResult extends FullIntegerResult {
  /** The float conversion's report (each ONNX node of the float model and its TFLite ops). */
  conversion: ConversionReport;
  /** Tensors that kept the ONNX parameters exactly. */
  keptTensors: number;
}

/** Nodes that the converter fuses into the weighted op before them (the output name moves). */
const FUSED_AFTER = new Set(['Relu', 'Clip']);

export async function quantizedOnnxToTflite(
  model: OnnxModel,
  o: QdqToTfliteOptions = {},
): Promise<QdqToTfliteResult> {
  const stripped = stripQdq(model.proto);
  // Read back through the checked reader: the converter works on an OnnxModel.
  const floatOnnx = parseOnnx(toBinary(ModelProtoSchema, stripped.model), model.fileName);
  const { model: float, report: conversion } = convertOnnxToTflite(floatOnnx, o.convert);
  const { presets, changes } = presetsFor(float, stripped, !!o.perTensorFullyConnected);
  const result = await quantizeFullInteger(float, o.samples ?? [], {
    presets,
    io: o.io,
    perTensorFullyConnected: o.perTensorFullyConnected,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  // The constants that could not keep their parameters: say what they got.
  const quantOf = new Map(result.model.subgraphs[0].tensors.map((t) => [asString(t.name), t.quantization]));
  for (const c of changes) {
    const q = quantOf.get(c.tensor);
    if (q) c.to = { scale: [...q.scale], zeroPoint: q.zeroPoint.map(Number) };
  }
  const presetChanges = [...changes, ...result.presetChanges];
  const total = presets.activations.size + presets.weights.size + presets.biases.size;
  return { ...result, conversion, presetChanges, keptTensors: total - result.presetChanges.length };
}

/** The ONNX parameters by TFLite tensor index, and the constants that cannot keep theirs. */
function presetsFor(
  float: TflModel,
  stripped: StrippedModel,
  perTensorFullyConnected: boolean,
): { presets: PresetParams; changes: PresetChange[] } {
  const sg = float.subgraphs[0];
  const presets: PresetParams = { activations: new Map(), weights: new Map(), biases: new Map() };
  const changes: PresetChange[] = [];
  const byName = new Map(sg.tensors.map((t, i) => [asString(t.name), i]));
  for (const [name, p] of stripped.activations) {
    const index = byName.get(name);
    if (index !== undefined) presets.activations.set(index, { scale: p.scale, zeroPoint: p.zeroPoint });
  }
  const producers = producersOf(graphOf(stripped.model));
  for (const op of sg.operators) {
    const spec = OP_SPECS[BuiltinOperator[builtinOf(float, op)]];
    if (!spec?.weights) continue;
    const node = weightedNodeWriting(asString(sg.tensors[op.outputs[0]].name), producers);
    if (!node) continue;
    const weight = stripped.constants.get(node.input[1]);
    const weightIndex = op.inputs[spec.weights.slot];
    if (weight && weightIndex >= 0) {
      const fc = builtinOf(float, op) === BuiltinOperator.FULLY_CONNECTED;
      const problem =
        fc && perTensorFullyConnected && weight.scale.length > 1
          ? 'per-tensor FULLY_CONNECTED weights were asked for'
          : weightProblem(weight, sg.tensors[weightIndex].shape[spec.weights.axis]);
      if (problem)
        changes.push({
          tensor: asString(sg.tensors[weightIndex].name),
          kind: 'weight',
          reason: problem,
          from: { scale: weight.scale, zeroPoint: weight.zeroPoint },
          to: { scale: [], zeroPoint: [] },
        });
      else presets.weights.set(weightIndex, weight.scale);
    }
    const bias = node.input[2] ? stripped.constants.get(node.input[2]) : undefined;
    const biasIndex = spec.bias !== undefined ? op.inputs[spec.bias] : -1;
    if (bias && biasIndex !== undefined && biasIndex >= 0) presets.biases.set(biasIndex, bias.scale);
  }
  return { presets, changes };
}

/** The Conv/Gemm/MatMul whose output (possibly through a fused Relu or Clip) is `name`. */
function weightedNodeWriting(name: string, producers: Map<string, NodeProto>): NodeProto | undefined {
  let node = producers.get(name);
  while (node && FUSED_AFTER.has(node.opType)) node = producers.get(node.input[0]);
  return node && ['Conv', 'Gemm', 'MatMul'].includes(node.opType) ? node : undefined;
}

/** Why TFLite's int8 weights cannot keep these parameters, or null when they can. */
function weightProblem(w: OnnxQuantParams, channels: number): string | null {
  if (w.dtype !== 'int8') return `${w.dtype} weights: TFLite needs int8`;
  if (w.zeroPoint.some((z) => z !== 0)) return 'asymmetric weights: TFLite needs zero point 0';
  if (w.scale.length !== 1 && w.scale.length !== channels)
    return `${w.scale.length} scales for ${channels} output channels`;
  return null;
}
