/**
 * An operator's builtin options as plain data for the inspect report: the generated `*OptionsT`
 * object's fields, enums by name (padding "SAME", fusedActivationFunction "RELU6", types
 * "INT8"), 64-bit values as numbers. Lists longer than MAX_LIST are cut (the report is for
 * people); a field of a kind the report cannot carry is left out.
 */
import type { OperatorOptionValue } from '../model/inspect-report';
import {
  ActivationFunctionType,
  FullyConnectedOptionsWeightsFormat,
  LSHProjectionType,
  LSTMKernelType,
  MirrorPadMode,
  Padding,
  ReduceWindowFunction,
  RngAlgorithm,
  TensorType,
  CombinerType,
} from './generated/tflite';
import type { OperatorT } from './model';

const MAX_LIST = 64;

/**
 * Option fields whose numbers are enum members, with the enum that names them (the inspect
 * report and the graph view both show them by name).
 */
export const OPTION_ENUMS: Record<string, Record<number, string>> = {
  padding: Padding,
  fusedActivationFunction: ActivationFunctionType,
  weightsFormat: FullyConnectedOptionsWeightsFormat,
  kernelType: LSTMKernelType,
  mode: MirrorPadMode,
  type: LSHProjectionType,
  combiner: CombinerType,
  reduceFunction: ReduceWindowFunction,
  algorithm: RngAlgorithm,
  quantizedBiasType: TensorType,
  inDataType: TensorType,
  outDataType: TensorType,
  outputType: TensorType,
  outType: TensorType,
  idxOutType: TensorType,
  keyDtype: TensorType,
  valueDtype: TensorType,
};

function plain(key: string, v: unknown): OperatorOptionValue | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') {
    const names = OPTION_ENUMS[key];
    return names && typeof names[v] === 'string' ? names[v] : v;
  }
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'bigint'))
    return v.slice(0, MAX_LIST).map(Number);
  return undefined;
}

export function operatorOptions(op: OperatorT): Record<string, OperatorOptionValue> | undefined {
  const out: Record<string, OperatorOptionValue> = {};
  for (const source of [op.builtinOptions, op.builtinOptions2]) {
    if (!source || typeof source !== 'object') continue;
    for (const [key, v] of Object.entries(source)) {
      const value = plain(key, v);
      if (value !== undefined) out[key] = value;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
