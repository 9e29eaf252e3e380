/**
 * Small constant values by name, for reading parameters (quantization scales and zero points,
 * shapes): initializers and the outputs of Constant nodes (`value` tensor or the
 * value_float(s)/value_int(s) shorthands), decoded on demand to plain numbers.
 *
 *   const constants = tensorConstants(model);
 *   constants.get('conv.scale')?.values; // number[] (bigints become numbers)
 *
 * A name that is not constant, cannot be decoded, or has more than MAX_CONSTANT_ELEMENTS
 * elements gives undefined: callers treat it as "not a constant".
 */
import { create } from '@bufbuild/protobuf';
import { OnnxDataType } from './data-type';
import { TensorProtoSchema, type NodeProto, type TensorProto } from './proto/onnx_pb';
import type { OnnxModel } from './reader';
import { tensorElementCount, tensorValues } from './tensor-data';

/** Constants longer than this are not decoded here (parameters are short; weights are not). */
export const MAX_CONSTANT_ELEMENTS = 1 << 16;

export interface OnnxConstant {
  proto: TensorProto;
  values: number[];
}

export interface OnnxConstants {
  get(name: string): OnnxConstant | undefined;
}

export function tensorConstants(model: OnnxModel): OnnxConstants {
  const protos = new Map<string, TensorProto>(model.initializers);
  for (const node of model.nodes) {
    const t = node.opType === 'Constant' && node.domain === '' ? constantNodeTensor(node) : undefined;
    if (t && node.output[0]) protos.set(node.output[0], t);
  }
  const cache = new Map<string, OnnxConstant | undefined>();
  return {
    get(name) {
      if (!cache.has(name)) cache.set(name, decode(protos.get(name), model));
      return cache.get(name);
    },
  };
}

function decode(proto: TensorProto | undefined, model: OnnxModel): OnnxConstant | undefined {
  if (!proto) return undefined;
  try {
    if (tensorElementCount(proto) > MAX_CONSTANT_ELEMENTS) return undefined;
    return { proto, values: Array.from(tensorValues(proto, model), Number) };
  } catch {
    return undefined;
  }
}

/** The tensor a Constant node outputs, from whichever of its attributes is set. */
function constantNodeTensor(node: NodeProto): TensorProto | undefined {
  for (const a of node.attribute) {
    switch (a.name) {
      case 'value':
        return a.t;
      case 'value_float':
        return create(TensorProtoSchema, { dataType: OnnxDataType.FLOAT, floatData: [a.f] });
      case 'value_floats':
        return create(TensorProtoSchema, {
          dataType: OnnxDataType.FLOAT,
          dims: [BigInt(a.floats.length)],
          floatData: a.floats,
        });
      case 'value_int':
        return create(TensorProtoSchema, { dataType: OnnxDataType.INT64, int64Data: [a.i] });
      case 'value_ints':
        return create(TensorProtoSchema, {
          dataType: OnnxDataType.INT64,
          dims: [BigInt(a.ints.length)],
          int64Data: a.ints,
        });
    }
  }
  return undefined;
}
