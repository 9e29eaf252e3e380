/**
 * The converter as the node-test harness uses it: ONNX bytes in (read by Lowbit's ONNX reader,
 * as `lowbit convert` reads a file), TFLite bytes out (written by Lowbit's writer, so the harness
 * reads back and runs what `lowbit convert` would save), and the op types that have a converter.
 */
import { convertOnnxToTflite } from '../../main/engine/convert';
import { OP_CONVERTERS } from '../../main/engine/convert/ops/registry';
import { readOnnx } from '../../main/engine/onnx/reader';
import { writeTflite } from '../../main/engine/tflite/writer';

export const SUPPORTED_NODE_TEST_OPS: ReadonlySet<string> = new Set(Object.keys(OP_CONVERTERS));

export function convertNodeTestModel(onnx: Uint8Array, name: string): Uint8Array {
  return writeTflite(convertOnnxToTflite(readOnnx(onnx, name)).model);
}
