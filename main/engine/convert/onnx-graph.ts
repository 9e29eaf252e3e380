/**
 * The ONNX graph as the converter walks it, from a checked OnnxModel (onnx/reader.ts: nodes in
 * topological order, producers and cycles already checked): nodes with their attributes by
 * name, initializers decoded to constants, graph inputs (initializers left out) and outputs
 * with their declared shapes (a dim is a number, a symbolic name, or undefined).
 */
import { normalDomain, type OnnxModel } from '../onnx/reader';
import type { AttributeProto, NodeProto, ValueInfoProto } from '../onnx/proto/onnx_pb';
import type { DType } from '../tensor/dtype';
import type { ConstTensor } from './const-tensor';
import { constOfTensor, dtypeOfOnnx } from './onnx-tensor';

export interface OnnxNode {
  /** Position in topological order (what error messages and the report cite). */
  index: number;
  opType: string;
  /** '' for the standard operator set ('ai.onnx' included). */
  domain: string;
  name: string;
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeProto>;
  proto: NodeProto;
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

/** The graph's nodes alone (nothing decoded), so unsupported ops can be named first. */
export function onnxNodesOf(model: OnnxModel): OnnxNode[] {
  return model.nodes.map((n, index) => ({
    index,
    opType: n.opType,
    domain: normalDomain(n.domain),
    name: n.name,
    inputs: [...n.input],
    outputs: [...n.output],
    attributes: new Map(n.attribute.map((a) => [a.name, a])),
    proto: n,
  }));
}

export function onnxGraphOf(model: OnnxModel): OnnxGraph {
  const initializers = new Map<string, ConstTensor>();
  for (const [name, t] of model.initializers) initializers.set(name, constOfTensor(t, model));
  return {
    nodes: onnxNodesOf(model),
    initializers,
    inputs: model.inputs.map(valueInfo),
    outputs: model.outputs.map(valueInfo),
    opset: model.opset,
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
