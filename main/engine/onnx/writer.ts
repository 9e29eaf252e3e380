/**
 * Writes an ONNX model: the ModelProto serialised by the generated codec.
 *
 *   import { writeOnnx } from '../onnx/writer';
 *   const bytes = writeOnnx(model.proto); // or writeOnnx(model) for an OnnxModel
 *
 * Build new tensors with tensor-data.ts's `makeTensorProto` and new messages with
 * @bufbuild/protobuf's `create(NodeProtoSchema, {...})`. A protobuf message is capped at 2 GB;
 * a model past that needs its weights in external data, which this writer does not produce yet.
 */
import { toBinary } from '@bufbuild/protobuf';
import { ModelFormatError } from '../errors';
import { ModelProtoSchema, type ModelProto } from './proto/onnx_pb';
import type { OnnxModel } from './reader';

/** The protobuf limit on one message. */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

export function writeOnnx(model: ModelProto | OnnxModel): Uint8Array {
  const proto = 'proto' in model ? model.proto : model;
  let bytes: Uint8Array;
  try {
    bytes = toBinary(ModelProtoSchema, proto);
  } catch (e) {
    throw new ModelFormatError(`cannot write the ONNX model: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (bytes.length > MAX_PROTOBUF_BYTES)
    throw new ModelFormatError(
      `the ONNX model is ${bytes.length} bytes, past protobuf's 2 GB limit on one message`,
    );
  return bytes;
}
