/**
 * FULLY_CONNECTED for tiny operators in TypeScript (issue 16: TFLite Micro's hello_world, three
 * FULLY_CONNECTEDs 1→16→16→1, runs in a few hundred nanoseconds, and its last layer is one unit
 * of depth 16). There the WebAssembly kernel's fixed cost per call (the input copied into its
 * instance, two calls across the boundary, the output copied back: ~100 ns) is most of the time,
 * and the reference kernel spends its own on per-call bookkeeping (skipping zero inputs). These
 * read the operands where they are and form the same sums as the reference kernel
 * (fully_connected.ts), so their outputs are the reference's bit for bit
 * (fully-connected-small.test.ts):
 *  - float32: each unit's dot product summed in double, over the depth in order (each product of
 *    two float32 values is exact in double), rounded to float32, plus the bias, clamped. Four
 *    units are summed side by side in independent accumulators; the order within a unit is the
 *    reference's.
 *  - int8 and uint8 (int32 accumulator): sum of (w + w_offset) * (x + x_offset) plus the bias,
 *    wrapped to 32 bits at every step (Math.imul and | 0). The reference sums exactly in double
 *    and wraps once at the end with | 0; both are the exact sum mod 2^32. Then the reference's
 *    own requantization (mbqm, output offset, clampInt).
 * The caller (simd-kernels.ts) chooses these in prepare by smallFullyConnected, for constant
 * weights and bias.
 */
import { clampInt, mbqm } from '../../../quant/math';
import type { EvalFn, RtTensor } from '../../types';
import type { FcGeometry } from './fully-connected-geometry';
import type { FcQuant } from '../fully_connected';

/**
 * Whether a FULLY_CONNECTED runs here rather than in WebAssembly: at most four outputs per eval
 * (batches x units) and at most 64 multiply-adds for float32, 16 for int8 and uint8. Float32 of depth 1
 * (hello_world's first layer, 1 → 16) stays in WebAssembly: in the bench (two interpreters of
 * the model in the process) one call of conv.wat's fc_f, ~60 ns per eval, beat a TypeScript loop
 * over the units, ~95 ns (~50 ns with a single interpreter). Measured on
 * Node 20 (x86-64, sixteen shapes' operators in one process, each in a loop): a WebAssembly eval
 * costs ~100 ns before any arithmetic; these cost a few nanoseconds per multiply-add and, for the
 * integer ones, ~10 ns per output's requantization, which the WebAssembly kernel does four lanes
 * at a time. Inside these limits they took 20-105 ns against 105-180 ns (hello_world's last
 * layer, 16 → 1: float 81 against 139, int8 105 against 121); beyond them they lose (its 16 → 16
 * layer: float ~410 ns against ~250, int8 ~860 against ~130). With a single interpreter in the
 * process V8 compiles these for that operator's constants and they run up to twice as fast; the
 * limits do not count on it.
 */
export function smallFullyConnected(g: FcGeometry, float: boolean): boolean {
  const outputs = g.batches * g.units;
  return outputs <= 4 && outputs * g.depth <= (float ? 64 : 16);
}

/** Float FULLY_CONNECTED with constant weights and bias (float32), the reference's sums. */
export function smallFcFloat(
  g: FcGeometry,
  input: RtTensor,
  weights: Float32Array,
  bias: Float32Array | null,
  out: RtTensor,
  lo: number,
  hi: number,
): EvalFn {
  const { batches, units, depth } = g;
  // The reference adds `b ? b[u] : 0`: the same values (zeros without a bias).
  const b = new Float64Array(units);
  if (bias) b.set(bias);
  const w = weights;
  return () => {
    const x = input.data as Float32Array;
    const o = out.data as Float32Array;
    for (let bi = 0; bi < batches; bi++) {
      const xo = bi * depth;
      const oo = bi * units;
      let u = 0;
      for (; u + 4 <= units; u += 4) {
        const w0 = u * depth;
        const w1 = w0 + depth;
        const w2 = w1 + depth;
        const w3 = w2 + depth;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let d = 0; d < depth; d++) {
          const v = x[xo + d];
          a0 += v * w[w0 + d];
          a1 += v * w[w1 + d];
          a2 += v * w[w2 + d];
          a3 += v * w[w3 + d];
        }
        let v = Math.fround(a0) + b[u];
        o[oo + u] = v < lo ? lo : v > hi ? hi : v;
        v = Math.fround(a1) + b[u + 1];
        o[oo + u + 1] = v < lo ? lo : v > hi ? hi : v;
        v = Math.fround(a2) + b[u + 2];
        o[oo + u + 2] = v < lo ? lo : v > hi ? hi : v;
        v = Math.fround(a3) + b[u + 3];
        o[oo + u + 3] = v < lo ? lo : v > hi ? hi : v;
      }
      for (; u < units; u++) {
        const w0 = u * depth;
        let a0 = 0;
        for (let d = 0; d < depth; d++) a0 += x[xo + d] * w[w0 + d];
        const v = Math.fround(a0) + b[u];
        o[oo + u] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  };
}

/** int8 or uint8 FULLY_CONNECTED (int32 accumulator) with constant weights and int32 bias. */
export function smallFcInt(
  g: FcGeometry,
  input: RtTensor,
  weights: Int8Array | Uint8Array,
  bias: Int32Array | null,
  out: RtTensor,
  q: FcQuant,
): EvalFn {
  const { batches, units, depth } = g;
  const { inOff, outOff, mult, shift, lo, hi } = q;
  // Weights plus their offset (|w + w_offset| <= 255), laid out once.
  const w = new Int32Array(units * depth);
  for (let i = 0; i < w.length; i++) w[i] = weights[i] + q.wOff;
  // The input offset folded into the bias: sum (x + off) * w = sum x * w + off * sum w, both mod
  // 2^32 (Math.imul and | 0 wrap as the int32 accumulator does).
  const b = new Int32Array(units);
  for (let u = 0; u < units; u++) {
    let sw = 0;
    for (let d = 0; d < depth; d++) sw = (sw + w[u * depth + d]) | 0;
    b[u] = ((bias ? bias[u] : 0) + Math.imul(inOff, sw)) | 0;
  }
  return () => {
    const x = input.data as Int8Array | Uint8Array;
    const o = out.data as Int8Array | Uint8Array;
    for (let bi = 0; bi < batches; bi++) {
      const xo = bi * depth;
      const oo = bi * units;
      let u = 0;
      for (; u + 4 <= units; u += 4) {
        const w0 = u * depth;
        const w1 = w0 + depth;
        const w2 = w1 + depth;
        const w3 = w2 + depth;
        let a0 = b[u];
        let a1 = b[u + 1];
        let a2 = b[u + 2];
        let a3 = b[u + 3];
        for (let d = 0; d < depth; d++) {
          const v = x[xo + d];
          a0 = (a0 + Math.imul(v, w[w0 + d])) | 0;
          a1 = (a1 + Math.imul(v, w[w1 + d])) | 0;
          a2 = (a2 + Math.imul(v, w[w2 + d])) | 0;
          a3 = (a3 + Math.imul(v, w[w3 + d])) | 0;
        }
        o[oo + u] = clampInt(mbqm(a0, mult[u], shift[u]) + outOff, lo, hi);
        o[oo + u + 1] = clampInt(mbqm(a1, mult[u + 1], shift[u + 1]) + outOff, lo, hi);
        o[oo + u + 2] = clampInt(mbqm(a2, mult[u + 2], shift[u + 2]) + outOff, lo, hi);
        o[oo + u + 3] = clampInt(mbqm(a3, mult[u + 3], shift[u + 3]) + outOff, lo, hi);
      }
      for (; u < units; u++) {
        const w0 = u * depth;
        let a0 = b[u];
        for (let d = 0; d < depth; d++) a0 = (a0 + Math.imul(x[xo + d], w[w0 + d])) | 0;
        o[oo + u] = clampInt(mbqm(a0, mult[u], shift[u]) + outOff, lo, hi);
      }
    }
  };
}

/** Units up to which an 8-bit FULLY_CONNECTED of depth 1 runs as a table (256 x units bytes). */
export const TABLE_MAX_UNITS = 256;

/**
 * int8 or uint8 FULLY_CONNECTED of depth 1 (hello_world's first layer, 1 -> 16): each output is a
 * function of one 8-bit input, so all 256 values of each unit are computed once, in prepare, with
 * smallFcInt's arithmetic (the reference's: (bias + (x + x_offset) * (w + w_offset)) | 0, mbqm,
 * output offset, clampInt), and an eval copies one row per batch: ~15 ns against ~50 ns for the
 * WebAssembly kernel's call and copies. For constant weights and bias, units <= TABLE_MAX_UNITS.
 */
export function tableFcInt(
  g: FcGeometry,
  input: RtTensor,
  weights: Int8Array | Uint8Array,
  bias: Int32Array | null,
  out: RtTensor,
  q: FcQuant,
): EvalFn {
  const { batches, units } = g;
  if (g.depth !== 1 || units > TABLE_MAX_UNITS) throw new Error('tableFcInt: depth 1 and at most 256 units');
  const { inOff, outOff, mult, shift, lo, hi } = q;
  const signed = input.data instanceof Int8Array;
  // [256][units], row r for the input byte r (int8 -128..-1 in rows 128..255)
  const t = signed ? new Int8Array(256 * units) : new Uint8Array(256 * units);
  for (let r = 0; r < 256; r++) {
    const v = (signed && r > 127 ? r - 256 : r) + inOff;
    for (let u = 0; u < units; u++) {
      const acc = ((bias ? bias[u] : 0) + Math.imul(v, weights[u] + q.wOff)) | 0;
      t[r * units + u] = clampInt(mbqm(acc, mult[u], shift[u]) + outOff, lo, hi);
    }
  }
  // Rows of a multiple of four bytes are copied as int32 words where the output is 4-byte aligned
  // (~5 ns for sixteen units against ~20 ns byte by byte); the bytes are the same either way.
  const words = units % 4 === 0 ? units >> 2 : 0;
  const t32 = words > 0 ? new Int32Array(t.buffer) : null;
  // The output's view (fixed once the interpreter has laid out its arena, after prepare).
  let o8: Int8Array | Uint8Array | null = null;
  let o32: Int32Array | null = null;
  return () => {
    const x = input.data as Int8Array | Uint8Array;
    const o = out.data as Int8Array | Uint8Array;
    if (o !== o8) {
      o8 = o;
      o32 = t32 && o.byteOffset % 4 === 0 ? new Int32Array(o.buffer, o.byteOffset, batches * words) : null;
    }
    if (o32 !== null && t32 !== null) {
      for (let bi = 0, oo = 0; bi < batches; bi++) {
        const row = (x[bi] & 255) * words;
        for (let k = 0; k < words; k++) o32[oo++] = t32[row + k];
      }
      return;
    }
    for (let bi = 0, oo = 0; bi < batches; bi++) {
      const row = (x[bi] & 255) * units;
      for (let u = 0; u < units; u++) o[oo++] = t[row + u];
    }
  };
}
