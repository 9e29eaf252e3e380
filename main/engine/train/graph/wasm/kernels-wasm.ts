/**
 * The WebAssembly SIMD kernels of the training graph (kernels.wat: products, im2col, depthwise
 * convolution, max pooling, clamps, bias gradients), for float32 storage: the operands are copied
 * into the module's memory (copies are memcpy-fast next to the loops), padded to the kernels'
 * multiples of 4, and the results copied back. Each function returns false, having done nothing,
 * where it does not apply (WebAssembly SIMD unavailable, float64 storage as in the
 * finite-difference checks, channels not a multiple of 4 for depthwise and pooling, an empty or
 * huge operand); the caller then runs its TypeScript loops, which are the reference: the results
 * are the same bytes (kernels.wat's header says why; kernels-wasm.test.ts checks it on random
 * shapes, with deliberately broken kernels, and on the demo models' training steps).
 */
import type { FloatArray } from '../types';
import { WASM_BASE64 } from './kernels-wasm.generated';

/** A convolution or pooling window walk (ops/conv_2d.ts's ConvGeometry, restated here: ops import this file). */
export interface WindowGeometry {
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padTop: number;
  padLeft: number;
}

interface GemmExports {
  memory: WebAssembly.Memory;
  pad_rows(src: number, dst: number, rows: number, cols: number, stride: number): void;
  transpose(src: number, dst: number, n: number, k: number, np: number): void;
  abt(...args: number[]): void;
  atb(d: number, a: number, g: number, m: number, n: number, k: number): void;
  ab(d: number, b: number, x: number, m: number, n: number, k: number, add: number): void;
  clamp(p: number, n: number, lo: number, hi: number): void;
  clamp_grad(out: number, d: number, dst: number, n: number, lo: number, hi: number): void;
  col_sums(d: number, g: number, m: number, n: number): void;
  dw_fwd(...args: number[]): void;
  dw_bwd(...args: number[]): void;
  maxpool(...args: number[]): void;
  im2col(...args: number[]): void;
  maxpool_bwd(arg: number, d: number, dX: number, n: number): void;
}

const PAGE = 65536;
/** Instance memory above which a product keeps the TypeScript loops. */
const MAX_BYTES = 1 << 30;

let module: WebAssembly.Module | null | undefined;
let instance: GemmExports | null | undefined;
let enabled = true;

function kernels(): GemmExports | null {
  if (!enabled) return null;
  if (instance === undefined) {
    try {
      module ??= new WebAssembly.Module(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)));
      instance = new WebAssembly.Instance(module).exports as unknown as GemmExports;
    } catch {
      instance = null;
    }
  }
  return instance;
}

/** True when the WebAssembly products run (SIMD available and not switched off). */
export function trainWasmAvailable(): boolean {
  return kernels() !== null;
}

/**
 * Tests: `false` runs the TypeScript loops only, `true` restores the committed module, a
 * Module runs that build instead (a deliberately broken kernels.wat the tests must catch).
 */
export function setTrainWasmForTest(m: boolean | WebAssembly.Module): void {
  enabled = m !== false;
  module = m instanceof WebAssembly.Module ? m : undefined;
  instance = undefined;
}

const up4 = (n: number) => (n + 3) & ~3;
const align16 = (n: number) => (n + 15) & ~15;

/** Byte offsets of consecutive regions of the given byte sizes (16-aligned), memory grown to hold them; null if too big. */
function layout(k: GemmExports, sizes: number[]): number[] | null {
  const at: number[] = [];
  let end = 16; // offset 0 left unused
  for (const s of sizes) {
    at.push(end);
    end = align16(end + s);
  }
  if (end > MAX_BYTES) return null;
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / PAGE));
  return at;
}

/** rows×cols values of `src` (row-major) into memory at `at` with row stride `stride` (zero padding); `src` rows of `cols` back to back. */
function putRows(
  k: GemmExports,
  F: Float32Array,
  src: FloatArray,
  rows: number,
  cols: number,
  stride: number,
  rawAt: number,
  at: number,
): void {
  if (cols === stride) {
    F.set(src.subarray(0, rows * cols), at >> 2);
    return;
  }
  F.set(src.subarray(0, rows * cols), rawAt >> 2);
  k.pad_rows(rawAt, at, rows, cols, stride);
}

/** rows×cols values from memory at `at` (row stride `stride`) into `dst`. */
function getRows(
  F: Float32Array,
  dst: FloatArray,
  rows: number,
  cols: number,
  stride: number,
  at: number,
): void {
  const base = at >> 2;
  if (cols === stride) {
    dst.set(F.subarray(base, base + rows * cols));
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(F.subarray(base + r * stride, base + r * stride + cols), r * cols);
}

const f32 = (a: FloatArray | undefined): boolean => a === undefined || a instanceof Float32Array;

/** gemm.ts gemmABt: C[M×N] = A[M×K] · B[N×K]ᵀ (+ bias). */
export function gemmABtWasm(
  A: FloatArray,
  B: FloatArray,
  bias: FloatArray | undefined,
  C: FloatArray,
  M: number,
  N: number,
  K: number,
  roundBeforeBias: boolean,
): boolean {
  if (!(f32(A) && f32(B) && f32(bias) && f32(C)) || M < 1 || N < 1 || K < 1) return false;
  const k = kernels();
  if (!k) return false;
  const M4 = up4(M);
  const Np = up4(N);
  const at = layout(k, [M4 * K * 4, N * K * 4, K * Np * 4, Np * 4, M4 * Np * 4]);
  if (!at) return false;
  const [aAt, bAt, btAt, biasAt, cAt] = at as [number, number, number, number, number];
  const F = new Float32Array(k.memory.buffer);
  F.set(A.subarray(0, M * K), aAt >> 2);
  F.fill(0, (aAt >> 2) + M * K, (aAt >> 2) + M4 * K);
  F.set(B.subarray(0, N * K), bAt >> 2);
  k.transpose(bAt, btAt, N, K, Np);
  if (bias) {
    F.set(bias.subarray(0, N), biasAt >> 2);
    F.fill(0, (biasAt >> 2) + N, (biasAt >> 2) + Np);
  }
  k.abt(aAt, btAt, biasAt, cAt, M4, Np, K, bias ? 1 : 0, roundBeforeBias ? 1 : 0, K);
  getRows(F, C, M, N, Np, cAt);
  return true;
}

/** gemm.ts gemmAtBAdd: G[N×K] += D[M×N]ᵀ · A[M×K]. */
export function gemmAtBAddWasm(
  D: FloatArray,
  A: FloatArray,
  G: Float64Array,
  M: number,
  N: number,
  K: number,
): boolean {
  if (!(f32(D) && f32(A)) || M < 1 || N < 1 || K < 1) return false;
  const k = kernels();
  if (!k) return false;
  const Np = up4(N);
  const Kp = up4(K);
  const raw = Math.max(N === Np ? 0 : M * N, K === Kp ? 0 : M * K) * 4;
  const at = layout(k, [raw, M * Np * 4, M * Kp * 4, Np * Kp * 8]);
  if (!at) return false;
  const [rawAt, dAt, aAt, gAt] = at as [number, number, number, number];
  const F = new Float32Array(k.memory.buffer);
  putRows(k, F, D, M, N, Np, rawAt, dAt);
  putRows(k, F, A, M, K, Kp, rawAt, aAt);
  const G64 = new Float64Array(k.memory.buffer, gAt, Np * Kp);
  if (K === Kp) G64.set(G.subarray(0, N * K));
  else for (let n = 0; n < N; n++) G64.set(G.subarray(n * K, n * K + K), n * Kp);
  k.atb(dAt, aAt, gAt, M, Np, Kp);
  if (K === Kp) G.set(G64.subarray(0, N * K));
  else for (let n = 0; n < N; n++) G.set(G64.subarray(n * Kp, n * Kp + K), n * K);
  return true;
}

/** gemm.ts gemmAB: X[M×K] (+)= D[M×N] · B[N×K]. */
export function gemmABWasm(
  D: FloatArray,
  B: FloatArray,
  X: FloatArray,
  M: number,
  N: number,
  K: number,
  add: boolean,
): boolean {
  if (!(f32(D) && f32(B) && f32(X)) || M < 1 || N < 1 || K < 1) return false;
  const k = kernels();
  if (!k) return false;
  const M4 = up4(M);
  const Kp = up4(K);
  const raw = K === Kp ? 0 : Math.max(N, add ? M : 0) * K * 4;
  const at = layout(k, [raw, M4 * N * 4, N * Kp * 4, M4 * Kp * 4]);
  if (!at) return false;
  const [rawAt, dAt, bAt, xAt] = at as [number, number, number, number];
  const F = new Float32Array(k.memory.buffer);
  F.set(D.subarray(0, M * N), dAt >> 2);
  F.fill(0, (dAt >> 2) + M * N, (dAt >> 2) + M4 * N);
  putRows(k, F, B, N, K, Kp, rawAt, bAt);
  if (add) putRows(k, F, X, M, K, Kp, rawAt, xAt);
  k.ab(dAt, bAt, xAt, M4, N, Kp, add ? 1 : 0);
  getRows(F, X, M, K, Kp, xAt);
  return true;
}

/** Below this many values an elementwise pass stays in TypeScript (the copies would cost more). */
const MIN_ELEMENTWISE = 256;

/** op.ts clampRange: out[0..len) clamped to [lo, hi] in place (lo, hi: ±Infinity or float32 values). */
export function clampWasm(out: FloatArray, len: number, lo: number, hi: number): boolean {
  if (!f32(out) || len < MIN_ELEMENTWISE) return false;
  const k = kernels();
  if (!k) return false;
  const at = layout(k, [up4(len) * 4]);
  if (!at) return false;
  const F = new Float32Array(k.memory.buffer, at[0], len);
  F.set(out.subarray(0, len));
  k.clamp(at[0]!, up4(len), lo, hi);
  out.set(F);
  return true;
}

/** op.ts clampGrad into `scratch`: dOut where lo < out < hi, else 0. */
export function clampGradWasm(
  out: FloatArray,
  dOut: FloatArray,
  len: number,
  lo: number,
  hi: number,
  scratch: FloatArray,
): boolean {
  if (!(f32(out) && f32(dOut) && f32(scratch)) || len < MIN_ELEMENTWISE) return false;
  const k = kernels();
  if (!k) return false;
  const n4 = up4(len) * 4;
  const at = layout(k, [n4, n4, n4]);
  if (!at) return false;
  const [oAt, dAt, sAt] = at as [number, number, number];
  new Float32Array(k.memory.buffer, oAt, len).set(out.subarray(0, len));
  new Float32Array(k.memory.buffer, dAt, len).set(dOut.subarray(0, len));
  k.clamp_grad(oAt, dAt, sAt, up4(len), lo, hi);
  scratch.set(new Float32Array(k.memory.buffer, sAt, len));
  return true;
}

/** gemm.ts columnSumsAdd: G[N] += column sums of D[M×N], each over m in order. */
export function columnSumsWasm(D: FloatArray, G: Float64Array, M: number, N: number): boolean {
  if (!f32(D) || M * N < MIN_ELEMENTWISE || N < 1) return false;
  const k = kernels();
  if (!k) return false;
  const at = layout(k, [M * N * 4, N * 8]);
  if (!at) return false;
  const [dAt, gAt] = at as [number, number];
  new Float32Array(k.memory.buffer, dAt, M * N).set(D.subarray(0, M * N));
  const g = new Float64Array(k.memory.buffer, gAt, N);
  g.set(G.subarray(0, N));
  k.col_sums(dAt, gAt, M, N);
  G.set(g);
  return true;
}

/**
 * depthwise_conv_2d.ts forward1 (multiplier 1): `taps` as there, C a multiple of 4 (else false:
 * the TypeScript loops run).
 */
export function depthwiseForwardWasm(
  taps: Int32Array,
  KK: number,
  C: number,
  inSize: number,
  pixels: number,
  n: number,
  inp: FloatArray,
  wt: FloatArray,
  bs: FloatArray | undefined,
  out: FloatArray,
): boolean {
  if (!(f32(inp) && f32(wt) && f32(bs) && f32(out)) || C % 4 !== 0 || n < 1 || C < 1) return false;
  const k = kernels();
  if (!k) return false;
  const outLen = n * pixels * C;
  const at = layout(k, [n * inSize * 4, KK * C * 4, C * 4, outLen * 4, taps.length * 4]);
  if (!at) return false;
  const [inAt, wAt, bAt, oAt, tAt] = at as [number, number, number, number, number];
  const buf = k.memory.buffer;
  new Float32Array(buf, inAt, n * inSize).set(inp.subarray(0, n * inSize));
  new Float32Array(buf, wAt, KK * C).set(wt.subarray(0, KK * C));
  if (bs) new Float32Array(buf, bAt, C).set(bs.subarray(0, C));
  new Int32Array(buf, tAt, taps.length).set(taps);
  k.dw_fwd(inAt, wAt, bAt, bs ? 1 : 0, oAt, tAt, n, pixels, KK, C, inSize * 4);
  out.set(new Float32Array(buf, oAt, outLen));
  return true;
}

/** depthwise_conv_2d.ts backward1's weight and input gradients (multiplier 1, C a multiple of 4). */
export function depthwiseBackwardWasm(
  taps: Int32Array,
  KK: number,
  C: number,
  inSize: number,
  pixels: number,
  n: number,
  inp: FloatArray,
  wt: FloatArray,
  d: FloatArray,
  dX: FloatArray | null,
  dW: Float64Array | null,
): boolean {
  if (!(f32(inp) && f32(wt) && f32(d) && (!dX || f32(dX))) || C % 4 !== 0 || n < 1 || C < 1) return false;
  const k = kernels();
  if (!k) return false;
  const inLen = n * inSize;
  const dLen = n * pixels * C;
  const at = layout(k, [inLen * 4, KK * C * 4, dLen * 4, inLen * 4, KK * C * 8, taps.length * 4]);
  if (!at) return false;
  const [inAt, wAt, dAt, xAt, gAt, tAt] = at as [number, number, number, number, number, number];
  const buf = k.memory.buffer;
  if (dW) new Float32Array(buf, inAt, inLen).set(inp.subarray(0, inLen));
  if (dX) {
    new Float32Array(buf, wAt, KK * C).set(wt.subarray(0, KK * C));
    new Float32Array(buf, xAt, inLen).set(dX.subarray(0, inLen));
  }
  if (dW) new Float64Array(buf, gAt, KK * C).set(dW.subarray(0, KK * C));
  new Float32Array(buf, dAt, dLen).set(d.subarray(0, dLen));
  new Int32Array(buf, tAt, taps.length).set(taps);
  k.dw_bwd(inAt, wAt, dAt, dX ? xAt : 0, dW ? gAt : 0, tAt, n, pixels, KK, C, inSize * 4);
  if (dX) dX.set(new Float32Array(buf, xAt, inLen));
  if (dW) dW.set(new Float64Array(buf, gAt, KK * C));
  return true;
}

/** max_pool_2d.ts's forward: maxima into `out`, their input indices into `argmax` (C a multiple of 4). */
export function maxPoolWasm(
  g: WindowGeometry,
  x: FloatArray,
  n: number,
  out: FloatArray,
  argmax: Int32Array,
): boolean {
  const { inH, inW, inC, kH, kW, outH, outW, strideH, strideW, padTop, padLeft } = g;
  if (!(f32(x) && f32(out)) || inC % 4 !== 0 || n < 1 || inC < 1) return false;
  const k = kernels();
  if (!k) return false;
  const inLen = n * inH * inW * inC;
  const outLen = n * outH * outW * inC;
  const at = layout(k, [inLen * 4, outLen * 4, outLen * 4]);
  if (!at) return false;
  const [inAt, oAt, aAt] = at as [number, number, number];
  const buf = k.memory.buffer;
  new Float32Array(buf, inAt, inLen).set(x.subarray(0, inLen));
  k.maxpool(inAt, oAt, aAt, n, inH, inW, inC, outH, outW, strideH, strideW, padTop, padLeft, kH, kW);
  out.set(new Float32Array(buf, oAt, outLen));
  argmax.set(new Int32Array(buf, aAt, outLen));
  return true;
}

/** kernels.wat's im2col of `n` samples of `input` (already at `inAt`) into rows of `stride` values at `at`. */
function im2colAt(
  k: GemmExports,
  g: WindowGeometry,
  inAt: number,
  at: number,
  n: number,
  stride: number,
): void {
  const { inH, inW, inC, kH, kW, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  k.im2col(
    inAt,
    at,
    n,
    inH,
    inW,
    inC,
    kH,
    kW,
    outH,
    outW,
    strideH,
    strideW,
    dilH,
    dilW,
    padTop,
    padLeft,
    stride,
  );
}

/**
 * conv_2d.ts's forward in one pass through the module: im2col of `n` samples, the product with
 * weights [N][K] (+ bias), the fused activation's clamp to [lo, hi]; the same bytes as im2col,
 * gemmABt and clampRange in TypeScript. `keepCols` (M × K rounded up to 4, zero-padded) receives
 * the im2col rows for convWeightGradWasm.
 */
export function convForwardWasm(
  g: WindowGeometry,
  input: FloatArray,
  n: number,
  W: FloatArray,
  bias: FloatArray | undefined,
  out: FloatArray,
  N: number,
  lo: number,
  hi: number,
  keepCols?: Float32Array,
): boolean {
  const K = g.kH * g.kW * g.inC;
  const Kp = up4(K);
  const M = n * g.outH * g.outW;
  const inLen = n * g.inH * g.inW * g.inC;
  if (!(f32(input) && f32(W) && f32(bias) && f32(out)) || M < 1 || N < 1 || K < 1) return false;
  if (keepCols && keepCols.length < M * Kp) return false;
  const k = kernels();
  if (!k) return false;
  const M4 = up4(M);
  const Np = up4(N);
  const at = layout(k, [inLen * 4, M4 * Kp * 4, N * K * 4, K * Np * 4, Np * 4, M4 * Np * 4]);
  if (!at) return false;
  const [inAt, aAt, bAt, btAt, biasAt, cAt] = at as [number, number, number, number, number, number];
  const F = new Float32Array(k.memory.buffer);
  F.set(input.subarray(0, inLen), inAt >> 2);
  im2colAt(k, g, inAt, aAt, n, Kp);
  if (keepCols) keepCols.set(F.subarray(aAt >> 2, (aAt >> 2) + M * Kp));
  F.fill(0, (aAt >> 2) + M * Kp, (aAt >> 2) + M4 * Kp);
  F.set(W.subarray(0, N * K), bAt >> 2);
  k.transpose(bAt, btAt, N, K, Np);
  if (bias) {
    F.set(bias.subarray(0, N), biasAt >> 2);
    F.fill(0, (biasAt >> 2) + N, (biasAt >> 2) + Np);
  }
  k.abt(aAt, btAt, biasAt, cAt, M4, Np, K, bias ? 1 : 0, 0, Kp);
  if (lo !== -Infinity || hi !== Infinity) k.clamp(cAt, M4 * Np, lo, hi);
  getRows(F, out, M, N, Np, cAt);
  return true;
}

/**
 * conv_2d.ts's weight gradient G[N][K] += dOutᵀ · im2col(input), the im2col done here or taken
 * from `cols` (as convForwardWasm's keepCols left them for this input).
 */
export function convWeightGradWasm(
  g: WindowGeometry,
  input: FloatArray,
  n: number,
  D: FloatArray,
  G: Float64Array,
  N: number,
  cols?: Float32Array,
): boolean {
  const K = g.kH * g.kW * g.inC;
  const M = n * g.outH * g.outW;
  const inLen = n * g.inH * g.inW * g.inC;
  if (!(f32(input) && f32(D)) || M < 1 || N < 1 || K < 1) return false;
  if (cols && cols.length < M * up4(K)) return false;
  const k = kernels();
  if (!k) return false;
  const Np = up4(N);
  const Kp = up4(K);
  const at = layout(k, [inLen * 4, M * Kp * 4, N === Np ? 0 : M * N * 4, M * Np * 4, Np * Kp * 8]);
  if (!at) return false;
  const [inAt, aAt, rawAt, dAt, gAt] = at as [number, number, number, number, number];
  const F = new Float32Array(k.memory.buffer);
  if (cols) F.set(cols.subarray(0, M * Kp), aAt >> 2);
  else {
    F.set(input.subarray(0, inLen), inAt >> 2);
    im2colAt(k, g, inAt, aAt, n, Kp);
  }
  putRows(k, F, D, M, N, Np, rawAt, dAt);
  const G64 = new Float64Array(k.memory.buffer, gAt, Np * Kp);
  if (K === Kp) G64.set(G.subarray(0, N * K));
  else for (let r = 0; r < N; r++) G64.set(G.subarray(r * K, r * K + K), r * Kp);
  k.atb(dAt, aAt, gAt, M, Np, Kp);
  if (K === Kp) G.set(G64.subarray(0, N * K));
  else for (let r = 0; r < N; r++) G.set(G64.subarray(r * Kp, r * Kp + K), r * K);
  return true;
}

/** max_pool_2d.ts's backward: dX[argmax[i]] += d[i] for i < len in order (argmax -1: nothing); dX holds `inLen` values. */
export function maxPoolBackwardWasm(
  argmax: Int32Array,
  d: FloatArray,
  dX: FloatArray,
  len: number,
  inLen: number,
): boolean {
  if (!(f32(d) && f32(dX)) || len < 1 || inLen < 1) return false;
  const k = kernels();
  if (!k) return false;
  const at = layout(k, [len * 4, len * 4, inLen * 4]);
  if (!at) return false;
  const [aAt, dAt, xAt] = at as [number, number, number];
  const buf = k.memory.buffer;
  new Int32Array(buf, aAt, len).set(argmax.subarray(0, len));
  new Float32Array(buf, dAt, len).set(d.subarray(0, len));
  const x = new Float32Array(buf, xAt, inLen);
  x.set(dX.subarray(0, inLen));
  k.maxpool_bwd(aAt, dAt, xAt, len);
  dX.set(x);
  return true;
}
