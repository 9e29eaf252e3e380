/**
 * Small ONNX models built in code for tests: float32 graph inputs and outputs, nodes with typed
 * attributes, float32 or int64 initializers. Encoded with the generated codec, so the bytes are
 * what any ONNX writer would produce for the same graph.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  ModelProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  type AttributeProto,
  type TensorProto,
} from '../../main/engine/onnx/proto/onnx_pb';

export type OnnxAttr =
  { i: number } | { f: number } | { ints: number[] } | { floats: number[] } | { s: string };

export interface OnnxNodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, OnnxAttr>;
}

export interface OnnxModelSpec {
  /** name → dims (a string is a symbolic dim). */
  inputs: Record<string, (number | string)[]>;
  outputs: string[];
  nodes: OnnxNodeSpec[];
  initializers?: Record<string, { dims: number[]; data: Float32Array | BigInt64Array }>;
  opset?: number;
}

function tensorProto(name: string, dims: number[], data: Float32Array | BigInt64Array): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: data instanceof Float32Array ? TensorProto_DataType.FLOAT : TensorProto_DataType.INT64,
    rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  });
}

function attribute(name: string, a: OnnxAttr): AttributeProto {
  const T = AttributeProto_AttributeType;
  if ('i' in a) return create(AttributeProtoSchema, { name, type: T.INT, i: BigInt(a.i) });
  if ('f' in a) return create(AttributeProtoSchema, { name, type: T.FLOAT, f: a.f });
  if ('ints' in a) return create(AttributeProtoSchema, { name, type: T.INTS, ints: a.ints.map(BigInt) });
  if ('floats' in a) return create(AttributeProtoSchema, { name, type: T.FLOATS, floats: a.floats });
  return create(AttributeProtoSchema, { name, type: T.STRING, s: new TextEncoder().encode(a.s) });
}

function valueInfo(name: string, dims: (number | string)[] | undefined) {
  return {
    name,
    type: {
      value: {
        case: 'tensorType' as const,
        value: {
          elemType: TensorProto_DataType.FLOAT,
          ...(dims
            ? {
                shape: {
                  dim: dims.map((d) => ({
                    value:
                      typeof d === 'number'
                        ? { case: 'dimValue' as const, value: BigInt(d) }
                        : { case: 'dimParam' as const, value: d },
                  })),
                },
              }
            : {}),
        },
      },
    },
  };
}

export function onnxModel(spec: OnnxModelSpec): Uint8Array {
  const model = create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: 'lowbit-test',
    opsetImport: [
      { domain: '', version: BigInt(spec.opset ?? 13) },
      ...[...new Set(spec.nodes.map((n) => n.domain ?? ''))]
        .filter((d) => d !== '')
        .map((domain) => ({ domain, version: 1n })),
    ],
    graph: {
      name: 'test',
      node: spec.nodes.map((n, k) => ({
        opType: n.op,
        name: n.name ?? `${n.op.toLowerCase()}_${k}`,
        domain: n.domain ?? '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k2, a]) => attribute(k2, a)),
      })),
      initializer: Object.entries(spec.initializers ?? {}).map(([name, t]) =>
        tensorProto(name, t.dims, t.data),
      ),
      input: Object.entries(spec.inputs).map(([name, dims]) => valueInfo(name, dims)),
      output: spec.outputs.map((name) => valueInfo(name, undefined)),
    },
  });
  return toBinary(ModelProtoSchema, model);
}
