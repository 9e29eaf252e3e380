/**
 * Small ONNX models built in memory for tests: `onnxModel` wraps nodes, inputs, outputs and
 * initializers into a ModelProto (IR 8, opset 13 unless told otherwise), `valueInfo` makes a
 * float tensor ValueInfo with numeric or symbolic dims.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { OnnxDataType } from '../../main/engine/onnx/data-type';
import {
  AttributeProto_AttributeType,
  ModelProtoSchema,
  NodeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from '../../main/engine/onnx/proto/onnx_pb';

export function valueInfo(
  name: string,
  dims: (number | string)[],
  elemType = OnnxDataType.FLOAT,
): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType,
          shape: {
            dim: dims.map((d) => ({
              value:
                typeof d === 'number'
                  ? { case: 'dimValue', value: BigInt(d) }
                  : { case: 'dimParam', value: d },
            })),
          },
        },
      },
    },
  } as Parameters<typeof create<typeof ValueInfoProtoSchema>>[1]);
}

export function node(
  opType: string,
  input: string[],
  output: string[],
  name = output[0] ?? opType,
  attribute: AttributeProto[] = [],
): NodeProto {
  return create(NodeProtoSchema, { opType, input, output, name, attribute });
}

export function intAttr(name: string, i: number): AttributeProto {
  return { name, type: AttributeProto_AttributeType.INT, i: BigInt(i) } as AttributeProto;
}

export interface ModelParts {
  nodes: NodeProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  initializers?: TensorProto[];
  opset?: number;
  irVersion?: number;
}

export function onnxModel(p: ModelParts): ModelProto {
  return create(ModelProtoSchema, {
    irVersion: BigInt(p.irVersion ?? 8),
    producerName: 'lowbit-test',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: BigInt(p.opset ?? 13) }],
    graph: {
      name: 'g',
      node: p.nodes,
      input: p.inputs,
      output: p.outputs,
      initializer: p.initializers ?? [],
    },
  });
}

export function onnxBytes(p: ModelParts): Uint8Array {
  return toBinary(ModelProtoSchema, onnxModel(p));
}
