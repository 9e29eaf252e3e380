/**
 * Mini-batch training with Adam (Kingma & Ba, in Keras' form: bias correction folded into the
 * step size, epsilon 1e-7 added to sqrt(v)). Deterministic: the sample order comes from a seeded
 * Prng, every loop runs in a fixed order, and the bias-correction powers are running products
 * (no Math.pow), so the same seed and data give bit-identical weights on every run.
 */
import { CancelledError, InvalidArgumentError } from '../errors';
import type { Network } from './network';
import { Prng } from './prng';

export interface TrainData {
  /** Preprocessed samples, `count` of `sampleSize` values each, back to back. */
  inputs: Float32Array;
  labels: Uint8Array | Int32Array;
  count: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the sample order (the network's own seed sets its initial weights). */
  seed: number;
  /** Learning rate multiplier applied per epoch after the first (1 = constant). */
  decay?: number;
  onBatch?: (epoch: number, done: number, total: number, meanLoss: number) => void;
  signal?: AbortSignal;
}

export interface EpochStats {
  epoch: number;
  meanLoss: number;
  trainAccuracy: number;
}

export class Adam {
  private t = 0;
  private b1t = 1;
  private b2t = 1;
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];

  constructor(
    private readonly params: Float32Array[],
    private readonly grads: Float64Array[],
    public lr = 1e-3,
    private readonly b1 = 0.9,
    private readonly b2 = 0.999,
    private readonly eps = 1e-7,
  ) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  /** Applies grads * gradScale, then zeroes the gradients. */
  step(gradScale: number): void {
    this.t++;
    this.b1t *= this.b1;
    this.b2t *= this.b2;
    const lrT = (this.lr * Math.sqrt(1 - this.b2t)) / (1 - this.b1t);
    const { b1, b2, eps } = this;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k];
      const g = this.grads[k];
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] * gradScale;
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + eps);
        g[i] = 0;
      }
    }
  }
}

export function sampleSize(net: Network): number {
  return net.inputShape[0] * net.inputShape[1] * net.inputShape[2];
}

/** Trains `net` in place; returns per-epoch statistics. */
export function train(net: Network, data: TrainData, options: TrainOptions): EpochStats[] {
  const n = sampleSize(net);
  if (data.count < 1) throw new InvalidArgumentError('no training samples');
  if (data.inputs.length < data.count * n || data.labels.length < data.count)
    throw new InvalidArgumentError(`training data holds fewer than ${data.count} samples of ${n} values`);
  if (!(options.epochs >= 1 && options.batchSize >= 1 && options.learningRate > 0))
    throw new InvalidArgumentError('epochs and batch size must be >= 1 and the learning rate > 0');
  for (let i = 0; i < data.count; i++) {
    if (data.labels[i] >= net.classes)
      throw new InvalidArgumentError(
        `label ${data.labels[i]} of sample ${i} is out of range 0..${net.classes - 1}`,
      );
  }
  const rng = new Prng(options.seed ^ 0x5eed5eed);
  const adam = new Adam(net.params, net.grads, options.learningRate);
  const order = Int32Array.from({ length: data.count }, (_, i) => i);
  const stats: EpochStats[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    if (epoch > 0) adam.lr *= options.decay ?? 1;
    rng.shuffle(order);
    let lossSum = 0;
    let correct = 0;
    let inBatch = 0;
    for (let s = 0; s < data.count; s++) {
      const i = order[s];
      const x = data.inputs.subarray(i * n, (i + 1) * n);
      const label = data.labels[i];
      lossSum += net.accumulate(x, label);
      if (net.lastPrediction === label) correct++;
      if (++inBatch === options.batchSize || s === data.count - 1) {
        adam.step(1 / inBatch);
        inBatch = 0;
        if (options.signal?.aborted) throw new CancelledError();
        options.onBatch?.(epoch, s + 1, data.count, lossSum / (s + 1));
      }
    }
    stats.push({ epoch: epoch + 1, meanLoss: lossSum / data.count, trainAccuracy: correct / data.count });
  }
  return stats;
}

export function argmax(z: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < z.length; k++) if (z[k] > z[best]) best = k;
  return best;
}

/** Top-1 accuracy of the network's own forward pass, and its predictions. */
export function evaluate(net: Network, data: TrainData): { accuracy: number; predictions: Uint8Array } {
  const n = sampleSize(net);
  const predictions = new Uint8Array(data.count);
  let correct = 0;
  for (let i = 0; i < data.count; i++) {
    predictions[i] = net.predict(data.inputs.subarray(i * n, (i + 1) * n));
    if (predictions[i] === data.labels[i]) correct++;
  }
  return { accuracy: correct / data.count, predictions };
}
