/**
 * TFLite Micro facts per builtin op: the MicroMutableOpResolver method that registers it, and an
 * estimate of the flash its reference kernel adds.
 *
 * Basis of the code-size estimates (state it wherever a figure is shown): TFLM's reference
 * kernels built with -Os for a Cortex-M4F (arm-none-eabi-gcc), rounded to 0.5 KB and grouped by
 * kernel family; published reports put the whole runtime at roughly 20–50 KB of flash depending
 * on the registered kernels. These are estimates, not measurements: the map file of the user's
 * own build is the truth (optimized CMSIS-NN or ESP-NN kernels are typically larger and faster).
 */
export interface TflmOp {
  /** MicroMutableOpResolver method, e.g. 'AddConv2D'. */
  resolver: string;
  /** Estimated flash of the reference kernel, bytes. */
  codeBytes: number;
}

const KB = 1024;

export const TFLM_OPS: Readonly<Record<string, TflmOp>> = {
  ABS: { resolver: 'AddAbs', codeBytes: 1 * KB },
  ADD: { resolver: 'AddAdd', codeBytes: 3 * KB },
  ADD_N: { resolver: 'AddAddN', codeBytes: 1.5 * KB },
  ARG_MAX: { resolver: 'AddArgMax', codeBytes: 1.5 * KB },
  ARG_MIN: { resolver: 'AddArgMin', codeBytes: 1.5 * KB },
  AVERAGE_POOL_2D: { resolver: 'AddAveragePool2D', codeBytes: 2.5 * KB },
  BATCH_MATMUL: { resolver: 'AddBatchMatMul', codeBytes: 3 * KB },
  BATCH_TO_SPACE_ND: { resolver: 'AddBatchToSpaceNd', codeBytes: 2 * KB },
  CAST: { resolver: 'AddCast', codeBytes: 1.5 * KB },
  CEIL: { resolver: 'AddCeil', codeBytes: 0.5 * KB },
  CONCATENATION: { resolver: 'AddConcatenation', codeBytes: 2 * KB },
  CONV_2D: { resolver: 'AddConv2D', codeBytes: 5 * KB },
  COS: { resolver: 'AddCos', codeBytes: 1 * KB },
  CUMSUM: { resolver: 'AddCumSum', codeBytes: 1.5 * KB },
  DEPTH_TO_SPACE: { resolver: 'AddDepthToSpace', codeBytes: 1.5 * KB },
  DEPTHWISE_CONV_2D: { resolver: 'AddDepthwiseConv2D', codeBytes: 5 * KB },
  DEQUANTIZE: { resolver: 'AddDequantize', codeBytes: 1.5 * KB },
  DIV: { resolver: 'AddDiv', codeBytes: 2 * KB },
  ELU: { resolver: 'AddElu', codeBytes: 1.5 * KB },
  EQUAL: { resolver: 'AddEqual', codeBytes: 2 * KB },
  EXP: { resolver: 'AddExp', codeBytes: 1 * KB },
  EXPAND_DIMS: { resolver: 'AddExpandDims', codeBytes: 0.5 * KB },
  FILL: { resolver: 'AddFill', codeBytes: 1 * KB },
  FLOOR: { resolver: 'AddFloor', codeBytes: 0.5 * KB },
  FLOOR_DIV: { resolver: 'AddFloorDiv', codeBytes: 1 * KB },
  FLOOR_MOD: { resolver: 'AddFloorMod', codeBytes: 1 * KB },
  FULLY_CONNECTED: { resolver: 'AddFullyConnected', codeBytes: 3.5 * KB },
  GATHER: { resolver: 'AddGather', codeBytes: 1.5 * KB },
  GATHER_ND: { resolver: 'AddGatherNd', codeBytes: 1.5 * KB },
  GREATER: { resolver: 'AddGreater', codeBytes: 2 * KB },
  GREATER_EQUAL: { resolver: 'AddGreaterEqual', codeBytes: 2 * KB },
  HARD_SWISH: { resolver: 'AddHardSwish', codeBytes: 2 * KB },
  L2_NORMALIZATION: { resolver: 'AddL2Normalization', codeBytes: 1.5 * KB },
  L2_POOL_2D: { resolver: 'AddL2Pool2D', codeBytes: 1.5 * KB },
  LEAKY_RELU: { resolver: 'AddLeakyRelu', codeBytes: 1.5 * KB },
  LESS: { resolver: 'AddLess', codeBytes: 2 * KB },
  LESS_EQUAL: { resolver: 'AddLessEqual', codeBytes: 2 * KB },
  LOG: { resolver: 'AddLog', codeBytes: 1 * KB },
  LOG_SOFTMAX: { resolver: 'AddLogSoftmax', codeBytes: 2 * KB },
  LOGICAL_AND: { resolver: 'AddLogicalAnd', codeBytes: 1 * KB },
  LOGICAL_NOT: { resolver: 'AddLogicalNot', codeBytes: 0.5 * KB },
  LOGICAL_OR: { resolver: 'AddLogicalOr', codeBytes: 1 * KB },
  LOGISTIC: { resolver: 'AddLogistic', codeBytes: 2 * KB },
  MAX_POOL_2D: { resolver: 'AddMaxPool2D', codeBytes: 2 * KB },
  MAXIMUM: { resolver: 'AddMaximum', codeBytes: 1.5 * KB },
  MEAN: { resolver: 'AddMean', codeBytes: 3 * KB },
  MINIMUM: { resolver: 'AddMinimum', codeBytes: 1.5 * KB },
  MIRROR_PAD: { resolver: 'AddMirrorPad', codeBytes: 1.5 * KB },
  MUL: { resolver: 'AddMul', codeBytes: 2.5 * KB },
  NEG: { resolver: 'AddNeg', codeBytes: 0.5 * KB },
  NOT_EQUAL: { resolver: 'AddNotEqual', codeBytes: 2 * KB },
  PACK: { resolver: 'AddPack', codeBytes: 1 * KB },
  PAD: { resolver: 'AddPad', codeBytes: 2 * KB },
  PADV2: { resolver: 'AddPadV2', codeBytes: 2 * KB },
  PRELU: { resolver: 'AddPrelu', codeBytes: 2 * KB },
  QUANTIZE: { resolver: 'AddQuantize', codeBytes: 2 * KB },
  REDUCE_MAX: { resolver: 'AddReduceMax', codeBytes: 2 * KB },
  RELU: { resolver: 'AddRelu', codeBytes: 1 * KB },
  RELU6: { resolver: 'AddRelu6', codeBytes: 1 * KB },
  RESHAPE: { resolver: 'AddReshape', codeBytes: 0.5 * KB },
  RESIZE_BILINEAR: { resolver: 'AddResizeBilinear', codeBytes: 2 * KB },
  RESIZE_NEAREST_NEIGHBOR: { resolver: 'AddResizeNearestNeighbor', codeBytes: 1.5 * KB },
  ROUND: { resolver: 'AddRound', codeBytes: 0.5 * KB },
  RSQRT: { resolver: 'AddRsqrt', codeBytes: 1 * KB },
  SELECT_V2: { resolver: 'AddSelectV2', codeBytes: 1.5 * KB },
  SHAPE: { resolver: 'AddShape', codeBytes: 0.5 * KB },
  SIN: { resolver: 'AddSin', codeBytes: 1 * KB },
  SLICE: { resolver: 'AddSlice', codeBytes: 1.5 * KB },
  SOFTMAX: { resolver: 'AddSoftmax', codeBytes: 2.5 * KB },
  SPACE_TO_BATCH_ND: { resolver: 'AddSpaceToBatchNd', codeBytes: 2 * KB },
  SPACE_TO_DEPTH: { resolver: 'AddSpaceToDepth', codeBytes: 1.5 * KB },
  SPLIT: { resolver: 'AddSplit', codeBytes: 1 * KB },
  SPLIT_V: { resolver: 'AddSplitV', codeBytes: 1 * KB },
  SQRT: { resolver: 'AddSqrt', codeBytes: 1 * KB },
  SQUARE: { resolver: 'AddSquare', codeBytes: 0.5 * KB },
  SQUARED_DIFFERENCE: { resolver: 'AddSquaredDifference', codeBytes: 2 * KB },
  SQUEEZE: { resolver: 'AddSqueeze', codeBytes: 0.5 * KB },
  STRIDED_SLICE: { resolver: 'AddStridedSlice', codeBytes: 2 * KB },
  SUB: { resolver: 'AddSub', codeBytes: 3 * KB },
  SUM: { resolver: 'AddSum', codeBytes: 2 * KB },
  SVDF: { resolver: 'AddSvdf', codeBytes: 3 * KB },
  TANH: { resolver: 'AddTanh', codeBytes: 2 * KB },
  TRANSPOSE: { resolver: 'AddTranspose', codeBytes: 1.5 * KB },
  TRANSPOSE_CONV: { resolver: 'AddTransposeConv', codeBytes: 3.5 * KB },
  UNIDIRECTIONAL_SEQUENCE_LSTM: { resolver: 'AddUnidirectionalSequenceLSTM', codeBytes: 8 * KB },
  UNPACK: { resolver: 'AddUnpack', codeBytes: 1 * KB },
  ZEROS_LIKE: { resolver: 'AddZerosLike', codeBytes: 0.5 * KB },
};

/**
 * The runtime without kernels: MicroInterpreter, MicroAllocator and its planner, flatbuffer
 * access, error reporting and the tensor utilities (estimate, Cortex-M4F, -Os; see above).
 */
export const TFLM_CORE_BYTES = 24 * KB;
