/**
 * The kernel registry: builtin operator name -> Kernel. One import and one entry per kernel,
 * kept in alphabetical order so concurrent additions merge cleanly.
 */
import type { Kernel } from '../types';
import { kernel as add } from './add';
import { kernel as argMax } from './arg_max';
import { kernel as averagePool2d } from './average_pool_2d';
import { kernel as batchMatmul } from './batch_matmul';
import { kernel as cast } from './cast';
import { kernel as concatenation } from './concatenation';
import { kernel as conv2d } from './conv_2d';
import { kernel as depthwiseConv2d } from './depthwise_conv_2d';
import { kernel as dequantize } from './dequantize';
import { kernel as div } from './div';
import { kernel as elu } from './elu';
import { kernel as exp } from './exp';
import { kernel as expandDims } from './expand_dims';
import { kernel as fullyConnected } from './fully_connected';
import { kernel as gather } from './gather';
import { kernel as hardSwish } from './hard_swish';
import { kernel as l2Pool2d } from './l2_pool_2d';
import { kernel as leakyRelu } from './leaky_relu';
import { kernel as logSoftmax } from './log_softmax';
import { kernel as logistic } from './logistic';
import { kernel as maxPool2d } from './max_pool_2d';
import { kernel as maximum } from './maximum';
import { kernel as mean } from './mean';
import { kernel as minimum } from './minimum';
import { kernel as mirrorPad } from './mirror_pad';
import { kernel as mul } from './mul';
import { kernel as pack } from './pack';
import { kernel as pad } from './pad';
import { kernel as padv2 } from './padv2';
import { kernel as pow } from './pow';
import { kernel as prelu } from './prelu';
import { kernel as quantize } from './quantize';
import { quantizeSimd } from './wasm/quantize-wasm';
import { kernel as reduceMax } from './reduce_max';
import { kernel as reduceMin } from './reduce_min';
import { kernel as reduceProd } from './reduce_prod';
import { kernel as relu } from './relu';
import { kernel as relu6 } from './relu6';
import { kernel as reluN1To1 } from './relu_n1_to_1';
import { kernel as reshape } from './reshape';
import { kernel as resizeBilinear } from './resize_bilinear';
import { kernel as resizeNearestNeighbor } from './resize_nearest_neighbor';
import { kernel as rsqrt } from './rsqrt';
import { kernel as shape } from './shape';
import { kernel as slice } from './slice';
import { kernel as softmax } from './softmax';
import { kernel as split } from './split';
import { kernel as sqrt } from './sqrt';
import { kernel as squeeze } from './squeeze';
import { kernel as stridedSlice } from './strided_slice';
import { kernel as sub } from './sub';
import { kernel as sum } from './sum';
import { kernel as svdf } from './svdf';
import { kernel as tanh } from './tanh';
import { kernel as transpose } from './transpose';
import { kernel as transposeConv } from './transpose_conv';
import { kernel as unidirectionalSequenceLstm } from './unidirectional_sequence_lstm';
import { kernel as unpack } from './unpack';
import {
  averagePool2dSimd,
  conv2dSimd,
  depthwiseConv2dSimd,
  fullyConnectedBySize,
  maxPool2dSimd,
  softmaxFast,
  addSimd,
  meanSimd,
} from './wasm/simd-kernels';

/** The TypeScript kernels: the reference (`--reference`) and the fallback of the SIMD kernels. */
export const referenceKernels: Readonly<Record<string, Kernel | undefined>> = {
  ADD: add,
  ARG_MAX: argMax,
  AVERAGE_POOL_2D: averagePool2d,
  BATCH_MATMUL: batchMatmul,
  CAST: cast,
  CONCATENATION: concatenation,
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwiseConv2d,
  DEQUANTIZE: dequantize,
  DIV: div,
  ELU: elu,
  EXP: exp,
  EXPAND_DIMS: expandDims,
  FULLY_CONNECTED: fullyConnected,
  GATHER: gather,
  HARD_SWISH: hardSwish,
  L2_POOL_2D: l2Pool2d,
  LEAKY_RELU: leakyRelu,
  LOGISTIC: logistic,
  LOG_SOFTMAX: logSoftmax,
  MAXIMUM: maximum,
  MAX_POOL_2D: maxPool2d,
  MEAN: mean,
  MINIMUM: minimum,
  MIRROR_PAD: mirrorPad,
  MUL: mul,
  PACK: pack,
  PAD: pad,
  PADV2: padv2,
  POW: pow,
  PRELU: prelu,
  QUANTIZE: quantize,
  REDUCE_MAX: reduceMax,
  REDUCE_MIN: reduceMin,
  REDUCE_PROD: reduceProd,
  RELU: relu,
  RELU6: relu6,
  RELU_N1_TO_1: reluN1To1,
  RESHAPE: reshape,
  RESIZE_BILINEAR: resizeBilinear,
  RESIZE_NEAREST_NEIGHBOR: resizeNearestNeighbor,
  RSQRT: rsqrt,
  SHAPE: shape,
  SLICE: slice,
  SOFTMAX: softmax,
  SPLIT: split,
  SQRT: sqrt,
  SQUEEZE: squeeze,
  STRIDED_SLICE: stridedSlice,
  SUB: sub,
  SUM: sum,
  SVDF: svdf,
  TANH: tanh,
  TRANSPOSE: transpose,
  TRANSPOSE_CONV: transposeConv,
  UNIDIRECTIONAL_SEQUENCE_LSTM: unidirectionalSequenceLstm,
  UNPACK: unpack,
};

/** The default registry: the reference kernels with the WebAssembly SIMD ones for the hot ops. */
export const kernels: Readonly<Record<string, Kernel | undefined>> = {
  ...referenceKernels,
  QUANTIZE: quantizeSimd,
  CONV_2D: conv2dSimd,
  DEPTHWISE_CONV_2D: depthwiseConv2dSimd,
  FULLY_CONNECTED: fullyConnectedBySize,
  MAX_POOL_2D: maxPool2dSimd,
  AVERAGE_POOL_2D: averagePool2dSimd,
  SOFTMAX: softmaxFast,
  ADD: addSimd,
  MEAN: meanSimd,
};
