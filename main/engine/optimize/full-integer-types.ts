/** Types shared by the full-integer planner (full-integer.ts) and its rewriter (full-integer-rewrite.ts). */
import type { OpQuantSpec } from './op-specs';

/** A full-integer model's input/output type. */
export type ModelIo = 'float' | 'int8' | 'uint8' | 'int16';

/** Whether one operator is quantized, and why. */
export interface OpPlan {
  quantize: boolean;
  name: string;
  reason: string;
  spec?: OpQuantSpec;
}

/** Per-tensor int8 activation parameters. */
export interface ActivationQuant {
  scale: number;
  zeroPoint: number;
}

/**
 * Quantization parameters chosen before (by a quantized ONNX model) that the rewrite keeps
 * wherever TFLite's int8 spec allows, by tensor index of subgraph 0. Where it does not (shared
 * parameters that disagree, fixed output parameters, weights beyond ±127 at the given scale), the
 * rewrite chooses its own and lists the change in `FullIntegerResult.presetChanges`.
 */
export interface PresetParams {
  activations: Map<number, ActivationQuant>;
  /** Symmetric int8 weight scales: one per output channel along the op's weight axis, or one. */
  weights: Map<number, number[]>;
  /** The bias scales the source used (the rewrite always uses input scale × weight scale). */
  biases: Map<number, number[]>;
}

/** A tensor whose preset parameters the int8 spec did not allow, and what it got instead. */
export interface PresetChange {
  tensor: string;
  kind: 'activation' | 'weight' | 'bias';
  reason: string;
  from: { scale: number[]; zeroPoint: number[] };
  to: { scale: number[]; zeroPoint: number[] };
}
