/** The ops the trainable graph can run forward and backward, by TFLite builtin name. */
import { add } from './add';
import { averagePool2d } from './average_pool_2d';
import { concatenation } from './concatenation';
import { conv2d } from './conv_2d';
import { depthwiseConv2d } from './depthwise_conv_2d';
import { fullyConnected } from './fully_connected';
import { logistic } from './logistic';
import { maxPool2d } from './max_pool_2d';
import { mean } from './mean';
import { mul } from './mul';
import type { OpFactory } from './op';
import { pad } from './pad';
import { relu } from './relu';
import { relu6 } from './relu6';
import { reshape } from './reshape';
import { softmax } from './softmax';
import { tanh } from './tanh';
import { transpose } from './transpose';

export const TRAIN_OPS: Readonly<Record<string, OpFactory>> = {
  ADD: add,
  AVERAGE_POOL_2D: averagePool2d,
  CONCATENATION: concatenation,
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwiseConv2d,
  FULLY_CONNECTED: fullyConnected,
  LOGISTIC: logistic,
  MAX_POOL_2D: maxPool2d,
  MEAN: mean,
  MUL: mul,
  PAD: pad,
  RELU: relu,
  RELU6: relu6,
  RESHAPE: reshape,
  SOFTMAX: softmax,
  TANH: tanh,
  TRANSPOSE: transpose,
};
