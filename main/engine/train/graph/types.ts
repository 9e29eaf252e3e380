/**
 * The trainable graph's public surface (issue 15): a trainable view of subgraph 0 of a float
 * TFLite model, what the training loop (engine/train/run.ts), the worker threads and the recipes
 * (engine/train/recipes/) see of it. The implementation is graph/graph.ts, one op per file in
 * graph/ops/.
 *
 * Batches are NHWC (or [N, features]) with the batch dimension first, values back to back.
 * Precision: 'float32' stores activations and weights as Float32Array (what training uses);
 * 'float64' stores everything as Float64Array, for finite-difference checks of the backward pass.
 */

export type FloatArray = Float32Array | Float64Array;
export type Precision = 'float32' | 'float64';

/** One trainable constant (a weight or a bias) of an op. */
export interface TrainParam {
  /** Index of the constant tensor in subgraph 0 (the tensor `toModel` rewrites). */
  readonly tensorIndex: number;
  /** The tensor's name in the model. */
  readonly name: string;
  /** The tensor's shape as stored ([out_c, kh, kw, in_c] for CONV_2D, [1, kh, kw, c] for depthwise). */
  readonly shape: readonly number[];
  readonly size: number;
  /** 'weight' (filters, FC weights) or 'bias'. Recipes prune, cluster and fake-quantize weights only. */
  readonly role: 'weight' | 'bias';
  /**
   * The per-channel quantization axis of the weight as TFLite's quantizer uses it (0 for CONV_2D
   * and FULLY_CONNECTED, 3 for DEPTHWISE_CONV_2D); -1 for biases.
   */
  readonly quantAxis: number;
  /** The op that reads it: index in subgraph 0 and its builtin name ("CONV_2D"). */
  readonly opIndex: number;
  readonly opName: string;
  /**
   * The values the forward pass uses (the "effective" weights). The training loop writes
   * them from the float master weights through the recipes' weight hooks before each batch.
   */
  readonly value: FloatArray;
  /** dLoss/dValue, accumulated by `backward` (cleared by `zeroGrad`). Always float64. */
  readonly grad: Float64Array;
}

/** An activation tensor a recipe can observe and fake-quantize (the graph input and every trained op's output). */
export interface ActivationSite {
  /** Index of the tensor in subgraph 0. */
  readonly tensorIndex: number;
  readonly name: string;
  /** Shape of one sample (no batch dimension). */
  readonly shape: readonly number[];
  /** Producer op index in subgraph 0; -1 for the graph input. */
  readonly opIndex: number;
  /** Producer op's builtin name, or 'INPUT'. */
  readonly opName: string;
}

/**
 * What the graph calls on every activation site during forward and backward (recipes' activation
 * hooks compose into one of these: QAT fake-quantizes activations here).
 */
export interface ActivationObserver {
  /**
   * Called with a site's values for the whole batch (`count` samples) right after they are
   * computed; may change them in place (fake quantization). `training` is false for evaluation,
   * so moving-average ranges update only in training.
   */
  forward(site: ActivationSite, values: FloatArray, count: number, training: boolean): void;
  /**
   * Called with dLoss/d(site's values) (the observed, possibly changed values are `values`) before
   * it flows into the producer; may change `grad` in place (a straight-through estimator zeroes
   * gradients of values clipped outside the range).
   */
  backward(site: ActivationSite, values: FloatArray, grad: FloatArray, count: number): void;
}

export interface BuildGraphOptions {
  precision?: Precision;
  /**
   * Per-op override: return a reason to freeze a trainable op (its constants stay as they are
   * and it gets no gradients). Ops the graph cannot train are frozen whatever this says.
   */
  freeze?: (opIndex: number, opName: string) => string | undefined;
}

/** A trainable view of subgraph 0 (built by buildTrainGraph in graph/graph.ts). */
export interface TrainGraph {
  readonly precision: Precision;
  /** Values of one input sample (product of the input shape without its batch dimension). */
  readonly inputSize: number;
  /** The input shape of one sample, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  /** Number of classes: the logits' length per sample. */
  readonly classes: number;
  /** The tensor the loss is taken on (the SOFTMAX's input when the graph ends in SOFTMAX). */
  readonly logitsTensor: number;
  /** Trainable parameters, in op order (weight before bias). */
  readonly params: readonly TrainParam[];
  readonly sites: readonly ActivationSite[];
  /** Ops treated as constants: "OP_NAME (output tensor name): reason". */
  readonly frozen: readonly string[];
  /** Hook for recipes' activation fake-quant; undefined means none. */
  observer: ActivationObserver | undefined;
  /**
   * Forward on `count` samples (`input` holds count × inputSize values). Returns the logits,
   * count × classes (a buffer the graph reuses: copy what you keep).
   */
  forward(input: FloatArray, count: number, training: boolean): FloatArray;
  /**
   * Backward from dLoss/dLogits (count × classes) of the last forward (with training true):
   * adds each parameter's gradient into its `grad`.
   */
  backward(dLogits: FloatArray): void;
  zeroGrad(): void;
  /**
   * The last forward's values of an activation tensor (the input or a trained op's output),
   * count × its per-sample size at the front of the returned buffer (reused: copy what you keep);
   * undefined for tensors the graph does not compute.
   */
  activation(tensorIndex: number): FloatArray | undefined;
  /**
   * A copy of the model with every trainable parameter's current `value` written into its
   * tensor's buffer (float32), everything else as it was.
   */
  toModel(): import('../../tflite/model').TflModel;
}
