/**
 * What one trainable op implements (one op = one file in this folder, registered in index.ts).
 *
 * Shapes: activation tensors are stored as in the model with batch 1 first ([1, H, W, C]); the
 * graph runs them with N samples back to back, so an op sees `n` and the per-sample shape.
 * Arithmetic: every value is read into a JavaScript double, products and sums are taken in
 * double in a fixed order and stored to the graph's precision (float32 rounds on store, float64
 * keeps it), so one op's code serves training (float32) and the finite-difference checks (float64).
 *
 * Backward ADDS into the input gradients (`dIns`): a tensor read by two ops, or twice by one
 * (ADD x, x), gets the sum; the graph zeroes activation gradients before a backward pass, and
 * parameter gradients (Float64Array) are cleared by zeroGrad.
 */
import { UnsupportedOpError } from '../../../errors';
import type { FloatArray, Precision } from '../types';
import { clampGradWasm, clampWasm } from '../wasm/kernels-wasm';

export interface TensorSpec {
  index: number;
  name: string;
  /** Shape as stored; activations have batch 1 first. */
  shape: readonly number[];
  /** The constant's float values (weights, biases, shape operands read as numbers), else undefined. */
  constant?: Float32Array;
  /** Integer constants (RESHAPE's shape, PAD's paddings, MEAN's axes), else undefined. */
  ints?: Int32Array;
}

export interface OpSpec {
  opIndex: number;
  /** Builtin name, e.g. "CONV_2D". */
  name: string;
  /** The operator's builtin options object (generated *OptionsT), or null. */
  options: Record<string, unknown> | null;
  /** Input tensors by slot (undefined for an optional input given as -1). */
  inputs: (TensorSpec | undefined)[];
  output: TensorSpec;
  precision: Precision;
}

/** A trainable constant an op reads: which input slot, and what recipes need to know. */
export interface ParamSlot {
  slot: number;
  role: 'weight' | 'bias';
  /** Per-channel quantization axis for weights, -1 for biases. */
  quantAxis: number;
}

export interface OpIO {
  /** Samples in the batch. */
  n: number;
  /** Input values by slot: activations hold n samples; constants as stored. */
  ins: (FloatArray | undefined)[];
  out: FloatArray;
  /** backward only: dLoss/dOut (n samples). */
  dOut: FloatArray;
  /** backward only: where to add dLoss/dInput, by slot; null where no gradient is wanted. */
  dIns: (FloatArray | Float64Array | null)[];
}

export interface TrainOp {
  /** Slots holding trainable constants (empty for ops without weights). */
  readonly params: readonly ParamSlot[];
  /** Input slots that are activations (the rest are constants). */
  readonly activationSlots: readonly number[];
  forward(io: OpIO): void;
  backward(io: OpIO): void;
}

/** Builds an op from its spec; throws UnsupportedOpError with the reason it cannot be trained. */
export type OpFactory = (spec: OpSpec) => TrainOp;

export function unsupported(spec: OpSpec, why: string): never {
  throw new UnsupportedOpError(`${spec.name} (${spec.output.name}): ${why}`);
}

export function allocate(precision: Precision, length: number): FloatArray {
  return precision === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

/** Elements of one sample of an activation (its shape without the batch dimension). */
export function perSample(spec: OpSpec, t: TensorSpec): number {
  if (t.shape.length === 0 || t.shape[0] !== 1)
    unsupported(spec, `tensor ${t.name} has shape [${t.shape.join(',')}]: training needs batch 1 first`);
  return t.shape.reduce((a, b) => a * b, 1);
}

export function requireInput(spec: OpSpec, slot: number): TensorSpec {
  const t = spec.inputs[slot];
  if (!t) unsupported(spec, `input ${slot} is missing`);
  return t;
}

/** The fused activation's clamp range; unsupported for TANH/SIGN_BIT fused activations. */
export function fusedRange(spec: OpSpec): [number, number] {
  const a = (spec.options?.fusedActivationFunction as number | undefined) ?? 0;
  switch (a) {
    case 0:
      return [-Infinity, Infinity];
    case 1:
      return [0, Infinity];
    case 2:
      return [-1, 1];
    case 3:
      return [0, 6];
    default:
      return unsupported(spec, `fused activation ${a} cannot be trained`);
  }
}

/** Clamps out[0..len) to [lo, hi] in place (values are already stored, so clamping is exact). */
export function clampRange(out: FloatArray, len: number, lo: number, hi: number): void {
  if (lo === -Infinity && hi === Infinity) return;
  if (!clampWasm(out, len, lo, hi)) clampRangeTs(out, len, lo, hi);
}

/** clampRange's TypeScript loop (the reference; clampRange runs wasm/kernels.wat's where it applies). */
export function clampRangeTs(out: FloatArray, len: number, lo: number, hi: number): void {
  for (let i = 0; i < len; i++) {
    const v = out[i]!;
    if (v < lo) out[i] = lo;
    else if (v > hi) out[i] = hi;
  }
}

/**
 * dOut through a clamp, as `g` (a scratch or dOut itself when the range is unbounded): zero where
 * the output sits on a bound (the clamp's subgradient 0 at the kink, as TensorFlow's ReluGrad).
 */
export function clampGrad(
  out: FloatArray,
  dOut: FloatArray,
  len: number,
  lo: number,
  hi: number,
  scratch: FloatArray,
): FloatArray {
  if (lo === -Infinity && hi === Infinity) return dOut;
  if (!clampGradWasm(out, dOut, len, lo, hi, scratch)) clampGradTs(out, dOut, len, lo, hi, scratch);
  return scratch;
}

/** clampGrad's TypeScript loop into `scratch` (the reference). */
export function clampGradTs(
  out: FloatArray,
  dOut: FloatArray,
  len: number,
  lo: number,
  hi: number,
  scratch: FloatArray,
): void {
  for (let i = 0; i < len; i++) {
    const v = out[i]!;
    scratch[i] = v > lo && v < hi ? dOut[i]! : 0;
  }
}

/** A buffer of at least `length`, reallocated only when too small or of another precision. */
export class Scratch {
  private buf: FloatArray | undefined;
  constructor(private readonly precision: Precision) {}
  get(length: number): FloatArray {
    if (!this.buf || this.buf.length < length) this.buf = allocate(this.precision, length);
    return this.buf;
  }
}
