/**
 * Quantizing an ONNX model to an ONNX model, for users who deploy with ONNX Runtime:
 *   - 'int8': static QDQ (static-qdq.ts), calibrated in ONNX Runtime (calibrate.ts) with the
 *     same calibration methods as the TFLite quantizer; BatchNormalization after Conv is folded
 *     first (fold-batchnorm.ts).
 *   - 'dynamic': int8 weights behind DequantizeLinear, float activations (dynamic-weights.ts).
 * The input model is never modified. Which ops are quantized and how: op-roles.ts.
 *
 * To support another technique: a function from a cloned ModelProto to a QdqSummary beside
 * these two, and its case in `quantizeOnnx`.
 */
import { clone } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '../../errors';
import { ModelProtoSchema, type ModelProto } from '../../onnx/proto/onnx_pb';
import type { ModelInputs } from '../../tensor/model-inputs';
import type { CalibrationMethod } from '../calibrate/index';
import type { ProgressFn } from '../types';
import { calibrateOnnx, type OnnxSessionFactory } from './calibrate';
import { insertWeightDequantize } from './dynamic-weights';
import { foldBatchNormIntoConv } from './fold-batchnorm';
import { defaultOpset, graphOf } from './graph';
import { INT8_ACTIVATIONS, insertStaticQdq } from './static-qdq';

export { onnxInputSpecs } from './calibrate';
export type { OnnxFloatSession, OnnxInputSpec, OnnxSessionFactory } from './calibrate';

/** The techniques that have an ONNX → ONNX form. */
export const ONNX_TECHNIQUES = ['int8', 'dynamic'] as const;
export type OnnxTechnique = (typeof ONNX_TECHNIQUES)[number];

export interface OnnxQuantizeOptions {
  technique: OnnxTechnique;
  /** Representative samples (int8). */
  samples?: readonly ModelInputs[];
  /** Runs the float model for calibration (int8). */
  openSession?: OnnxSessionFactory;
  method?: CalibrationMethod;
  percentile?: number;
  perTensor?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export interface OnnxQuantizeResult {
  model: ModelProto;
  warnings: string[];
  /** Nodes computing on int8 values or reading int8 weights. */
  quantizedOps: number;
  /** Nodes still computing in float (QuantizeLinear/DequantizeLinear not counted). */
  floatOps: number;
  /** BatchNormalization nodes folded into the conv before them. */
  foldedBatchNorms: number;
  /** Relu/Clip nodes folded into the output range of the op before them. */
  fusedActivations: number;
}

/** QuantizeLinear/DequantizeLinear exist from opset 10; per-axis parameters from opset 13. */
const QDQ_OPSET = 10;
const PER_AXIS_OPSET = 13;

export async function quantizeOnnx(model: ModelProto, o: OnnxQuantizeOptions): Promise<OnnxQuantizeResult> {
  const opset = defaultOpset(model);
  if (opset < QDQ_OPSET)
    throw new InvalidArgumentError(
      `the ONNX model imports opset ${opset}; QuantizeLinear/DequantizeLinear need opset ${QDQ_OPSET} or later`,
    );
  const warnings: string[] = [];
  let perTensor = !!o.perTensor;
  if (!perTensor && opset < PER_AXIS_OPSET) {
    perTensor = true;
    warnings.push(
      `opset ${opset} has no per-axis DequantizeLinear (opset ${PER_AXIS_OPSET}): weights are per tensor`,
    );
  }
  const out = clone(ModelProtoSchema, model);
  const graph = graphOf(out);
  if (o.technique === 'dynamic') {
    const s = insertWeightDequantize(graph, { perTensor });
    return {
      model: out,
      warnings: [...warnings, ...s.warnings],
      quantizedOps: s.quantizedNodes,
      floatOps: s.floatNodes,
      foldedBatchNorms: 0,
      fusedActivations: 0,
    };
  }
  if (o.technique !== 'int8')
    throw new InvalidArgumentError(
      `technique '${String(o.technique)}' has no ONNX form (${ONNX_TECHNIQUES.join(', ')})`,
      {
        option: 'technique',
      },
    );
  if (!o.openSession)
    throw new InvalidArgumentError('int8 quantization of an ONNX model needs ONNX Runtime to calibrate');
  const foldedBatchNorms = foldBatchNormIntoConv(graph);
  const ranges = await calibrateOnnx(out, o.samples ?? [], o.openSession, {
    method: o.method,
    percentile: o.percentile,
    target: INT8_ACTIVATIONS,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  const s = insertStaticQdq(graph, ranges, { perTensor });
  if (s.quantizedNodes === 0)
    warnings.push('no node was quantized: the model has no op the QDQ quantizer handles');
  return {
    model: out,
    warnings: [...warnings, ...s.warnings],
    quantizedOps: s.quantizedNodes,
    floatOps: s.floatNodes,
    foldedBatchNorms,
    fusedActivations: s.removedActivations,
  };
}
