/**
 * Small helpers over an ONNX GraphProto for the ONNX quantizers: who produces and who consumes a
 * tensor, initializers as float32 values, new initializers and nodes with names that do not
 * clash, and attribute reads. They work on the generated protobuf messages
 * (engine/onnx/proto/onnx_pb.ts) and never touch the file system.
 */
import { create } from '@bufbuild/protobuf';
import { ModelFormatError } from '../../errors';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from '../../onnx/proto/onnx_pb';

/** A model's graph, or a ModelFormatError when it has none. */
export function graphOf(model: ModelProto): GraphProto {
  if (!model.graph) throw new ModelFormatError('the ONNX model has no graph');
  return model.graph;
}

/** The opset of the default ("" or "ai.onnx") domain; 1 when the model does not say. */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry ? Number(entry.version) : 1;
}

/** Nodes reading each tensor name (a node reading a tensor twice is listed twice). */
export function consumersOf(graph: GraphProto): Map<string, NodeProto[]> {
  const map = new Map<string, NodeProto[]>();
  for (const node of graph.node)
    for (const name of node.input) {
      if (!name) continue;
      const list = map.get(name);
      if (list) list.push(node);
      else map.set(name, [node]);
    }
  return map;
}

/** The node writing each tensor name. */
export function producersOf(graph: GraphProto): Map<string, NodeProto> {
  const map = new Map<string, NodeProto>();
  for (const node of graph.node) for (const name of node.output) if (name) map.set(name, node);
  return map;
}

export function initializersOf(graph: GraphProto): Map<string, TensorProto> {
  return new Map(graph.initializer.map((t) => [t.name, t]));
}

/** Renames a tensor everywhere it is read (node inputs and graph outputs), not where it is written. */
export function renameReads(graph: GraphProto, from: string, to: string): void {
  for (const node of graph.node) node.input = node.input.map((n) => (n === from ? to : n));
  for (const out of graph.output) if (out.name === from) out.name = to;
}

/** Every tensor name the graph mentions, for picking fresh names. */
export function namesIn(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const t of graph.initializer) names.add(t.name);
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) names.add(v.name);
  for (const node of graph.node) {
    for (const n of [...node.input, ...node.output]) names.add(n);
    if (node.name) names.add(node.name);
  }
  return names;
}

/** A name not used yet: `base`, else `base_1`, `base_2`... (recorded as used). */
export function freshName(used: Set<string>, base: string): string {
  let name = base;
  for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
  used.add(name);
  return name;
}

export const dimsOf = (t: TensorProto): number[] => t.dims.map(Number);

const elementCount = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * The values of a float32 initializer (raw_data or float_data), or null for another dtype or an
 * initializer kept in an external file (the quantizers leave those alone). A raw_data length that
 * does not match the dims is a ModelFormatError.
 */
export function floatValues(t: TensorProto): Float32Array | null {
  if (t.dataType !== (TensorProto_DataType.FLOAT as number) || t.externalData.length > 0) return null;
  const n = elementCount(dimsOf(t));
  if (t.rawData.length > 0) {
    if (t.rawData.length !== n * 4)
      throw new ModelFormatError(
        `initializer '${t.name}': raw_data holds ${t.rawData.length} bytes, its dims need ${n * 4}`,
      );
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    const out = new Float32Array(n);
    for (let k = 0; k < n; k++) out[k] = view.getFloat32(k * 4, true);
    return out;
  }
  if (t.floatData.length !== n)
    throw new ModelFormatError(
      `initializer '${t.name}': ${t.floatData.length} float_data values, its dims need ${n}`,
    );
  return Float32Array.from(t.floatData);
}

/** Little-endian bytes of a typed array, as raw_data stores them (the machine is little-endian). */
function rawBytes(values: Float32Array | Int8Array | Uint8Array | Int32Array): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

const DTYPE_OF = {
  float32: TensorProto_DataType.FLOAT,
  int8: TensorProto_DataType.INT8,
  uint8: TensorProto_DataType.UINT8,
  int32: TensorProto_DataType.INT32,
} as const;

/** A new initializer from typed values (dims [] for a scalar). */
export function makeInitializer(
  name: string,
  dtype: keyof typeof DTYPE_OF,
  dims: readonly number[],
  values: Float32Array | Int8Array | Uint8Array | Int32Array,
): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType: DTYPE_OF[dtype],
    dims: dims.map(BigInt),
    rawData: rawBytes(values),
  });
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attributes: AttributeProto[] = [],
): NodeProto {
  return create(NodeProtoSchema, { opType, input: inputs, output: outputs, name, attribute: attributes });
}

export function intAttribute(name: string, value: number): AttributeProto {
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) });
}

export function attributeInt(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a ? Number(a.i) : fallback;
}

export function attributeFloat(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a ? a.f : fallback;
}
