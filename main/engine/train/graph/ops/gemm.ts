/**
 * The three matrix products of a layer's forward and backward passes, row-major, float32 or
 * float64 storage, double arithmetic. No allocation inside; the loops are blocked over four
 * output columns so each input row is read once per four dot products.
 *
 * Summation order (why the forward is bit-identical to Lowbit's interpreter): C[m][n] is the
 * double sum over k = 0..K-1, in order, of A[m][k]·B[n][k], then + bias[n], stored once. With
 * A an im2col matrix whose columns run (fy, fx, c), that is the interpreter's CONV_2D order
 * (out-of-image taps add an exact +0 here where the interpreter skips them; +0 changes no sum).
 */
import type { FloatArray } from '../types';

/**
 * C[M×N] = A[M×K] · B[N×K]ᵀ (+ bias[N]). `roundBeforeBias` rounds each sum to float32 before the
 * bias is added, as the interpreter's float FULLY_CONNECTED does (its CONV_2D does not).
 */
export function gemmABt(
  A: FloatArray,
  B: FloatArray,
  bias: FloatArray | undefined,
  C: FloatArray,
  M: number,
  N: number,
  K: number,
  roundBeforeBias = false,
): void {
  const N4 = N - (N % 4);
  for (let m = 0; m < M; m++) {
    const a0 = m * K;
    const c0 = m * N;
    let n = 0;
    for (; n < N4; n += 4) {
      const b0 = n * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < K; k++) {
        const a = A[a0 + k]!;
        s0 += a * B[b0 + k]!;
        s1 += a * B[b1 + k]!;
        s2 += a * B[b2 + k]!;
        s3 += a * B[b3 + k]!;
      }
      if (bias) {
        if (roundBeforeBias) {
          s0 = Math.fround(s0);
          s1 = Math.fround(s1);
          s2 = Math.fround(s2);
          s3 = Math.fround(s3);
        }
        s0 += bias[n]!;
        s1 += bias[n + 1]!;
        s2 += bias[n + 2]!;
        s3 += bias[n + 3]!;
      }
      C[c0 + n] = s0;
      C[c0 + n + 1] = s1;
      C[c0 + n + 2] = s2;
      C[c0 + n + 3] = s3;
    }
    for (; n < N; n++) {
      const b0 = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k]! * B[b0 + k]!;
      if (bias) s = (roundBeforeBias ? Math.fround(s) : s) + bias[n]!;
      C[c0 + n] = s;
    }
  }
}

/** G[N×K] += D[M×N]ᵀ · A[M×K] (weight gradient: D = dOut, A = im2col input). Zero rows of D are skipped. */
export function gemmAtBAdd(
  D: FloatArray,
  A: FloatArray,
  G: Float64Array,
  M: number,
  N: number,
  K: number,
): void {
  for (let m = 0; m < M; m++) {
    const a0 = m * K;
    const d0 = m * N;
    for (let n = 0; n < N; n++) {
      const d = D[d0 + n]!;
      if (d === 0) continue;
      const g0 = n * K;
      for (let k = 0; k < K; k++) G[g0 + k] += d * A[a0 + k]!;
    }
  }
}

/** bias gradient: G[N] += column sums of D[M×N]. */
export function columnSumsAdd(D: FloatArray, G: Float64Array, M: number, N: number): void {
  for (let m = 0; m < M; m++) {
    const d0 = m * N;
    for (let n = 0; n < N; n++) G[n] += D[d0 + n]!;
  }
}

/**
 * X[M×K] (+)= D[M×N] · B[N×K] (input gradient: D = dOut, B = weights), each row summed in a
 * double row accumulator `acc` (length >= K) over n in order, then stored (or added to X when
 * `add`, as an op's input gradient accumulates).
 */
export function gemmAB(
  D: FloatArray,
  B: FloatArray,
  X: FloatArray,
  M: number,
  N: number,
  K: number,
  acc: Float64Array,
  add = false,
): void {
  for (let m = 0; m < M; m++) {
    acc.fill(0, 0, K);
    const d0 = m * N;
    for (let n = 0; n < N; n++) {
      const d = D[d0 + n]!;
      if (d === 0) continue;
      const b0 = n * K;
      for (let k = 0; k < K; k++) acc[k] += d * B[b0 + k]!;
    }
    const x0 = m * K;
    if (add) for (let k = 0; k < K; k++) X[x0 + k] += acc[k]!;
    else for (let k = 0; k < K; k++) X[x0 + k] = acc[k]!;
  }
}
