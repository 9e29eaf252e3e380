/**
 * The three matrix products of a layer's forward and backward passes, row-major, float32 or
 * float64 storage, double arithmetic. No allocation inside; the loops are register-blocked in
 * 4×4 tiles (sixteen double accumulators in locals), so each value loaded feeds four products.
 *
 * Summation order (why the forward is bit-identical to Lowbit's interpreter): C[m][n] is the
 * double sum over k = 0..K-1, in order, of A[m][k]·B[n][k], then + bias[n], stored once. With
 * A an im2col matrix whose columns run (fy, fx, c), that is the interpreter's CONV_2D order
 * (out-of-image taps add an exact +0 here where the interpreter skips them; +0 changes no sum).
 * The tiling changes which elements are computed together, never the order of one element's sum.
 *
 * The backward products sum each element in order too (over m for weight gradients, over n for
 * input gradients). They add the products of zero gradients as well: a double sum that starts
 * at +0 (or at a gradient buffer that did) is never -0, so adding ±0 leaves it unchanged and the
 * result is the same as skipping them.
 */
import type { FloatArray } from '../types';
import { columnSumsWasm, gemmABtWasm, gemmABWasm, gemmAtBAddWasm } from '../wasm/kernels-wasm';

// Each product runs the WebAssembly SIMD kernel (wasm/kernels.wat, float32 storage) where it applies
// and the TypeScript loops below (the reference, exported as *Ts for the tests) otherwise; both
// give the same bytes.

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
  if (!gemmABtWasm(A, B, bias, C, M, N, K, roundBeforeBias))
    gemmABtTs(A, B, bias, C, M, N, K, roundBeforeBias);
}

export function gemmABtTs(
  A: FloatArray,
  B: FloatArray,
  bias: FloatArray | undefined,
  C: FloatArray,
  M: number,
  N: number,
  K: number,
  roundBeforeBias = false,
): void {
  const finish = (s: number, n: number): number =>
    bias ? (roundBeforeBias ? Math.fround(s) : s) + bias[n]! : s;
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  let m = 0;
  for (; m < M4; m += 4) {
    const a0 = m * K;
    const a1 = a0 + K;
    const a2 = a1 + K;
    const a3 = a2 + K;
    const c0 = m * N;
    const c1 = c0 + N;
    const c2 = c1 + N;
    const c3 = c2 + N;
    let n = 0;
    for (; n < N4; n += 4) {
      const b0 = n * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0; // prettier-ignore
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0; // prettier-ignore
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0; // prettier-ignore
      for (let k = 0; k < K; k++) {
        const w0 = B[b0 + k]!;
        const w1 = B[b1 + k]!;
        const w2 = B[b2 + k]!;
        const w3 = B[b3 + k]!;
        let a = A[a0 + k]!;
        s00 += a * w0;
        s01 += a * w1;
        s02 += a * w2;
        s03 += a * w3;
        a = A[a1 + k]!;
        s10 += a * w0;
        s11 += a * w1;
        s12 += a * w2;
        s13 += a * w3;
        a = A[a2 + k]!;
        s20 += a * w0;
        s21 += a * w1;
        s22 += a * w2;
        s23 += a * w3;
        a = A[a3 + k]!;
        s30 += a * w0;
        s31 += a * w1;
        s32 += a * w2;
        s33 += a * w3;
      }
      C[c0 + n] = finish(s00, n);
      C[c0 + n + 1] = finish(s01, n + 1);
      C[c0 + n + 2] = finish(s02, n + 2);
      C[c0 + n + 3] = finish(s03, n + 3);
      C[c1 + n] = finish(s10, n);
      C[c1 + n + 1] = finish(s11, n + 1);
      C[c1 + n + 2] = finish(s12, n + 2);
      C[c1 + n + 3] = finish(s13, n + 3);
      C[c2 + n] = finish(s20, n);
      C[c2 + n + 1] = finish(s21, n + 1);
      C[c2 + n + 2] = finish(s22, n + 2);
      C[c2 + n + 3] = finish(s23, n + 3);
      C[c3 + n] = finish(s30, n);
      C[c3 + n + 1] = finish(s31, n + 1);
      C[c3 + n + 2] = finish(s32, n + 2);
      C[c3 + n + 3] = finish(s33, n + 3);
    }
    for (; n < N; n++) {
      const b0 = n * K;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < K; k++) {
        const w = B[b0 + k]!;
        s0 += A[a0 + k]! * w;
        s1 += A[a1 + k]! * w;
        s2 += A[a2 + k]! * w;
        s3 += A[a3 + k]! * w;
      }
      C[c0 + n] = finish(s0, n);
      C[c1 + n] = finish(s1, n);
      C[c2 + n] = finish(s2, n);
      C[c3 + n] = finish(s3, n);
    }
  }
  for (; m < M; m++) {
    const a0 = m * K;
    const c0 = m * N;
    for (let n = 0; n < N; n++) {
      const b0 = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k]! * B[b0 + k]!;
      C[c0 + n] = finish(s, n);
    }
  }
}

/** G[N×K] += D[M×N]ᵀ · A[M×K] (weight gradient: D = dOut, A = im2col input), each element summed over m in order. */
export function gemmAtBAdd(
  D: FloatArray,
  A: FloatArray,
  G: Float64Array,
  M: number,
  N: number,
  K: number,
): void {
  if (!gemmAtBAddWasm(D, A, G, M, N, K)) gemmAtBAddTs(D, A, G, M, N, K);
}

export function gemmAtBAddTs(
  D: FloatArray,
  A: FloatArray,
  G: Float64Array,
  M: number,
  N: number,
  K: number,
): void {
  const N4 = N - (N % 4);
  const K4 = K - (K % 4);
  let n = 0;
  for (; n < N4; n += 4) {
    const g0 = n * K;
    const g1 = g0 + K;
    const g2 = g1 + K;
    const g3 = g2 + K;
    let k = 0;
    for (; k < K4; k += 4) {
      let s00 = G[g0 + k]!, s01 = G[g0 + k + 1]!, s02 = G[g0 + k + 2]!, s03 = G[g0 + k + 3]!; // prettier-ignore
      let s10 = G[g1 + k]!, s11 = G[g1 + k + 1]!, s12 = G[g1 + k + 2]!, s13 = G[g1 + k + 3]!; // prettier-ignore
      let s20 = G[g2 + k]!, s21 = G[g2 + k + 1]!, s22 = G[g2 + k + 2]!, s23 = G[g2 + k + 3]!; // prettier-ignore
      let s30 = G[g3 + k]!, s31 = G[g3 + k + 1]!, s32 = G[g3 + k + 2]!, s33 = G[g3 + k + 3]!; // prettier-ignore
      for (let m = 0, d = n, a = k; m < M; m++, d += N, a += K) {
        const x0 = A[a]!;
        const x1 = A[a + 1]!;
        const x2 = A[a + 2]!;
        const x3 = A[a + 3]!;
        let e = D[d]!;
        s00 += e * x0;
        s01 += e * x1;
        s02 += e * x2;
        s03 += e * x3;
        e = D[d + 1]!;
        s10 += e * x0;
        s11 += e * x1;
        s12 += e * x2;
        s13 += e * x3;
        e = D[d + 2]!;
        s20 += e * x0;
        s21 += e * x1;
        s22 += e * x2;
        s23 += e * x3;
        e = D[d + 3]!;
        s30 += e * x0;
        s31 += e * x1;
        s32 += e * x2;
        s33 += e * x3;
      }
      G[g0 + k] = s00;
      G[g0 + k + 1] = s01;
      G[g0 + k + 2] = s02;
      G[g0 + k + 3] = s03;
      G[g1 + k] = s10;
      G[g1 + k + 1] = s11;
      G[g1 + k + 2] = s12;
      G[g1 + k + 3] = s13;
      G[g2 + k] = s20;
      G[g2 + k + 1] = s21;
      G[g2 + k + 2] = s22;
      G[g2 + k + 3] = s23;
      G[g3 + k] = s30;
      G[g3 + k + 1] = s31;
      G[g3 + k + 2] = s32;
      G[g3 + k + 3] = s33;
    }
    for (; k < K; k++) {
      let s0 = G[g0 + k]!;
      let s1 = G[g1 + k]!;
      let s2 = G[g2 + k]!;
      let s3 = G[g3 + k]!;
      for (let m = 0, d = n, a = k; m < M; m++, d += N, a += K) {
        const x = A[a]!;
        s0 += D[d]! * x;
        s1 += D[d + 1]! * x;
        s2 += D[d + 2]! * x;
        s3 += D[d + 3]! * x;
      }
      G[g0 + k] = s0;
      G[g1 + k] = s1;
      G[g2 + k] = s2;
      G[g3 + k] = s3;
    }
  }
  for (; n < N; n++) {
    const g0 = n * K;
    let k = 0;
    for (; k < K4; k += 4) {
      let s0 = G[g0 + k]!;
      let s1 = G[g0 + k + 1]!;
      let s2 = G[g0 + k + 2]!;
      let s3 = G[g0 + k + 3]!;
      for (let m = 0, d = n, a = k; m < M; m++, d += N, a += K) {
        const e = D[d]!;
        s0 += e * A[a]!;
        s1 += e * A[a + 1]!;
        s2 += e * A[a + 2]!;
        s3 += e * A[a + 3]!;
      }
      G[g0 + k] = s0;
      G[g0 + k + 1] = s1;
      G[g0 + k + 2] = s2;
      G[g0 + k + 3] = s3;
    }
    for (; k < K; k++) {
      let s = G[g0 + k]!;
      for (let m = 0, d = n, a = k; m < M; m++, d += N, a += K) s += D[d]! * A[a]!;
      G[g0 + k] = s;
    }
  }
}

/** bias gradient: G[N] += column sums of D[M×N]. */
export function columnSumsAdd(D: FloatArray, G: Float64Array, M: number, N: number): void {
  if (!columnSumsWasm(D, G, M, N)) columnSumsAddTs(D, G, M, N);
}

export function columnSumsAddTs(D: FloatArray, G: Float64Array, M: number, N: number): void {
  for (let m = 0; m < M; m++) {
    const d0 = m * N;
    for (let n = 0; n < N; n++) G[n] += D[d0 + n]!;
  }
}

/**
 * X[M×K] (+)= D[M×N] · B[N×K] (input gradient: D = dOut, B = weights), each element summed in
 * double over n in order from +0, then stored (or added to X when `add`, as an op's input
 * gradient accumulates).
 */
export function gemmAB(
  D: FloatArray,
  B: FloatArray,
  X: FloatArray,
  M: number,
  N: number,
  K: number,
  add = false,
): void {
  if (!gemmABWasm(D, B, X, M, N, K, add)) gemmABTs(D, B, X, M, N, K, add);
}

export function gemmABTs(
  D: FloatArray,
  B: FloatArray,
  X: FloatArray,
  M: number,
  N: number,
  K: number,
  add = false,
): void {
  const M4 = M - (M % 4);
  const K4 = K - (K % 4);
  const put = (i: number, s: number) => {
    if (add) X[i] += s;
    else X[i] = s;
  };
  let m = 0;
  for (; m < M4; m += 4) {
    const d0 = m * N;
    const d1 = d0 + N;
    const d2 = d1 + N;
    const d3 = d2 + N;
    const x0 = m * K;
    const x1 = x0 + K;
    const x2 = x1 + K;
    const x3 = x2 + K;
    let k = 0;
    for (; k < K4; k += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0; // prettier-ignore
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0; // prettier-ignore
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0; // prettier-ignore
      for (let n = 0, b = k; n < N; n++, b += K) {
        const w0 = B[b]!;
        const w1 = B[b + 1]!;
        const w2 = B[b + 2]!;
        const w3 = B[b + 3]!;
        let e = D[d0 + n]!;
        s00 += e * w0;
        s01 += e * w1;
        s02 += e * w2;
        s03 += e * w3;
        e = D[d1 + n]!;
        s10 += e * w0;
        s11 += e * w1;
        s12 += e * w2;
        s13 += e * w3;
        e = D[d2 + n]!;
        s20 += e * w0;
        s21 += e * w1;
        s22 += e * w2;
        s23 += e * w3;
        e = D[d3 + n]!;
        s30 += e * w0;
        s31 += e * w1;
        s32 += e * w2;
        s33 += e * w3;
      }
      put(x0 + k, s00);
      put(x0 + k + 1, s01);
      put(x0 + k + 2, s02);
      put(x0 + k + 3, s03);
      put(x1 + k, s10);
      put(x1 + k + 1, s11);
      put(x1 + k + 2, s12);
      put(x1 + k + 3, s13);
      put(x2 + k, s20);
      put(x2 + k + 1, s21);
      put(x2 + k + 2, s22);
      put(x2 + k + 3, s23);
      put(x3 + k, s30);
      put(x3 + k + 1, s31);
      put(x3 + k + 2, s32);
      put(x3 + k + 3, s33);
    }
    for (; k < K; k++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let n = 0, b = k; n < N; n++, b += K) {
        const w = B[b]!;
        s0 += D[d0 + n]! * w;
        s1 += D[d1 + n]! * w;
        s2 += D[d2 + n]! * w;
        s3 += D[d3 + n]! * w;
      }
      put(x0 + k, s0);
      put(x1 + k, s1);
      put(x2 + k, s2);
      put(x3 + k, s3);
    }
  }
  for (; m < M; m++) {
    const d0 = m * N;
    const x0 = m * K;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let n = 0, b = k; n < N; n++, b += K) s += D[d0 + n]! * B[b]!;
      put(x0 + k, s);
    }
  }
}
