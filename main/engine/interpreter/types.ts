/**
 * The kernel contract. Read this file first: it is the documentation for writing a kernel.
 *
 * A kernel is one file, `kernels/<op>.ts` (op name in snake case, e.g. `conv_2d.ts`), exporting
 * `const kernel: Kernel`, registered by one line in `kernels/index.ts`. Helpers shared by several
 * kernels, and the parts of a kernel split off by size, live in `kernels/common/` (kebab-case
 * names, e.g. `common/conv.ts`, `common/lstm-float.ts`); tests sit beside what they test, test
 * helpers (KernelRunner) in test/support. Like TFLite Micro a kernel separates:
 *   - prepare(ctx): runs once, before anything executes. Checks dtypes, shapes, options and
 *     quantization parameters (throwing via ctx.unsupported / ctx.invalid), sets every output's
 *     shape, precomputes quantized multipliers, lookup tables and scratch buffers, and returns
 *     the eval function. An op/dtype combination the kernel cannot compute exactly MUST be
 *     refused here, never approximated in eval.
 *   - eval(): runs per inference and trusts what prepare checked. It reads `tensor.data` at call
 *     time (activation data is bound to arena views after every prepare has run, so do not
 *     capture `data` of non-constant tensors in prepare).
 * Pure math lives in plain functions taking typed arrays and numbers (testable without a model);
 * the Kernel object is glue.
 */
import type { BuiltinOperator } from '../tflite/model';
import type { DType, QuantParams, TypedArray } from '../tensor/dtype';

export interface RtTensor {
  /** Index in the subgraph's tensor list. */
  readonly index: number;
  readonly name: string;
  readonly dtype: DType;
  /** Static shape; kernels set output shapes in prepare. */
  shape: number[];
  /**
   * The values. Constants: a typed view of the model buffer (float16 as Uint16Array, int64 as
   * BigInt64Array, bool as Uint8Array). Activations: a view into the planned arena, bound after
   * prepare. Never resize it; write every element of an output on each eval.
   */
  data: TypedArray;
  readonly quant: QuantParams | null;
  /**
   * Has constant data: from the model (weights, bias, shape operands...), or computed once in
   * Interpreter.create (the output of a DEQUANTIZE of constant float16 weights). Only create()
   * sets it.
   */
  isConst: boolean;
  /** A variable tensor (LSTM/SVDF state): persistent across invocations, zeroed on reset. */
  readonly isVariable: boolean;
}

export interface OpContext {
  /** Operator index in the subgraph. */
  readonly opIndex: number;
  /** Builtin operator name, e.g. 'CONV_2D'. */
  readonly opName: string;
  readonly builtinCode: BuiltinOperator;
  /** Operator code version from the model. */
  readonly version: number;
  /** The generated `*OptionsT` object for the op's builtin options, or null when absent. */
  readonly options: any;
  /** Inputs in model order; null where the model passes -1 (an omitted optional input). */
  readonly inputs: ReadonlyArray<RtTensor | null>;
  readonly outputs: ReadonlyArray<RtTensor>;
  readonly intermediates: ReadonlyArray<RtTensor>;
  /** Refuse an op/dtype/option combination: throws UnsupportedOpError naming op, version, dtype, index. */
  unsupported(what: string): never;
  /** Refuse inconsistent shapes or parameters: throws ShapeMismatchError/ModelFormatError with op context. */
  invalid(what: string): never;
  /** Required input i (throws via invalid() when it is missing or omitted). */
  input(i: number): RtTensor;
  output(i: number): RtTensor;
}

export type EvalFn = () => void;

export interface Kernel {
  prepare(ctx: OpContext): EvalFn;
}
