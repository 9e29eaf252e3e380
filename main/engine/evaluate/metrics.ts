/**
 * Accuracy and fidelity metrics. Pure functions over Float32Arrays so they are exact and
 * hand-checkable; the evaluation loop feeds them.
 */

/** Index of the largest value (first one on ties, as numpy.argmax). */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** Indices of the k largest values, largest first (stable: lower index first on ties). */
export function topK(v: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: v.length }, (_, i) => i);
  idx.sort((a, b) => v[b]! - v[a]! || a - b);
  return idx.slice(0, k);
}

/** Accumulates top-1/top-5, per-class accuracy and the confusion matrix (rows: true class). */
export class ClassificationTally {
  readonly confusion: number[][];
  private top1 = 0;
  private top5 = 0;
  private n = 0;

  constructor(readonly numClasses: number) {
    this.confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  }

  add(scores: ArrayLike<number>, label: number): void {
    const pred = argmax(scores);
    this.n++;
    if (pred === label) this.top1++;
    if (topK(scores, Math.min(5, scores.length)).includes(label)) this.top5++;
    this.confusion[label]![pred]!++;
  }

  get count(): number {
    return this.n;
  }

  result(): ClassificationResult {
    const perClass = this.confusion.map((row, c) => {
      const total = row.reduce((a, b) => a + b, 0);
      return { class: c, count: total, accuracy: total ? row[c]! / total : null };
    });
    return {
      samples: this.n,
      top1: this.n ? this.top1 / this.n : 0,
      top5: this.n ? this.top5 / this.n : 0,
      perClass,
      confusion: this.confusion.map((r) => [...r]),
    };
  }
}

export interface ClassificationResult {
  samples: number;
  top1: number;
  top5: number;
  perClass: { class: number; count: number; accuracy: number | null }[];
  confusion: number[][];
}

/** Accumulates how closely a model's outputs follow a reference's (the float model's). */
export class FidelityTally {
  private signal = 0;
  private noise = 0;
  private agree = 0;
  private n = 0;
  private kl = 0;
  private dot = 0;
  private refNorm = 0;
  private outNorm = 0;
  private maxAbs = 0;
  private count = 0;

  add(reference: ArrayLike<number>, output: ArrayLike<number>): void {
    if (reference.length !== output.length) {
      throw new RangeError(`output has ${output.length} values, reference ${reference.length}`);
    }
    for (let i = 0; i < reference.length; i++) {
      const r = reference[i]!;
      const o = output[i]!;
      const e = r - o;
      this.signal += r * r;
      this.noise += e * e;
      this.dot += r * o;
      this.refNorm += r * r;
      this.outNorm += o * o;
      if (Math.abs(e) > this.maxAbs) this.maxAbs = Math.abs(e);
    }
    this.count += reference.length;
    if (argmax(reference) === argmax(output)) this.agree++;
    this.kl += klDivergence(toProbabilities(reference), toProbabilities(output));
    this.n++;
  }

  result(): FidelityResult {
    return {
      samples: this.n,
      agreement: this.n ? this.agree / this.n : 0,
      sqnrDb: sqnrDb(this.signal, this.noise),
      klDivergence: this.n ? this.kl / this.n : 0,
      cosine: this.refNorm && this.outNorm ? this.dot / Math.sqrt(this.refNorm * this.outNorm) : 0,
      mse: this.count ? this.noise / this.count : 0,
      maxAbsError: this.maxAbs,
    };
  }
}

export interface FidelityResult {
  samples: number;
  /** Share of samples whose top-1 class matches the reference's. */
  agreement: number;
  /** 10·log10(Σref² / Σ(ref−out)²); Infinity when identical. */
  sqnrDb: number;
  /** Mean KL(reference ‖ output) over samples, in nats, on softmax probabilities. */
  klDivergence: number;
  cosine: number;
  mse: number;
  maxAbsError: number;
}

export function sqnrDb(signalEnergy: number, noiseEnergy: number): number {
  if (noiseEnergy === 0) return Infinity;
  if (signalEnergy === 0) return -Infinity;
  return 10 * Math.log10(signalEnergy / noiseEnergy);
}

/**
 * Outputs that already are a probability distribution (non-negative, summing to ~1, as after
 * SOFTMAX) are used as they are; anything else (logits) goes through a softmax first.
 */
export function toProbabilities(v: ArrayLike<number>): Float64Array {
  let sum = 0;
  let nonNegative = true;
  for (let i = 0; i < v.length; i++) {
    sum += v[i]!;
    if (v[i]! < 0) nonNegative = false;
  }
  const out = new Float64Array(v.length);
  if (nonNegative && Math.abs(sum - 1) < 1e-2) {
    for (let i = 0; i < v.length; i++) out[i] = v[i]! / sum;
    return out;
  }
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) max = Math.max(max, v[i]!);
  let z = 0;
  for (let i = 0; i < v.length; i++) z += out[i] = Math.exp(v[i]! - max);
  for (let i = 0; i < v.length; i++) out[i]! /= z;
  return out;
}

/** KL(p ‖ q) in nats; q is floored at 1e-12 so a zero probability does not give Infinity. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    if (pi > 0) kl += pi * Math.log(pi / Math.max(q[i]!, 1e-12));
  }
  return kl;
}

/** Median and 90th percentile (nearest-rank) of a list of timings. */
export function latencyStats(ms: number[]): { medianMs: number; p90Ms: number; runs: number } {
  if (ms.length === 0) return { medianMs: 0, p90Ms: 0, runs: 0 };
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const p90 = s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]!;
  return { medianMs: median, p90Ms: p90, runs: s.length };
}
