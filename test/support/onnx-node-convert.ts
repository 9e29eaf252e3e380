/**
 * The converter as the node-test harness uses it: ONNX bytes in, TFLite bytes out (written by
 * Lowbit's writer, so the harness reads back and runs what `lowbit convert` would save), and the
 * set of op types that have a converter.
 */
import { convertOnnxToTflite } from '../../main/engine/convert/convert';
import { OP_CONVERTERS } from '../../main/engine/convert/ops/registry';
import { writeTflite } from '../../main/engine/tflite/writer';

export const SUPPORTED_NODE_TEST_OPS: ReadonlySet<string> = new Set(Object.keys(OP_CONVERTERS));

export function convertNodeTestModel(onnx: Uint8Array): Uint8Array {
  return writeTflite(convertOnnxToTflite(onnx).model);
}
