/**
 * MAX_POOL_2D on int8, uint8, int16 and float32 data with conv.wat's maxpool_* walks (sixteen bytes of
 * channels at a time). One instance per prepared operator, its memory holding the input and the
 * output (each with sixteen bytes of slack for the last channel group). The maximum of integers
 * does not depend on the order of the taps, and float32 uses f32x4.pmax, the reference's
 * comparison lane by lane (conv.wat), so outputs equal the reference kernels' bit for bit
 * (pool-wasm.test.ts).
 */
import type { PoolShape } from '../common/pooling';
import { align16, convModule, MAX_BYTES, PAGE, type ConvExports } from './conv-module';

type IntArray = Int8Array | Uint8Array | Int16Array | Float32Array;
export type PoolKind = 'int8' | 'uint8' | 'int16' | 'float32';

/** eval(input, output) of one MAX_POOL_2D, clamp range fixed (floats for float32). */
export type IntPoolEval = (input: IntArray, output: IntArray) => void;

/** Null when the module is unavailable or the memory would exceed MAX_BYTES. */
export function prepareMaxPoolSimd(kind: PoolKind, s: PoolShape, lo: number, hi: number): IntPoolEval | null {
  const m = convModule();
  if (!m) return null;
  const elem = kind === 'float32' ? 4 : kind === 'int16' ? 2 : 1;
  const inCount = s.batches * s.inH * s.inW * s.channels;
  const outCount = s.batches * s.outH * s.outW * s.channels;
  const outAt = align16(inCount * elem + 16);
  const bytes = outAt + outCount * elem + 16;
  if (bytes > MAX_BYTES) return null;
  const e = new WebAssembly.Instance(m).exports as unknown as ConvExports;
  e.memory.grow(Math.ceil(bytes / PAGE));
  const buf = e.memory.buffer;
  const make = (at: number, n: number): IntArray =>
    kind === 'int8'
      ? new Int8Array(buf, at, n)
      : kind === 'uint8'
        ? new Uint8Array(buf, at, n)
        : kind === 'int16'
          ? new Int16Array(buf, at, n)
          : new Float32Array(buf, at, n);
  const raw = make(0, inCount);
  const out = make(outAt, outCount);
  const walk = { int8: e.maxpool_s8, uint8: e.maxpool_u8, int16: e.maxpool_s16, float32: e.maxpool_f32 }[
    kind
  ];
  const cb = s.channels * elem;
  // 8-bit 2x2 windows all inside the input (no padding; fashion_cnn's pool): maxpool2_8, the four
  // taps at once (1.3 -> about 0.5 us on fashion_cnn's 26x26x12).
  const inside =
    s.padH === 0 &&
    s.padW === 0 &&
    (s.outH - 1) * s.strideH + 2 <= s.inH &&
    (s.outW - 1) * s.strideW + 2 <= s.inW;
  if ((kind === 'int8' || kind === 'uint8') && s.kH === 2 && s.kW === 2 && inside) {
    const flip = kind === 'uint8' ? 128 : 0;
    return (input, output) => {
      raw.set(input);
      e.maxpool2_8(
        0,
        outAt,
        s.batches,
        s.inH,
        s.inW,
        cb,
        s.outH,
        s.outW,
        s.strideH,
        s.strideW,
        lo - flip,
        hi - flip,
        flip,
      );
      output.set(out);
    };
  }
  return (input, output) => {
    raw.set(input);
    walk(
      0,
      outAt,
      s.batches,
      s.inH,
      s.inW,
      cb,
      s.outH,
      s.outW,
      s.strideH,
      s.strideW,
      s.padH,
      s.padW,
      s.kH,
      s.kW,
      lo,
      hi,
    );
    output.set(out);
  };
}

/**
 * AVERAGE_POOL_2D of int8 or uint8 data with conv.wat's avgpool_8 (int32 window sums, the
 * reference's rounding division in double): eval(input, output), equal to averagePoolInt bit for
 * bit (pool-wasm.test.ts). Null as for prepareMaxPoolSimd.
 */
export function prepareAvgPoolSimd(
  kind: 'int8' | 'uint8',
  s: PoolShape,
  lo: number,
  hi: number,
): IntPoolEval | null {
  const m = convModule();
  if (!m) return null;
  const inCount = s.batches * s.inH * s.inW * s.channels;
  const outCount = s.batches * s.outH * s.outW * s.channels;
  const outAt = align16(inCount + 16);
  const bytes = outAt + outCount + 16;
  if (bytes > MAX_BYTES) return null;
  const e = new WebAssembly.Instance(m).exports as unknown as ConvExports;
  e.memory.grow(Math.ceil(bytes / PAGE));
  const buf = e.memory.buffer;
  const raw = kind === 'int8' ? new Int8Array(buf, 0, inCount) : new Uint8Array(buf, 0, inCount);
  const out = kind === 'int8' ? new Int8Array(buf, outAt, outCount) : new Uint8Array(buf, outAt, outCount);
  const unsigned = kind === 'uint8' ? 1 : 0;
  return (input, output) => {
    raw.set(input);
    e.avgpool_8(
      0,
      outAt,
      s.batches,
      s.inH,
      s.inW,
      s.channels,
      s.outH,
      s.outW,
      s.strideH,
      s.strideW,
      s.padH,
      s.padW,
      s.kH,
      s.kW,
      lo,
      hi,
      unsigned,
    );
    output.set(out);
  };
}

/**
 * Σ over the spatial axes of an int8/uint8 [batches][pixels][channels] input into
 * sums[b * channels + c] with conv.wat's chansum_8 (int32 sums, exact below 2^23 pixels): the
 * sums of reduceSum for MEAN over axes {1, 2}. Null when unavailable or too large.
 */
export function prepareSpatialSumSimd(
  kind: 'int8' | 'uint8',
  batches: number,
  pixels: number,
  channels: number,
): ((input: ArrayLike<number>, sums: Float64Array) => void) | null {
  const m = convModule();
  if (!m || pixels >= 2 ** 23) return null;
  const inCount = batches * pixels * channels;
  const outAt = align16(inCount + 16);
  const bytes = outAt + batches * channels * 4 + 64;
  if (bytes > MAX_BYTES) return null;
  const e = new WebAssembly.Instance(m).exports as unknown as ConvExports;
  e.memory.grow(Math.ceil(bytes / PAGE));
  const buf = e.memory.buffer;
  const raw = kind === 'int8' ? new Int8Array(buf, 0, inCount) : new Uint8Array(buf, 0, inCount);
  const out = new Int32Array(buf, outAt, batches * channels);
  const unsigned = kind === 'uint8' ? 1 : 0;
  return (input, sums) => {
    raw.set(input);
    e.chansum_8(0, outAt, batches, pixels, channels, unsigned);
    sums.set(out);
  };
}
