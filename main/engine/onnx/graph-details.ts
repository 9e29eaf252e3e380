/**
 * ONNX's answers to the graph view (model/graph-details.ts): a node's attributes, and an
 * initializer's values. Tensor indices are the inspect report's (inspect.ts): graph inputs, then
 * initializers in file order, then node outputs.
 */
import { listInWords, type ConstantValues, type OpAttribute } from '../model/graph-details';
import { dataTypeInfo, dataTypeName } from './data-type';
import { AttributeProto_AttributeType as AttrType, type AttributeProto } from './proto/onnx_pb';
import type { OnnxModel } from './reader';
import { tensorDims, tensorValues } from './tensor-data';

const decoder = new TextDecoder();

/** The node's attributes in words, and its name and domain when it has them. */
export function onnxOpAttributes(model: OnnxModel, subgraph: number, operator: number): OpAttribute[] {
  const node = subgraph === 0 ? model.nodes[operator] : undefined;
  if (!node) return [];
  const out: OpAttribute[] = [];
  if (node.name) out.push({ name: 'name', value: node.name });
  if (node.domain) out.push({ name: 'domain', value: node.domain });
  for (const a of node.attribute) out.push({ name: a.name, value: attributeInWords(a) });
  return out;
}

function text(bytes: Uint8Array): string {
  const s = decoder.decode(bytes);
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}

function attributeInWords(a: AttributeProto): string {
  switch (a.type) {
    case AttrType.FLOAT:
      return String(a.f);
    case AttrType.INT:
      return String(a.i);
    case AttrType.STRING:
      return text(a.s);
    case AttrType.FLOATS:
      return listInWords(a.floats);
    case AttrType.INTS:
      return listInWords(a.ints);
    case AttrType.STRINGS:
      return `[${a.strings.slice(0, 16).map(text).join(', ')}${a.strings.length > 16 ? ', …' : ''}]`;
    case AttrType.TENSOR:
      return a.t ? `tensor ${dataTypeName(a.t.dataType)} ⟨${tensorDims(a.t).join('×')}⟩` : 'tensor';
    case AttrType.GRAPH:
      return `graph of ${a.g?.node.length ?? 0} nodes`;
    case AttrType.TENSORS:
      return `${a.tensors.length} tensors`;
    case AttrType.GRAPHS:
      return `${a.graphs.length} graphs`;
    default:
      return `(${AttrType[a.type] ?? a.type})`;
  }
}

/** An initializer's values as numbers; null for activations and types Lowbit does not decode. */
export function onnxConstantValues(
  model: OnnxModel,
  subgraph: number,
  tensor: number,
): ConstantValues | null {
  if (subgraph !== 0) return null;
  const k = tensor - model.inputs.length;
  if (k < 0 || k >= model.initializers.size) return null;
  const t = [...model.initializers.values()][k]!;
  if (!dataTypeInfo(t.dataType) || dataTypeName(t.dataType) === 'bool') return null;
  const values = tensorValues(t, model);
  if (values instanceof BigInt64Array || values instanceof BigUint64Array)
    return Float64Array.from(values, Number);
  return values;
}
