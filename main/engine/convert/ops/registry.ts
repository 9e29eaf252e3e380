/**
 * Every ONNX op the converter handles: op type → its converter, one file per op in this folder.
 *
 * Add an op = one file + one line: write `ops/<op-name>.ts` exporting an OpConverter (read
 * ../op-converter.ts and ../node-context.ts; shared pieces are in ops/common/: element-wise
 * broadcasting, window padding, pooling, reshapes, fully connected), then add its line here.
 * If it emits a TFLite operator Lowbit's interpreter lacks, add that kernel too
 * (main/engine/interpreter/kernels/, one file each).
 */
import type { OpConverter } from '../op-converter';
import { add } from './add';
import { argMax } from './arg-max';
import { averagePool } from './average-pool';
import { batchNormalization } from './batch-normalization';
import { cast } from './cast';
import { clip } from './clip';
import { concat } from './concat';
import { constant } from './constant';
import { conv } from './conv';
import { convTranspose } from './conv-transpose';
import { div } from './div';
import { dropout } from './dropout';
import { elu } from './elu';
import { exp } from './exp';
import { flatten } from './flatten';
import { gather } from './gather';
import { gemm } from './gemm';
import { globalAveragePool } from './global-average-pool';
import { hardSigmoid } from './hard-sigmoid';
import { hardSwish } from './hard-swish';
import { identity } from './identity';
import { leakyRelu } from './leaky-relu';
import { logSoftmax } from './log-softmax';
import { matMul } from './mat-mul';
import { max } from './max';
import { maxPool } from './max-pool';
import { mean } from './mean';
import { min } from './min';
import { mul } from './mul';
import { neg } from './neg';
import { pRelu } from './p-relu';
import { pad } from './pad';
import { pow } from './pow';
import { reciprocal } from './reciprocal';
import { reduceMax } from './reduce-max';
import { reduceMean } from './reduce-mean';
import { reduceMin } from './reduce-min';
import { reduceProd } from './reduce-prod';
import { reduceSum } from './reduce-sum';
import { relu } from './relu';
import { reshape } from './reshape';
import { resize } from './resize';
import { shape } from './shape';
import { sigmoid } from './sigmoid';
import { slice } from './slice';
import { softmax } from './softmax';
import { split } from './split';
import { sqrt } from './sqrt';
import { squeeze } from './squeeze';
import { sub } from './sub';
import { sum } from './sum';
import { tanh } from './tanh';
import { transpose } from './transpose';
import { unsqueeze } from './unsqueeze';
import { upsample } from './upsample';

export const OP_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  Add: add,
  ArgMax: argMax,
  AveragePool: averagePool,
  BatchNormalization: batchNormalization,
  Cast: cast,
  Clip: clip,
  Concat: concat,
  Constant: constant,
  Conv: conv,
  ConvTranspose: convTranspose,
  Div: div,
  Dropout: dropout,
  Elu: elu,
  Exp: exp,
  Flatten: flatten,
  Gather: gather,
  Gemm: gemm,
  GlobalAveragePool: globalAveragePool,
  HardSigmoid: hardSigmoid,
  HardSwish: hardSwish,
  Identity: identity,
  LeakyRelu: leakyRelu,
  LogSoftmax: logSoftmax,
  MatMul: matMul,
  Max: max,
  MaxPool: maxPool,
  Mean: mean,
  Min: min,
  Mul: mul,
  Neg: neg,
  Pad: pad,
  Pow: pow,
  PRelu: pRelu,
  Reciprocal: reciprocal,
  ReduceMax: reduceMax,
  ReduceMean: reduceMean,
  ReduceMin: reduceMin,
  ReduceProd: reduceProd,
  ReduceSum: reduceSum,
  Relu: relu,
  Reshape: reshape,
  Resize: resize,
  Shape: shape,
  Sigmoid: sigmoid,
  Slice: slice,
  Softmax: softmax,
  Split: split,
  Sqrt: sqrt,
  Squeeze: squeeze,
  Sub: sub,
  Sum: sum,
  Tanh: tanh,
  Transpose: transpose,
  Unsqueeze: unsqueeze,
  Upsample: upsample,
};
