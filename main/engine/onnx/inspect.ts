/**
 * An ONNX model as the format-neutral InspectReport (model/inspect-report.ts), plus what only
 * ONNX has in `report.onnx`: opsets, producer, and the quantization parameters of QDQ and
 * QOperator nodes. Tensors are every named value: graph inputs, initializers, then node outputs
 * in topological order; `buffer` is 1 + the initializer's index for constants, 0 otherwise.
 *
 * Adding a QOperator op: its operand layout in QOPERATOR_OPERANDS.
 */
import type {
  InspectReport,
  OnnxQuantNode,
  OnnxQuantOperand,
  OperatorInfo,
  OperatorOptionValue,
  TensorInfo,
} from '../model/inspect-report';
import { dataTypeInfo, dataTypeName } from './data-type';
import { tensorConstants, type OnnxConstants } from './constants';
import { normalDomain, type OnnxModel } from './reader';
import type { AttributeProto, NodeProto, TensorProto, TypeProto, ValueInfoProto } from './proto/onnx_pb';
import { AttributeProto_AttributeType } from './proto/onnx_pb';
import { isExternal, storedByteLength, tensorDims } from './tensor-data';

/** Where a QOperator op keeps each operand's value, scale and zero point (input indices; -1: output 0). */
const QOPERATOR_OPERANDS: Record<string, [role: string, value: number, scale: number, zeroPoint: number][]> =
  {
    QLinearConv: [
      ['x', 0, 1, 2],
      ['w', 3, 4, 5],
      ['y', -1, 6, 7],
    ],
    QLinearMatMul: [
      ['a', 0, 1, 2],
      ['b', 3, 4, 5],
      ['y', -1, 6, 7],
    ],
  };

export function inspectOnnx(model: OnnxModel, sizeBytes: number): InspectReport {
  const tensors: TensorInfo[] = [];
  const indexOf = new Map<string, number>();
  const addTensor = (name: string, info: Omit<TensorInfo, 'index' | 'name'>) => {
    indexOf.set(name, tensors.length);
    tensors.push({ index: tensors.length, name, ...info });
  };
  for (const input of model.inputs) addTensor(input.name, activation(input));
  const weightsByDtype: Record<string, number> = {};
  let inFileWeights = 0;
  let externalBytes = 0;
  [...model.initializers.values()].forEach((t, k) => {
    const known = dataTypeInfo(t.dataType) !== undefined;
    const bytes = known ? storedByteLength(t) : 0;
    const dtype = dataTypeName(t.dataType);
    weightsByDtype[dtype] = (weightsByDtype[dtype] ?? 0) + bytes;
    if (isExternal(t)) externalBytes += bytes;
    else inFileWeights += bytes;
    addTensor(t.name, { shape: tensorDims(t), dtype, buffer: k + 1, bytes, quantization: null });
  });
  for (const node of model.nodes)
    for (const out of node.output)
      if (out && !indexOf.has(out)) addTensor(out, activation(model.valueInfo.get(out)));

  const opCounts: Record<string, number> = {};
  const operators: OperatorInfo[] = model.nodes.map((node) => {
    const op = opName(node);
    opCounts[op] = (opCounts[op] ?? 0) + 1;
    const options = nodeAttributes(node.attribute);
    return {
      op,
      version: model.opsets.get(normalDomain(node.domain)) ?? 0,
      inputs: node.input.map((n) => (n ? (indexOf.get(n) ?? -1) : -1)),
      outputs: node.output.map((n) => (n ? (indexOf.get(n) ?? -1) : -1)),
      ...(options ? { options } : {}),
    };
  });

  const quantization = quantNodes(model, tensorConstants(model));
  for (const q of quantization)
    for (const o of q.operands) {
      const t = tensors[indexOf.get(o.tensor) ?? -1];
      if (t && !t.quantization)
        t.quantization = { scale: o.scale, zeroPoint: o.zeroPoint, axis: o.axis ?? 0 };
    }

  const metadata = model.proto.metadataProps.map((p) => ({ name: p.key, bytes: p.value.length }));
  const metadataBytes = metadata.reduce((a, m) => a + m.bytes, 0);
  const p = model.proto;
  return {
    format: 'onnx',
    version: model.irVersion,
    description: p.docString || model.graph.docString || model.graph.name,
    sizeBytes,
    opCounts,
    subgraphs: [
      {
        name: model.graph.name,
        inputs: model.inputs.map((i) => indexOf.get(i.name)!),
        outputs: model.outputs.map((o) => indexOf.get(o.name) ?? -1),
        operators,
        tensors,
      },
    ],
    size: {
      weightsByDtype,
      weightsBytes: inFileWeights + externalBytes,
      metadataBytes,
      structureBytes: Math.max(0, sizeBytes - inFileWeights - metadataBytes),
    },
    metadata,
    signatures: [],
    onnx: {
      irVersion: model.irVersion,
      producerName: p.producerName,
      producerVersion: p.producerVersion,
      domain: p.domain,
      modelVersion: Number(p.modelVersion),
      opsets: [...model.opsets].map(([domain, version]) => ({ domain, version })),
      externalBytes,
      quantization,
    },
  };
}

/** The op's name: its type, prefixed by its domain outside the default one ("com.microsoft.QLinearAdd"). */
function opName(node: NodeProto): string {
  const domain = normalDomain(node.domain);
  return domain ? `${domain}.${node.opType}` : node.opType;
}

function activation(v: ValueInfoProto | undefined): Omit<TensorInfo, 'index' | 'name'> {
  const tensorType = tensorTypeOf(v?.type);
  const dims = tensorType?.shape?.dim ?? [];
  const symbolic = dims.map((d) =>
    d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : '?',
  );
  return {
    shape: symbolic.map((d) => (typeof d === 'number' ? d : -1)),
    dtype: tensorType ? dataTypeName(tensorType.elemType) : 'unknown',
    buffer: 0,
    bytes: 0,
    quantization: null,
    ...(symbolic.some((d) => typeof d === 'string') ? { symbolicShape: symbolic } : {}),
  };
}

function tensorTypeOf(type: TypeProto | undefined) {
  if (type?.value.case === 'tensorType' || type?.value.case === 'sparseTensorType') return type.value.value;
  return undefined;
}

function quantNodes(model: OnnxModel, constants: OnnxConstants): OnnxQuantNode[] {
  const out: OnnxQuantNode[] = [];
  model.nodes.forEach((node, operator) => {
    if (normalDomain(node.domain) !== '' && node.domain !== 'com.microsoft') return;
    const axisAttr = node.attribute.find((a) => a.name === 'axis');
    const blockAttr = node.attribute.find((a) => a.name === 'block_size');
    const operand = (role: string, tensor: string, scale: string, zeroPoint: string | undefined) =>
      quantOperand(role, tensor, constants.get(scale), zeroPoint ? constants.get(zeroPoint) : undefined, {
        axis: axisAttr ? Number(axisAttr.i) : 1,
        blockSize: blockAttr ? Number(blockAttr.i) : 0,
      });
    if (node.opType === 'QuantizeLinear' || node.opType === 'DequantizeLinear') {
      const quantized = node.opType === 'QuantizeLinear' ? node.output[0] : node.input[0];
      const role = node.opType === 'QuantizeLinear' ? 'y' : 'x';
      out.push({
        operator,
        op: node.opType,
        style: 'qdq',
        operands: [operand(role, quantized ?? '', node.input[1] ?? '', node.input[2])],
      });
      return;
    }
    const layout = QOPERATOR_OPERANDS[node.opType];
    if (!layout) return;
    const operands = layout.map(([role, value, scale, zp]) =>
      operand(
        role,
        (value < 0 ? node.output[0] : node.input[value]) ?? '',
        node.input[scale] ?? '',
        node.input[zp],
      ),
    );
    out.push({ operator, op: node.opType, style: 'qoperator', operands });
  });
  return out;
}

/** A parameter set from constant scale and zero point tensors (empty arrays when not constant). */
function quantOperand(
  role: string,
  tensor: string,
  scale: { proto: TensorProto; values: number[] } | undefined,
  zeroPoint: { proto: TensorProto; values: number[] } | undefined,
  attrs: { axis: number; blockSize: number },
): OnnxQuantOperand {
  const scales = scale?.values ?? [];
  const perAxis = scale !== undefined && scale.proto.dims.length > 0 && scales.length > 1;
  return {
    role,
    tensor,
    scale: scales,
    zeroPoint: zeroPoint?.values ?? scales.map(() => 0),
    axis: perAxis ? attrs.axis : null,
    // Without a zero point the quantized type is uint8 (ONNX's default).
    dtype: zeroPoint ? dataTypeName(zeroPoint.proto.dataType) : 'uint8',
    ...(attrs.blockSize ? { blockSize: attrs.blockSize } : {}),
  };
}

/**
 * A node's attributes as operator options: numbers, strings and their lists (64 values at most);
 * tensors and subgraphs are left out (the report is for people).
 */
function nodeAttributes(attrs: readonly AttributeProto[]): Record<string, OperatorOptionValue> | undefined {
  const out: Record<string, OperatorOptionValue> = {};
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  for (const a of attrs) {
    switch (a.type) {
      case AttributeProto_AttributeType.FLOAT:
        out[a.name] = a.f;
        break;
      case AttributeProto_AttributeType.INT:
        out[a.name] = Number(a.i);
        break;
      case AttributeProto_AttributeType.STRING:
        out[a.name] = text(a.s);
        break;
      case AttributeProto_AttributeType.FLOATS:
        out[a.name] = a.floats.slice(0, 64);
        break;
      case AttributeProto_AttributeType.INTS:
        out[a.name] = a.ints.slice(0, 64).map(Number);
        break;
      case AttributeProto_AttributeType.STRINGS:
        out[a.name] = a.strings.slice(0, 64).map(text);
        break;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
