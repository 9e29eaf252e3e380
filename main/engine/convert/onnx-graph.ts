/**
 * The ONNX graph as the converter reads it: nodes in file order with their attributes, the
 * initializers decoded to constants, the graph inputs (initializers left out) and outputs with
 * their declared shapes (a dim is a number, a symbolic name, or undefined).
 */
import { fromBinary } from '@bufbuild/protobuf';
import { ModelFormatError } from '../errors';
import {
  ModelProtoSchema,
  type AttributeProto,
  type ModelProto,
  type ValueInfoProto,
} from '../onnx/proto/onnx_pb';
import type { DType } from '../tensor/dtype';
import type { ConstTensor } from './const-tensor';
import { decodeTensor, dtypeOfOnnx } from './onnx-tensor';

export interface OnnxNode {
  /** Position in the graph's node list (what error messages and the report cite). */
  index: number;
  opType: string;
  /** '' (or 'ai.onnx') for the standard operator set. */
  domain: string;
  name: string;
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeProto>;
}

export type OnnxDim = number | string | undefined;

export interface OnnxValueInfo {
  name: string;
  dtype: DType | undefined;
  dims: OnnxDim[] | undefined;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: Map<string, ConstTensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** The default domain's opset version. */
  opset: number;
}

/** Decodes ONNX bytes (a ModelFormatError when they are not a ModelProto). */
export function decodeOnnxModel(bytes: Uint8Array): ModelProto {
  try {
    return fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    throw new ModelFormatError(`not a valid ONNX protobuf: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function onnxGraphOf(model: ModelProto): OnnxGraph {
  const graph = model.graph;
  if (!graph) throw new ModelFormatError('the ONNX model has no graph');
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  const initializers = new Map<string, ConstTensor>();
  for (const t of graph.initializer) initializers.set(t.name, decodeTensor(t));
  return {
    nodes: graph.node.map((n, index) => ({
      index,
      opType: n.opType,
      domain: n.domain,
      name: n.name,
      inputs: [...n.input],
      outputs: [...n.output],
      attributes: new Map(n.attribute.map((a) => [a.name, a])),
    })),
    initializers,
    inputs: graph.input.filter((i) => !initializers.has(i.name)).map(valueInfo),
    outputs: graph.output.map(valueInfo),
    opset: opset ? Number(opset.version) : 1,
  };
}

function valueInfo(v: ValueInfoProto): OnnxValueInfo {
  const t = v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
  return {
    name: v.name,
    dtype: t ? dtypeOfOnnx(t.elemType) : undefined,
    dims: t?.shape?.dim.map((d) =>
      d.value.case === 'dimValue'
        ? Number(d.value.value)
        : d.value.case === 'dimParam'
          ? d.value.value
          : undefined,
    ),
  };
}
