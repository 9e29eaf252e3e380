/**
 * Operator versions as TFLite's op_version tables assign them from an operator's tensor types
 * and options, for the ops the optimizers rewrite. A runtime refuses an op whose version is newer
 * than it knows and may misread one whose version is too old, so every rewritten op gets its
 * version recomputed. Returns null for ops this table does not cover (their version is kept).
 */
import { BuiltinOperator, TensorType, type OperatorT, type SubGraphT } from '../tflite/generated/tflite';
import { lstmVersion } from './lstm';

export function opVersion(builtin: BuiltinOperator, sg: SubGraphT, op: OperatorT): number | null {
  const type = (i: number, out = false) => {
    const idx = out ? op.outputs[i] : op.inputs[i];
    return idx !== undefined && idx >= 0 ? sg.tensors[idx].type : undefined;
  };
  const dims = (i: number) => {
    const idx = op.inputs[i];
    return idx !== undefined && idx >= 0 ? sg.tensors[idx].shape.length : 0;
  };
  const perChannel = (i: number) => {
    const idx = op.inputs[i];
    return idx !== undefined && idx >= 0 && (sg.tensors[idx].quantization?.scale.length ?? 0) > 1;
  };
  const in0 = type(0);
  const out0 = type(0, true);
  const opts = op.builtinOptions as Record<string, unknown> | null;
  const i8 = in0 === TensorType.INT8;
  const i16 = in0 === TensorType.INT16;
  const hybrid = in0 === TensorType.FLOAT32 && type(1) === TensorType.INT8 && out0 === TensorType.FLOAT32;
  switch (builtin) {
    case BuiltinOperator.CONV_2D: {
      if (i16 && type(1) === TensorType.INT8) return 4;
      const inC = sg.tensors[op.inputs[0]]?.shape[3];
      const wC = sg.tensors[op.inputs[1]]?.shape[3];
      if (inC !== undefined && wC !== undefined && inC !== wC && wC > 0) return 6; // grouped
      if (i8 && type(1) === TensorType.INT8) return 3;
      if (hybrid) return perChannel(1) ? 5 : 2;
      return 1;
    }
    case BuiltinOperator.DEPTHWISE_CONV_2D:
      if (i16 && type(1) === TensorType.INT8) return 5;
      if (hybrid) return perChannel(1) ? 6 : 4;
      if (i8) return 3;
      if (opts && (opts.dilationWFactor !== 1 || opts.dilationHFactor !== 1)) return 2;
      return 1;
    case BuiltinOperator.FULLY_CONNECTED:
      if (hybrid && perChannel(1)) return 12;
      if (i16 && type(1) === TensorType.INT8) return 7;
      if (op.inputs.length === 2 || op.inputs[2] === -1) return 6;
      if (opts?.keepNumDims) return 5;
      if (i8) return 4;
      if (hybrid) return opts?.asymmetricQuantizeInputs ? 9 : 3;
      return 1;
    case BuiltinOperator.ADD:
      if (i16) return 3;
      return i8 ? 2 : 1;
    case BuiltinOperator.SUB:
      if (i16) return 5;
      if (dims(0) !== dims(1) && Math.max(dims(0), dims(1)) > 4) return 3;
      return i8 ? 2 : 1;
    case BuiltinOperator.MUL:
      if (i16) return 4;
      return i8 ? 2 : 1;
    case BuiltinOperator.MAX_POOL_2D:
    case BuiltinOperator.AVERAGE_POOL_2D:
      if (i16) return 3;
      return i8 ? 2 : 1;
    case BuiltinOperator.TRANSPOSE:
      if (dims(0) > 5) return 6;
      if (i16) return 5;
      if (dims(0) > 4) return 4;
      return i8 ? 2 : 1;
    case BuiltinOperator.PAD:
    case BuiltinOperator.PADV2:
      if (dims(0) > 4) return 4;
      if (i16) return 3;
      return i8 ? 2 : 1;
    case BuiltinOperator.CONCATENATION:
    case BuiltinOperator.SOFTMAX:
    case BuiltinOperator.MEAN:
    case BuiltinOperator.REDUCE_MAX:
    case BuiltinOperator.RELU6:
    case BuiltinOperator.RELU:
    case BuiltinOperator.LOGISTIC:
    case BuiltinOperator.TANH:
      if (i16) return 3;
      return i8 ? 2 : 1;
    case BuiltinOperator.MAXIMUM:
    case BuiltinOperator.MINIMUM:
      if (i16) return 4;
      return i8 ? 2 : 1;
    case BuiltinOperator.STRIDED_SLICE:
      if (opts && (opts.ellipsisMask || opts.newAxisMask)) return 6;
      if (dims(0) > 4) return 4;
      return i8 ? 2 : 1;
    case BuiltinOperator.LEAKY_RELU:
      return i16 ? 2 : 1;
    case BuiltinOperator.SPACE_TO_DEPTH:
    case BuiltinOperator.DEPTH_TO_SPACE:
    case BuiltinOperator.LOG_SOFTMAX:
    case BuiltinOperator.L2_NORMALIZATION:
    case BuiltinOperator.ARG_MAX:
    case BuiltinOperator.ARG_MIN:
      return i8 ? 2 : 1;
    case BuiltinOperator.GATHER:
      if (i16) return 4;
      return i8 ? 2 : 1;
    case BuiltinOperator.RESIZE_BILINEAR:
      if (i16) return 4;
      if (opts?.halfPixelCenters) return 3;
      return i8 ? 2 : 1;
    case BuiltinOperator.RESIZE_NEAREST_NEIGHBOR:
      if (i16) return 4;
      if (opts?.halfPixelCenters || opts?.alignCorners) return 3;
      return i8 ? 2 : 1;
    case BuiltinOperator.QUANTIZE:
      if (perChannelOut(sg, op)) return 3;
      return out0 === TensorType.INT16 ? 2 : 1;
    case BuiltinOperator.DEQUANTIZE:
      if (in0 === TensorType.INT16 || in0 === TensorType.FLOAT16) return 3;
      if (i8) return perChannel(0) ? 5 : 2;
      return 1;
    case BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM:
      return lstmVersion(op, sg);
    case BuiltinOperator.RESHAPE:
    case BuiltinOperator.SQUEEZE:
    case BuiltinOperator.EXPAND_DIMS:
    case BuiltinOperator.HARD_SWISH:
    case BuiltinOperator.RELU_N1_TO_1:
      return 1;
    default:
      return null;
  }
}

function perChannelOut(sg: SubGraphT, op: OperatorT): boolean {
  const o = op.outputs[0];
  return o !== undefined && o >= 0 && (sg.tensors[o].quantization?.scale.length ?? 0) > 1;
}
