/**
 * Softmax cross-entropy on logits, numerically stable (the max logit is subtracted before exp):
 * the default loss of a training run. Returns the summed loss of `count` samples and writes
 * dLoss/dLogits = (softmax - onehot) / batchSize, so shard gradients add up to the batch mean.
 */
import type { FloatArray } from './graph/types';

export function softmaxCrossEntropy(
  logits: FloatArray,
  labels: Int32Array,
  count: number,
  classes: number,
  batchSize: number,
  dLogits: FloatArray | undefined,
): { loss: number; correct: number } {
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < count; s++) {
    const b = s * classes;
    let max = -Infinity;
    let best = 0;
    for (let k = 0; k < classes; k++) {
      const z = logits[b + k]!;
      if (z > max) {
        max = z;
        best = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[b + k]! - max);
    const label = labels[s]!;
    if (best === label) correct++;
    loss += Math.log(sum) - (logits[b + label]! - max);
    if (dLogits)
      for (let k = 0; k < classes; k++)
        dLogits[b + k] = (Math.exp(logits[b + k]! - max) / sum - (k === label ? 1 : 0)) / batchSize;
  }
  return { loss, correct };
}

/** Index of the first maximum logit of sample s. */
export function argmax(logits: FloatArray, s: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) if (logits[s * classes + k]! > logits[s * classes + best]!) best = k;
  return best;
}
