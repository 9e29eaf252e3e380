/**
 * The kernel registry: builtin operator name -> Kernel. One import and one entry per kernel,
 * kept in alphabetical order so concurrent additions merge cleanly.
 */
import type { Kernel } from '../types';
import { add } from './add';
import { cast } from './cast';
import { dequantize } from './dequantize';
import { expandDims } from './expand_dims';
import { fullyConnected } from './fully_connected';
import { mul } from './mul';
import { quantize } from './quantize';
import { reshape } from './reshape';
import { shape } from './shape';
import { softmax } from './softmax';
import { squeeze } from './squeeze';
import { sub } from './sub';

export const kernels: Readonly<Record<string, Kernel | undefined>> = {
  ADD: add,
  CAST: cast,
  DEQUANTIZE: dequantize,
  EXPAND_DIMS: expandDims,
  FULLY_CONNECTED: fullyConnected,
  MUL: mul,
  QUANTIZE: quantize,
  RESHAPE: reshape,
  SHAPE: shape,
  SOFTMAX: softmax,
  SQUEEZE: squeeze,
  SUB: sub,
};
