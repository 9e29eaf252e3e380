/**
 * `lowbit quantize MODEL.onnx --out OUT.onnx`: ONNX → ONNX quantization (QDQ int8 calibrated in
 * ONNX Runtime, or int8 weights only), for the quantize command. The output format follows
 * --out's extension; an ONNX model quantized to `.tflite` goes the TFLite way instead
 * (converted on open, then the TFLite quantizer).
 */
import { toBinary } from '@bufbuild/protobuf';
import type { PreprocessSpec } from '../engine/datasets/preprocess';
import { ModelProtoSchema, type ModelProto } from '../engine/onnx/proto/onnx_pb';
import { readOnnx } from '../engine/onnx/reader';
import type { CalibrationMethod } from '../engine/optimize/index';
import {
  onnxInputSpecs,
  quantizeOnnx,
  type OnnxQuantizeResult,
  type OnnxTechnique,
} from '../engine/optimize/onnx/index';
import { externalDataBeside } from '../files/external-data';
import { openOnnxRuntimeSession } from '../runtimes/onnxruntime/calibration-session';
import { readFileBytes } from '../files/read-file';
import type { CliContext } from './command';
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

/**
 * Reads an ONNX file through the checked reader (engine/onnx/reader.ts: wire structure, memory
 * budget, graph order, producers; external data beside the file); errors name the file.
 */
function readOnnxFile(file: string): { model: ModelProto; bytes: Uint8Array } {
  const bytes = readFileBytes(file, 'model');
  return { model: readOnnx(bytes, file, { externalData: externalDataBeside(file) }).proto, bytes };
}

export async function quantizeOnnxFile(
  file: string,
  r: OnnxQuantizeRequest,
  ctx: CliContext,
): Promise<{ result: OnnxQuantizeResult; inputBytes: number; output: Uint8Array }> {
  const { model, bytes } = readOnnxFile(file);
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
  return { result, inputBytes: bytes.length, output: toBinary(ModelProtoSchema, result.model) };
}
