/**
 * Runs a single kernel without a model, like TFLite Micro's KernelRunner: for golden-value tests
 * of one op. Tensors are given as plain values; outputs are allocated from the shapes prepare sets.
 */
import { BuiltinOperator } from '../../main/engine/tflite/model';
import { makeOpContext } from '../../main/engine/interpreter/context';
import { allocTyped, numElements } from '../../main/engine/tensor/dtype';
import type { Kernel, RtTensor } from '../../main/engine/interpreter/types';
import type { DType, QuantParams, TypedArray } from '../../main/engine/tensor/dtype';

export interface TensorSpec {
  dtype: DType;
  shape: number[];
  /** Omit for outputs. Plain number arrays are converted to the dtype's typed array. */
  data?: TypedArray | number[];
  quant?: QuantParams | null;
  /** Default: true for inputs with data except input 0 (mirrors weights vs activations). */
  isConst?: boolean;
  isVariable?: boolean;
}

export interface KernelRunSpec {
  op: keyof typeof BuiltinOperator;
  version?: number;
  options?: any;
  inputs: (TensorSpec | null)[];
  outputs: TensorSpec[];
  intermediates?: TensorSpec[];
}

export interface KernelRun {
  outputs: RtTensor[];
  /** Runs eval again (e.g. for stateful ops); returns the outputs. */
  invoke(): RtTensor[];
}

let nextIndex = 0;

function toTensor(spec: TensorSpec, isConstDefault: boolean): RtTensor {
  const n = numElements(spec.shape);
  let data: TypedArray;
  if (spec.data === undefined) data = allocTyped(spec.dtype, n);
  else if (Array.isArray(spec.data)) {
    data = allocTyped(spec.dtype, spec.data.length);
    if (data instanceof BigInt64Array) spec.data.forEach((v, i) => ((data as BigInt64Array)[i] = BigInt(v)));
    else (data as Exclude<TypedArray, BigInt64Array>).set(spec.data);
  } else data = spec.data;
  return {
    index: nextIndex++,
    name: `t${nextIndex}`,
    dtype: spec.dtype,
    shape: [...spec.shape],
    data,
    quant: spec.quant ?? null,
    isConst: spec.isConst ?? isConstDefault,
    isVariable: spec.isVariable ?? false,
  };
}

/** Prepares the kernel, allocates outputs from the shapes it set, and runs eval once. */
export function runKernel(kernel: Kernel, spec: KernelRunSpec): KernelRun {
  const inputs = spec.inputs.map((s, i) => (s ? toTensor(s, s.data !== undefined && i > 0) : null));
  const outputs = spec.outputs.map((s) => toTensor({ ...s, data: undefined }, false));
  const intermediates = (spec.intermediates ?? []).map((s) => toTensor(s, false));
  const ctx = makeOpContext({
    opIndex: 0,
    opName: spec.op,
    builtinCode: BuiltinOperator[spec.op],
    version: spec.version ?? 1,
    options: spec.options ?? null,
    inputs,
    outputs,
    intermediates,
  });
  const evalFn = kernel.prepare(ctx);
  for (const t of outputs) {
    const n = numElements(t.shape);
    if (t.data.length !== n) t.data = allocTyped(t.dtype, n);
  }
  evalFn();
  return {
    outputs,
    invoke() {
      evalFn();
      return outputs;
    },
  };
}

/** Quantization parameters for a TensorSpec: one scale and zero point, or one per channel of `axis`. */
export function quantParams(
  scale: number | number[],
  zeroPoint: number | number[] = 0,
  axis = 0,
): QuantParams {
  return {
    scale: Array.isArray(scale) ? scale : [scale],
    zeroPoint: Array.isArray(zeroPoint) ? zeroPoint : [zeroPoint],
    axis,
  };
}
