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
import { averagePool } from './average-pool';
import { batchNormalization } from './batch-normalization';
import { cast } from './cast';
import { clip } from './clip';
import { concat } from './concat';
import { constant } from './constant';
import { conv } from './conv';
import { dropout } from './dropout';
import { flatten } from './flatten';
import { gather } from './gather';
import { gemm } from './gemm';
import { globalAveragePool } from './global-average-pool';
import { identity } from './identity';
import { matMul } from './mat-mul';
import { maxPool } from './max-pool';
import { relu } from './relu';
import { reshape } from './reshape';
import { shape } from './shape';
import { softmax } from './softmax';
import { squeeze } from './squeeze';
import { unsqueeze } from './unsqueeze';

export const OP_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  Add: add,
  AveragePool: averagePool,
  BatchNormalization: batchNormalization,
  Cast: cast,
  Clip: clip,
  Concat: concat,
  Constant: constant,
  Conv: conv,
  Dropout: dropout,
  Flatten: flatten,
  Gather: gather,
  Gemm: gemm,
  GlobalAveragePool: globalAveragePool,
  Identity: identity,
  MatMul: matMul,
  MaxPool: maxPool,
  Relu: relu,
  Reshape: reshape,
  Shape: shape,
  Softmax: softmax,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
};
