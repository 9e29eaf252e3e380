/**
 * How each operator is quantized for full-integer models, per the TFLite int8/16x8 spec
 * (quantization_spec.md): which input holds weights (symmetric int8, per channel on `axis`),
 * which holds the bias (int32 / int64, scale = input scale × weight scale), fixed output
 * parameters, and the ops whose inputs and outputs must share parameters. An op missing from
 * this table stays float (or fails --strict): either TFLite has no integer kernel for it, or (the
 * recurrent ops other than UNIDIRECTIONAL_SEQUENCE_LSTM, and SVDF, listed in full-integer.ts)
 * Lowbit does not quantize it yet. UNIDIRECTIONAL_SEQUENCE_LSTM has its own rules (lstm.ts).
 */
export interface OpQuantSpec {
  weights?: { slot: number; axis: number };
  bias?: number;
  /** Fixed output [scale, zeroPoint] for int8 and for int16 activations. */
  fixed?: { int8: [number, number]; int16?: [number, number] };
  /** Every float input and output share one set of parameters. */
  shared?: boolean;
  /** TFLite has a 16x8 (int16 activations) kernel. */
  int16: boolean;
  /** Takes its input in whatever form it comes (SHAPE reads only the shape). */
  anyInput?: boolean;
  /** Quantized by lstm.ts (weights, biases, states and intermediates of its own). */
  lstm?: boolean;
}

const free = (int16 = true): OpQuantSpec => ({ int16 });
const shared = (int16 = true): OpQuantSpec => ({ shared: true, int16 });

export const OP_SPECS: Readonly<Record<string, OpQuantSpec>> = {
  CONV_2D: { weights: { slot: 1, axis: 0 }, bias: 2, int16: true },
  DEPTHWISE_CONV_2D: { weights: { slot: 1, axis: 3 }, bias: 2, int16: true },
  FULLY_CONNECTED: { weights: { slot: 1, axis: 0 }, bias: 2, int16: true },
  ADD: free(),
  SUB: free(),
  MUL: free(),
  MEAN: free(),
  SUM: free(),
  RELU: free(),
  RELU6: free(),
  RELU_N1_TO_1: free(false),
  LEAKY_RELU: free(),
  HARD_SWISH: free(false),
  ELU: free(false),
  SOFTMAX: { fixed: { int8: [1 / 256, -128], int16: [1 / 32768, 0] }, int16: true },
  LOGISTIC: { fixed: { int8: [1 / 256, -128], int16: [1 / 32768, 0] }, int16: true },
  TANH: { fixed: { int8: [1 / 128, 0], int16: [1 / 32768, 0] }, int16: true },
  L2_NORMALIZATION: { fixed: { int8: [1 / 128, 0] }, int16: false },
  LOG_SOFTMAX: { fixed: { int8: [16 / 256, 127] }, int16: false },
  AVERAGE_POOL_2D: shared(),
  MAX_POOL_2D: shared(),
  CONCATENATION: shared(),
  RESHAPE: shared(),
  SQUEEZE: shared(),
  EXPAND_DIMS: shared(),
  TRANSPOSE: shared(),
  PAD: shared(),
  PADV2: shared(),
  GATHER: shared(),
  SLICE: shared(),
  STRIDED_SLICE: shared(),
  SPLIT: shared(),
  PACK: shared(),
  UNPACK: shared(),
  RESIZE_BILINEAR: shared(),
  RESIZE_NEAREST_NEIGHBOR: shared(),
  SPACE_TO_DEPTH: shared(false),
  DEPTH_TO_SPACE: shared(false),
  SPACE_TO_BATCH_ND: shared(),
  BATCH_TO_SPACE_ND: shared(),
  MAXIMUM: shared(),
  MINIMUM: shared(),
  SHAPE: { int16: true, anyInput: true },
  UNIDIRECTIONAL_SEQUENCE_LSTM: { int16: false, lstm: true },
};
