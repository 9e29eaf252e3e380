/**
 * ONNX quantization for the CLI commands:
 *   - `lowbit quantize MODEL.onnx --out OUT.onnx`: ONNX → ONNX (QDQ int8 calibrated in ONNX
 *     Runtime, or int8 weights only). The output format follows --out's extension; an ONNX
 *     model quantized to `.tflite` goes the TFLite way instead (converted on open, then the
 *     TFLite quantizer).
 *   - `lowbit convert QDQ.onnx --out OUT.tflite`: a quantized ONNX model to int8 TFLite that keeps
 *     the ONNX parameters, printing the tensors the int8 spec made it requantize.
 */
import { toBinary } from '@bufbuild/protobuf';
import type { ConversionReport, ConvertOptions } from '../engine/convert/index';
import type { PreprocessSpec } from '../engine/datasets/preprocess';
import { ModelProtoSchema } from '../engine/onnx/proto/onnx_pb';
import type { OnnxModel } from '../engine/onnx/reader';
import type { CalibrationMethod, ModelIo } from '../engine/optimize/index';
import {
  onnxInputSpecs,
  quantizeOnnx,
  type OnnxQuantizeResult,
  type OnnxTechnique,
} from '../engine/optimize/onnx/index';
import { hasQdq } from '../engine/optimize/onnx/strip-qdq';
import { quantizedOnnxToTflite } from '../engine/optimize/onnx/to-int8-tflite';
import type { TflModel } from '../engine/tflite/model';
import { readModelFile } from '../files/model-file';
import { openOnnxRuntimeSession } from '../runtimes/onnxruntime/calibration-session';
import type { CliContext } from './command';
import { UsageError } from './command';
import { loadRepresentativeSamples } from './load-data';

export const isOnnxPath = (p: string): boolean => p.toLowerCase().endsWith('.onnx');

export interface OnnxQuantizeRequest {
  technique: OnnxTechnique;
  calibration?: string;
  limit?: number;
  preprocess?: PreprocessSpec;
  method: CalibrationMethod;
  percentile?: number;
  perTensor?: boolean;
}

export async function quantizeOnnxFile(
  file: string,
  r: OnnxQuantizeRequest,
  ctx: CliContext,
): Promise<{ result: OnnxQuantizeResult; inputBytes: number; output: Uint8Array }> {
  const read = readModelFile(file);
  if (read.format.id !== 'onnx')
    throw new UsageError(`${file} is a ${read.format.name} model: --out .onnx needs an ONNX model`);
  const model = (read.model as OnnxModel).proto;
  const samples =
    r.technique === 'int8' && r.calibration
      ? loadRepresentativeSamples(
          r.calibration,
          onnxInputSpecs(model).map((s) => s.shape),
          r.limit,
          r.preprocess,
        )
      : [];
  if (r.technique === 'int8')
    ctx.log(`calibrating on ${samples.length} sample(s) with ${r.method} in ONNX Runtime`);
  const result = await quantizeOnnx(model, {
    technique: r.technique,
    samples,
    openSession: openOnnxRuntimeSession,
    method: r.method,
    percentile: r.percentile,
    perTensor: r.perTensor,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress('calibration samples', done, total),
  });
  return { result, inputBytes: read.bytes.length, output: toBinary(ModelProtoSchema, result.model) };
}

export const isQuantizedOnnx = (model: OnnxModel): boolean => hasQdq(model.proto);

/** A QDQ model to int8 TFLite keeping its parameters; the requantized tensors go to the log. */
export async function convertQuantizedOnnx(
  model: OnnxModel,
  convert: ConvertOptions,
  quant: { io: ModelIo; perTensorFullyConnected: boolean },
  ctx: CliContext,
): Promise<{ model: TflModel; report: ConversionReport }> {
  const r = await quantizedOnnxToTflite(model, { convert, ...quant, signal: convert.signal });
  const fmt = (p: { scale: number[]; zeroPoint: number[] }) =>
    `scale ${p.scale.length === 1 ? p.scale[0] : `[${p.scale.length} channels]`}, zero point ${p.zeroPoint.length === 1 ? p.zeroPoint[0] : `[${p.zeroPoint.length}]`}`;
  ctx.log(
    `quantized ONNX: int8 TFLite keeps the ONNX parameters of ${r.keptTensors} tensor(s); ${r.presetChanges.length} requantized`,
  );
  for (const c of r.presetChanges)
    ctx.log(`  requantized ${c.kind} "${c.tensor}": ${c.reason}: ${fmt(c.from)} → ${fmt(c.to)}`);
  for (const w of r.warnings) ctx.log(`warning: ${w}`);
  return { model: r.model, report: r.conversion };
}
