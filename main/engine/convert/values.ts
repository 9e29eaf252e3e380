/**
 * What an ONNX value is during conversion: a constant known now (folded, never written unless an
 * op needs it as an operand), or an activation held in a TFLite tensor of the output graph,
 * stored in the order `perm` gives (layout.ts).
 */
import type { DType } from '../tensor/dtype';
import type { ConstTensor } from './const-tensor';
import type { Perm } from './layout';

export interface ConstValue {
  kind: 'const';
  value: ConstTensor;
}

export interface ActValue {
  kind: 'act';
  /** The IrGraph tensor that holds it. */
  tensor: number;
  /** ONNX dims (ONNX order), all concrete. */
  dims: number[];
  /** Physical order: tensor dim i is ONNX dim perm[i]. */
  perm: Perm;
  dtype: DType;
  /**
   * Set only on a Flatten of channel-last features that feeds fully connected layers alone:
   * the ONNX index of each stored feature of the last dim (stored in channel-last order), so
   * FULLY_CONNECTED permutes its weights instead of the activations being transposed.
   */
  featureOrder?: Int32Array;
}

export type Value = ConstValue | ActValue;

export function constValue(value: ConstTensor): ConstValue {
  return { kind: 'const', value };
}
