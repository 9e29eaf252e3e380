/**
 * The distillation loss of Keras' knowledge-distillation example (the Distiller TFMOT users
 * follow), per sample with student logits z, teacher logits t and the true label y:
 *
 *   L = α · CE(y, softmax(z)) + (1 − α) · T² · KL(softmax(t / T) ‖ softmax(z / T))
 *
 * (Keras' defaults α = 0.1, T = 3). The T² keeps the soft term's gradient on the scale of the
 * hard one: dL/dz = α · (softmax(z) − onehot(y)) + (1 − α) · T · (softmax(z / T) − softmax(t / T)).
 * Computed in doubles with log-softmax (Keras clips probabilities at 1e-7 inside KL; here no
 * clipping, which only differs where a teacher probability is below 1e-7).
 */

export interface DistillOptions {
  alpha: number;
  temperature: number;
}

export const KERAS_DISTILL: DistillOptions = { alpha: 0.1, temperature: 3 };

/** log-softmax of v / temperature into out. */
function logSoftmax(
  v: ArrayLike<number>,
  off: number,
  n: number,
  temperature: number,
  out: Float64Array,
): void {
  let m = -Infinity;
  for (let c = 0; c < n; c++) m = Math.max(m, v[off + c] / temperature);
  let s = 0;
  for (let c = 0; c < n; c++) s += Math.exp(v[off + c] / temperature - m);
  const lse = m + Math.log(s);
  for (let c = 0; c < n; c++) out[c] = v[off + c] / temperature - lse;
}

/**
 * Summed loss over `count` samples; writes dL/dz divided by `batchSize` into `dLogits`
 * (count × classes).
 */
export function distillationLoss(
  student: ArrayLike<number>,
  teacher: ArrayLike<number>,
  labels: ArrayLike<number>,
  count: number,
  classes: number,
  batchSize: number,
  dLogits: { [i: number]: number },
  o: DistillOptions = KERAS_DISTILL,
): number {
  const { alpha, temperature: T } = o;
  const ls = new Float64Array(classes);
  const lsT = new Float64Array(classes);
  const ltT = new Float64Array(classes);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const off = i * classes;
    logSoftmax(student, off, classes, 1, ls);
    logSoftmax(student, off, classes, T, lsT);
    logSoftmax(teacher, off, classes, T, ltT);
    const y = labels[i];
    let kl = 0;
    for (let c = 0; c < classes; c++) {
      const p = Math.exp(ltT[c]);
      kl += p * (ltT[c] - lsT[c]);
    }
    total += alpha * -ls[y] + (1 - alpha) * T * T * kl;
    for (let c = 0; c < classes; c++) {
      const hard = Math.exp(ls[c]) - (c === y ? 1 : 0);
      const soft = Math.exp(lsT[c]) - Math.exp(ltT[c]);
      dLogits[off + c] = (alpha * hard + (1 - alpha) * T * soft) / batchSize;
    }
  }
  return total;
}
