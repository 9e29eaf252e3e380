/**
 * Hostile ONNX models for the reader's regression tests and the fuzzer's crafted cases:
 * protobuf that costs far more decoded than its size, nesting past the limit, and external data
 * that points outside its folder or past its file.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { OnnxDataType } from '../../main/engine/onnx/data-type';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  ModelProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  TensorProtoSchema,
  type TensorProto,
} from '../../main/engine/onnx/proto/onnx_pb';
import { node, onnxBytes, onnxModel, valueInfo } from './onnx-models';

/** x → Relu → a → Neg → y, float [batch, 4]. */
export function chainParts() {
  return {
    nodes: [node('Relu', ['x'], ['a']), node('Neg', ['a'], ['y'])],
    inputs: [valueInfo('x', ['batch', 4])],
    outputs: [valueInfo('y', ['batch', 4])],
  };
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A valid model followed by a second graph field of `count` empty NodeProtos (2 bytes each). */
export function emptyNodesModel(count: number): Uint8Array {
  const head = onnxBytes(chainParts());
  const empties = new Uint8Array(2 * count);
  for (let k = 0; k < empties.length; k += 2) empties[k] = 0x0a; // GraphProto.node, length 0
  const graphField = [0x3a, ...varint(empties.length)]; // ModelProto.graph
  const out = new Uint8Array(head.length + graphField.length + empties.length);
  out.set(head);
  out.set(graphField, head.length);
  out.set(empties, head.length + graphField.length);
  return out;
}

/** The chain graph as the body attribute of its own first node, `depth` times over. */
export function nestedModel(depth: number): Uint8Array {
  const m = onnxModel(chainParts());
  let g = m.graph!;
  for (let k = 0; k < depth; k++) {
    const outer = onnxModel(chainParts()).graph!;
    outer.node[0]!.attribute = [
      create(AttributeProtoSchema, { name: 'body', type: AttributeProto_AttributeType.GRAPH, g }),
    ];
    g = outer;
  }
  m.graph = g;
  return toBinary(ModelProtoSchema, m);
}

/** A float32 initializer kept in the external file `location` (offset and length entries only when given). */
export function externalTensor(
  name: string,
  location: string,
  dims: number[],
  entries: { offset?: string; length?: string } = {},
): TensorProto {
  const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
  return create(TensorProtoSchema, {
    name,
    dataType: OnnxDataType.FLOAT,
    dims: dims.map(BigInt),
    dataLocation: TensorProto_DataLocation.EXTERNAL,
    externalData: [
      entry('location', location),
      ...(entries.offset !== undefined ? [entry('offset', entries.offset)] : []),
      ...(entries.length !== undefined ? [entry('length', entries.length)] : []),
    ],
  });
}

/** A model adding the external initializer "w" (externalTensor's arguments) to its input x. */
export function externalDataModel(
  location: string,
  dims: number[],
  entries: { offset?: string; length?: string } = {},
): Uint8Array {
  return onnxBytes({
    nodes: [node('Add', ['x', 'w'], ['y'])],
    inputs: [valueInfo('x', dims)],
    outputs: [valueInfo('y', dims)],
    initializers: [externalTensor('w', location, dims, entries)],
  });
}
