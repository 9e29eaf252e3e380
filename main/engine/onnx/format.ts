/**
 * ONNX as a ModelFormat (model/format.ts). A file is ONNX when it is named *.onnx (so a damaged
 * .onnx file gets an error about what is wrong with it) or when its bytes parse as ModelProto's
 * top-level fields with a graph: ONNX files have no magic number. TFLite is listed first in the
 * registry, so a .tflite renamed to .onnx still opens as what it is.
 *
 * Lowering to TFLite (`toTflite`) is the converter's (main/engine/convert, on this floor), with
 * its defaults: batch dims 1, NCHW graph I/O (`lowbit convert` offers the options).
 */
import { convertOnnxToTflite } from '../convert/index';
import type { ModelFormat } from '../model/format';
import { onnxConstantValues, onnxOpAttributes } from './graph-details';
import { inspectOnnx } from './inspect';
import { ModelProtoSchema } from './proto/onnx_pb';
import { parseOnnx, type OnnxModel } from './reader';
import { looksLikeMessage } from './wire-check';
import { writeOnnx } from './writer';

/** ModelProto's `graph` field number. */
const GRAPH_FIELD = 7;

export const onnxFormat: ModelFormat<OnnxModel> = {
  id: 'onnx',
  name: 'ONNX',
  extensions: ['.onnx'],
  recognisedBy: 'protobuf with the fields of an ONNX ModelProto and a graph, or a name ending in .onnx',
  sniff: (bytes, fileName) =>
    fileName.toLowerCase().endsWith('.onnx') || looksLikeMessage(bytes, ModelProtoSchema, GRAPH_FIELD),
  read: (bytes, fileName, context) => parseOnnx(bytes, fileName, context),
  inspect: inspectOnnx,
  write: writeOnnx,
  toTflite: (model) => convertOnnxToTflite(model).model,
  conversionReport: (model) => convertOnnxToTflite(model).report,
  opAttributes: onnxOpAttributes,
  constantValues: onnxConstantValues,
};
