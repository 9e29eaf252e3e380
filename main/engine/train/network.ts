/**
 * A sequential CNN classifier built from layer configs, trained with softmax cross-entropy, and
 * exported as a float32 TFLite model (the trained layers followed by SOFTMAX).
 */
import { InvalidArgumentError } from '../errors';
import { buildSequentialModel, type Activation } from '../tflite/build';
import type { TflModel } from '../tflite/model';
import { Conv2D, Dense, DepthwiseConv2D, Flatten, MaxPool2D, type TrainLayer } from './layers';
import { Prng } from './prng';

export type LayerConfig =
  | { type: 'conv2d'; filters: number; kernel: [number, number]; activation?: Activation }
  | { type: 'depthwise_conv2d'; kernel: [number, number]; activation?: Activation }
  | { type: 'max_pool2d'; size: [number, number] }
  | { type: 'flatten' }
  | { type: 'dense'; units: number; activation?: Activation };

export class Network {
  readonly layers: TrainLayer[] = [];
  readonly classes: number;
  /** The class accumulate() last predicted (first maximum of the logits). */
  lastPrediction = -1;
  private readonly probs: Float64Array;
  private readonly gLogits: Float64Array;

  /** `inputShape` is one sample, [H, W, C]. Weights are initialised from `seed`. */
  constructor(
    readonly inputShape: [number, number, number],
    configs: LayerConfig[],
    seed: number,
  ) {
    const rng = new Prng(seed);
    let shape: number[] = [...inputShape];
    configs.forEach((c, i) => {
      const needs3d = c.type !== 'dense' && c.type !== 'flatten';
      if (needs3d && shape.length !== 3)
        throw new InvalidArgumentError(`layer ${i} (${c.type}) needs an [H,W,C] input, got [${shape}]`);
      let layer: TrainLayer;
      switch (c.type) {
        case 'conv2d':
          layer = new Conv2D(shape, c.filters, c.kernel[0], c.kernel[1], c.activation ?? 'none', rng);
          break;
        case 'depthwise_conv2d':
          layer = new DepthwiseConv2D(shape, c.kernel[0], c.kernel[1], c.activation ?? 'none', rng);
          break;
        case 'max_pool2d':
          layer = new MaxPool2D(shape, c.size[0], c.size[1]);
          break;
        case 'flatten':
          layer = new Flatten(shape);
          break;
        case 'dense':
          if (shape.length !== 1)
            throw new InvalidArgumentError(`layer ${i} (dense) needs a flat input: add a flatten layer`);
          layer = new Dense(shape, c.units, c.activation ?? 'none', rng);
          break;
      }
      if (layer.outShape.some((d) => d <= 0))
        throw new InvalidArgumentError(`layer ${i} (${c.type}) has an empty output [${layer.outShape}]`);
      this.layers.push(layer);
      shape = layer.outShape;
    });
    const last = this.layers[this.layers.length - 1];
    if (!last || last.outShape.length !== 1)
      throw new InvalidArgumentError('the last layer must be dense (the class logits)');
    this.classes = last.outShape[0];
    this.probs = new Float64Array(this.classes);
    this.gLogits = new Float64Array(this.classes);
  }

  /** Logits for one sample (the last layer's buffer: copy what you keep). */
  forward(x: Float32Array): Float32Array {
    let a = x;
    for (const l of this.layers) a = l.forward(a);
    return a;
  }

  /** Predicted class: the first maximum of the logits. */
  predict(x: Float32Array): number {
    const z = this.forward(x);
    let best = 0;
    for (let k = 1; k < z.length; k++) if (z[k] > z[best]) best = k;
    return best;
  }

  /**
   * Forward and backward for one sample: accumulates parameter gradients of the cross-entropy
   * of softmax(logits) against `label`, returns the loss. Softmax subtracts the max logit first,
   * so exp never overflows.
   */
  accumulate(x: Float32Array, label: number): number {
    const z = this.forward(x);
    const p = this.probs;
    let max = -Infinity;
    let best = 0;
    for (let k = 0; k < z.length; k++) {
      if (z[k] > max) max = z[k];
      if (z[k] > z[best]) best = k;
    }
    this.lastPrediction = best;
    let sum = 0;
    for (let k = 0; k < z.length; k++) sum += p[k] = Math.exp(z[k] - max);
    const g = this.gLogits;
    for (let k = 0; k < z.length; k++) g[k] = p[k] / sum - (k === label ? 1 : 0);
    const loss = -Math.log(Math.max(p[label] / sum, 1e-300));
    let grad: Float64Array | null = g;
    for (let i = this.layers.length - 1; i >= 0 && grad; i--) grad = this.layers[i].backward(grad, i > 0);
    return loss;
  }

  get params(): Float32Array[] {
    return this.layers.flatMap((l) => l.params);
  }

  get grads(): Float64Array[] {
    return this.layers.flatMap((l) => l.grads);
  }

  /** The float32 TFLite model: input [1,H,W,C], the layers, then SOFTMAX. */
  toTflite(description = 'Lowbit demo model (float32)'): TflModel {
    return buildSequentialModel({
      inputShape: [1, ...this.inputShape],
      layers: [...this.layers.map((l) => l.spec()), { type: 'softmax', name: 'probabilities' }],
      inputName: 'image',
      outputName: 'probabilities',
      description,
    });
  }
}
