/**
 * The WebAssembly SIMD integer convolution engine (conv.wat) behind the SIMD CONV_2D,
 * DEPTHWISE_CONV_2D and FULLY_CONNECTED kernels (simd-kernels.ts). One module, compiled once;
 * one instance per prepared operator, whose memory holds that operator's packed weights (laid out
 * once, in prepare), its zero-padded int16 input and its int32 accumulators. The instance lives
 * as long as the operator's eval function, so the garbage collector frees it with the interpreter.
 *
 * Per eval: the input is copied into the instance, padded and offset there (pack), the window
 * sums formed (conv or dw: exact int32 accumulators, wrapped as C's are) and requantized
 * (requant: TFLite's MultiplyByQuantizedMultiplier, offset, clamp), and the outputs copied out.
 * Integer sums are exact whatever their order, so the outputs equal the reference kernels' bit
 * for bit (int-conv-wasm.test.ts).
 *
 * To add a kernel: add its function to conv.wat (`npm run gen:wasm`), a layout here, and its glue
 * to simd-kernels.ts; test it against the reference kernel in int-conv-wasm.test.ts.
 */
import type { ConvQuant, ConvShape } from '../common/conv';

import {
  align16,
  convModule,
  fullyConnectedShape,
  MAX_BYTES,
  paddedOf,
  PAGE,
  boundWalk,
  windowArgs,
  type ConvExports,
  type Padded,
} from './conv-module';

/** The fields of ConvQuant that turn an accumulator into an output value. */
export type Requant = Pick<ConvQuant, 'outputOffset' | 'multipliers' | 'shifts' | 'actMin' | 'actMax'>;

export type IntKind = 'int8' | 'uint8' | 'int16';
type IntArray = Int8Array | Uint8Array | Int16Array;
const KIND_CODE: Record<IntKind, number> = { int8: 0, uint8: 1, int16: 2 };

function view(kind: IntKind, buf: ArrayBuffer, at: number, n: number): IntArray {
  return kind === 'int8'
    ? new Int8Array(buf, at, n)
    : kind === 'uint8'
      ? new Uint8Array(buf, at, n)
      : new Int16Array(buf, at, n);
}

/** conv_iq's requantization arguments (requant_q's parameters at qpAt). */
interface FusedRequant {
  qpAt: number;
  outOff: number;
  lo: number;
  hi: number;
  k: number;
  leftShift: number;
  outC: number;
}

/**
 * conv_i bound to its geometry, or with `rq` conv_iq (requantized in registers, 8-bit outputs;
 * out_c a multiple of 4).
 */
function convWalk(
  e: ConvExports,
  s: ConvShape,
  p: Padded,
  blocks: number,
  rq: FusedRequant | null,
): (imageAt: number, weightsAt: number, accAt: number) => void {
  if (!rq) return boundWalk(e.conv_i, s, p, blocks);
  const [a, b, c, d, f, g, h, i, j, k] = windowArgs(s, p);
  const { qpAt, outOff, lo, hi, k: shift, leftShift, outC } = rq;
  return (x, w, out) =>
    e.conv_iq(x, w, out, a, b, c, d, f, g, h, i, j, k, blocks, qpAt, outOff, lo, hi, shift, leftShift, outC);
}

/** Everything one operator's eval needs, fixed in prepare. */
interface Plan {
  kind: IntKind;
  s: ConvShape;
  p: Padded;
  /** Depth multiplier (1 for conv). */
  dm: number;
  inputOffset: number;
  /** Packed weights, int16, in the layout the walk reads. */
  weightCount: number;
  /** int32 accumulators per output pixel (out_c rounded up to the walk's block). */
  accStride: number;
  /**
   * The window walk of one batch on instance e: (padded image, weights, accumulators) byte
   * offsets; `scratchAt` is `scratchBytes` (default 0) of the instance's memory for the walk.
   */
  walk: (
    e: ConvExports,
    scratchAt: number,
    rq: FusedRequant | null,
  ) => (imageAt: number, weightsAt: number, accAt: number) => void;
  /**
   * The walk can requantize in registers (conv_iq): given `rq` it writes the 8-bit outputs to
   * the third offset instead of accumulators.
   */
  fusable?: boolean;
  scratchBytes?: number;
  /** The walk reads the raw input (one batch at imageAt) rather than the padded image: no pack. */
  readsRaw?: boolean;
  /** A fusable walk that stores any number of output channels (conv_d8q), not only multiples of 4. */
  anyOutC?: boolean;
}

/**
 * One operator's instance, its memory laid out once: packed weights, per-channel requantization
 * parameters (bias, multiplier, shift as int32), the raw input, the padded image, accumulators and
 * outputs. Returns the eval, with `fillWeights` called once on the weights' int16 view; null when
 * the module is unavailable, a shift is outside [-31, 30] or the memory would exceed MAX_BYTES.
 */
function instantiate(
  plan: Plan,
  bias: Float64Array | null,
  q: Requant,
  fillWeights: (w: Int16Array) => void,
): IntConvEval | null {
  const m = convModule();
  if (!m) return null;
  const { kind, s, p } = plan;
  for (const sh of q.shifts) if (sh < -31 || sh > 30) return null;
  const elemBytes = kind === 'int16' ? 2 : 1;
  const inputCount = s.batches * s.inH * s.inW * s.inC;
  const pixels = s.outH * s.outW;
  const perBatch = pixels * s.outC;
  const imageBytes = plan.readsRaw ? 0 : p.hp * p.wp * p.cp * 2;
  const rawBatchBytes = s.inH * s.inW * s.inC * elemBytes;
  const paramsAt = align16(plan.weightCount * 2);
  // requant_v's parameters per block of four channels (128 bytes: see conv.wat).
  const blocks4 = Math.floor(s.outC / 4);
  const vparamsAt = paramsAt + align16(s.outC * 12);
  const qpAt = vparamsAt + blocks4 * 128;
  // conv_iq reads two blocks of eight per sixteen channels (zero past out_c)
  const blocks8 = Math.ceil(s.outC / 16) * 2;
  const fast = requantQParams(q);
  // conv_iq: requant_q's arithmetic on the registers, 8-bit outputs, sixteen channels per block
  const fused =
    fast !== null &&
    plan.fusable === true &&
    elemBytes === 1 &&
    (s.outC % 4 === 0 || plan.anyOutC === true) &&
    Math.abs(q.outputOffset) <= 255;
  const rawAt = qpAt + (fast ? blocks8 * 256 : 0);
  const imageAt = rawAt + align16(inputCount * elemBytes);
  const accAt = imageAt + align16(s.batches * imageBytes);
  const outAt = accAt + (fused ? 0 : align16(pixels * plan.accStride * 4));
  // + 16: requant_q's last block may write up to seven values past the outputs (and im2col
  // past its scratch).
  const scratchAt = align16(outAt + s.batches * perBatch * elemBytes + 16);
  const bytes = scratchAt + (plan.scratchBytes ?? 0) + 16;
  if (bytes > MAX_BYTES) return null;
  const e = new WebAssembly.Instance(m).exports as unknown as ConvExports;
  e.memory.grow(Math.ceil(bytes / PAGE));
  const buf = e.memory.buffer;
  fillWeights(new Int16Array(buf, 0, plan.weightCount));
  const params = new Int32Array(buf, paramsAt, s.outC * 3);
  for (let c = 0; c < s.outC; c++) {
    params[3 * c] = bias !== null ? bias[c] : 0;
    params[3 * c + 1] = q.multipliers[c];
    params[3 * c + 2] = q.shifts[c];
  }
  for (let j = 0; j < blocks4; j++) {
    const v = new Int32Array(buf, vparamsAt + 128 * j, 29);
    const f = new BigInt64Array(buf, vparamsAt + 128 * j + 80, 4);
    for (let l = 0; l < 4; l++) {
      const c = 4 * j + l;
      const shift = q.shifts[c];
      const e = Math.max(-shift, 0);
      v[l] = params[3 * c];
      v[4 + l] = params[3 * c + 1];
      v[8 + l] = 2 ** Math.max(shift, 0);
      v[12 + l] = 2 ** e - 1;
      v[16 + l] = (2 ** e - 1) >> 1;
      f[l] = 1n << BigInt(32 - e);
    }
    // The block's common right shift (i32x4.shr_s), or -1 when its channels' shifts differ.
    const e0 = Math.max(-q.shifts[4 * j], 0);
    let common = true;
    for (let l = 1; l < 4; l++) common &&= Math.max(-q.shifts[4 * j + l], 0) === e0;
    v[28] = common ? e0 : -1;
  }
  if (fast) new Int32Array(buf, qpAt, blocks8 * 64).set(fast.fill(s.outC, bias));
  const raw = view(kind, buf, rawAt, inputCount);
  const out = view(kind, buf, outAt, s.batches * perBatch);
  const code = KIND_CODE[kind];
  const rq = fused
    ? {
        qpAt,
        outOff: q.outputOffset,
        lo: q.actMin,
        hi: q.actMax,
        k: fast.k,
        leftShift: fast.leftShift,
        outC: s.outC,
      }
    : null;
  const walk = plan.walk(e, scratchAt, rq);
  // (acc + bias) | 0 in the reference equals the i32 sum here: both are the exact sum mod 2^32.
  // 8-bit inputs whose pixels keep their channels together (no depth multiplier, Cp = inC):
  // pack8 widens whole rows eight values at a time; pack otherwise.
  const rows8 = kind !== 'int16' && plan.dm === 1 && p.cp === s.inC && s.inC % 8 === 0;
  const packImage = () => {
    if (plan.readsRaw) return; // the walk reads the raw input
    if (rows8)
      e.pack8(
        rawAt,
        code,
        imageAt,
        s.batches,
        s.inH,
        s.inW,
        s.inC,
        plan.inputOffset,
        p.hp,
        p.wp,
        s.padH,
        s.padW,
      );
    else
      e.pack(
        rawAt,
        code,
        imageAt,
        s.batches,
        s.inH,
        s.inW,
        s.inC,
        plan.inputOffset,
        plan.dm,
        p.hp,
        p.wp,
        p.cp,
        s.padH,
        s.padW,
      );
  };
  // A small input with no spatial padding or depth multiplier (FULLY_CONNECTED, 1x1 convolutions
  // of a few pixels) is written into the image here: x + offset stored as int16 is pack's
  // i32.store16 of the same sum (both keep its low 16 bits), and the channel padding (cp > inC)
  // stays zero as pack leaves it. Up to SMALL_INPUT values the copy into the instance and the
  // call to pack cost more than this loop (hello_world's first layer: ~110 to ~80 ns); from 16
  // values on, pack8's eight-at-a-time widening wins.
  const direct =
    !plan.readsRaw &&
    inputCount <= SMALL_INPUT &&
    plan.dm === 1 &&
    p.hp === s.inH &&
    p.wp === s.inW &&
    s.padH === 0 &&
    s.padW === 0;
  const image16 = new Int16Array(buf, imageAt, (s.batches * imageBytes) / 2);
  const inputPixels = s.batches * s.inH * s.inW;
  const { inC } = s;
  const { cp } = p;
  const offset = plan.inputOffset;
  // One batch requantized in registers (fashion_cnn's first layer, most 8-bit convolutions): an
  // eval with no per-call branches but pack's, the same steps as the general one below.
  if (fused && !direct && s.batches === 1) {
    const image = plan.readsRaw ? rawAt : imageAt;
    return (input, output) => {
      raw.set(input);
      packImage();
      walk(image, 0, outAt);
      output.set(out);
    };
  }
  return (input, output) => {
    if (direct) {
      for (let px = 0, from = 0; px < inputPixels; px++) {
        const to = px * cp;
        for (let c = 0; c < inC; c++) image16[to + c] = input[from++] + offset;
      }
    } else {
      raw.set(input);
      packImage();
    }
    for (let b = 0; b < s.batches; b++) {
      const image = plan.readsRaw ? rawAt + b * rawBatchBytes : imageAt + b * imageBytes;
      const o = outAt + b * perBatch * elemBytes;
      if (fused) {
        walk(image, 0, o);
        continue;
      }
      walk(image, 0, accAt);
      if (fast)
        e.requant_q(
          accAt,
          plan.accStride,
          pixels,
          Math.ceil(s.outC / 8),
          qpAt,
          o,
          elemBytes,
          s.outC,
          q.outputOffset,
          q.actMin,
          q.actMax,
          fast.k,
          fast.leftShift,
        );
      else
        e.requant_v(
          accAt,
          plan.accStride,
          pixels,
          s.outC,
          paramsAt,
          vparamsAt,
          o,
          elemBytes,
          q.outputOffset,
          q.actMin,
          q.actMax,
        );
    }
    output.set(out);
  };
}

/** Input values (all batches) up to which an eval writes the padded image itself (see `direct`). */
const SMALL_INPUT = 8;

/**
 * requant_q's parameters (conv.wat), or null when the layer needs requant_v: a right shift
 * e = max(-shift, 0) above 13, or an output offset or clamp outside [-65536, 65535] (requant_q's
 * clamp of the high product at 2^(e + 17) then changes no output, and nothing overflows below it).
 * `fill` lays out blocks of eight channels, 64 int32 each: bias, 2^max(shift, 0), multiplier,
 * -C, C, H, N, A (eight lanes each; channels past outC all zero, whose outputs are discarded).
 */
function requantQParams(
  q: Requant,
): { k: number; leftShift: number; fill: (outC: number, bias: Float64Array | null) => Int32Array } | null {
  const inRange = (v: number) => v >= -65536 && v <= 65535;
  if (!inRange(q.outputOffset) || !inRange(q.actMin) || !inRange(q.actMax)) return null;
  let k = 0;
  let leftShift = 0;
  for (const sh of q.shifts) {
    if (sh < -13) return null;
    k = Math.max(k, -sh);
    if (sh > 0) leftShift = 1;
  }
  const fill = (outC: number, bias: Float64Array | null) => {
    const v = new Int32Array(Math.ceil(outC / 8) * 64);
    for (let c = 0; c < outC; c++) {
      const at = (c >> 3) * 64 + (c & 7);
      const sh = q.shifts[c];
      const e = Math.max(-sh, 0);
      v[at] = bias !== null ? bias[c] : 0;
      v[at + 8] = 2 ** Math.max(sh, 0);
      v[at + 16] = q.multipliers[c];
      v[at + 24] = -(2 ** (e + 17));
      v[at + 32] = 2 ** (e + 17);
      v[at + 40] = e > 0 ? 2 ** (e - 1) : 0;
      v[at + 48] = e > 0 ? -1 : 0;
      v[at + 56] = 2 ** (k - e);
    }
    return v;
  };
  return { k, leftShift, fill };
}

/** An integer convolution ready to run: eval(input, output) with bias and requantization fixed. */
export type IntConvEval = (input: IntArray, output: IntArray) => void;

/**
 * CONV_2D (one group) with int32 accumulators: `filter` [outC][kH][kW][kC] plus `filterOffset`,
 * packed once. Null when the SIMD module is unavailable or the operator too large.
 */
export function prepareConvSimd(
  kind: IntKind,
  s: ConvShape,
  filter: ArrayLike<number>,
  filterOffset: number,
  inputOffset: number,
  bias: Float64Array | null,
  q: Requant,
): IntConvEval | null {
  const blocks = Math.ceil(s.outC / 16);
  const taps = s.kH * s.kW;
  if (directWindow(kind, s, q))
    return prepareDirectSimd(kind as 'int8' | 'uint8', s, filter, filterOffset, inputOffset, bias, q);
  const im2col = im2colWidth(s);
  if (im2col) return prepareIm2colSimd(kind, s, im2col, filter, filterOffset, inputOffset, bias, q);
  const p = paddedOf(s, s.inC, 2);
  const walk: Plan['walk'] = (e, _scratchAt, rq) => convWalk(e, s, p, blocks, rq);
  const plan: Plan = {
    kind,
    s,
    p,
    dm: 1,
    inputOffset,
    weightCount: blocks * 16 * taps * p.cp,
    accStride: blocks * 16,
    walk,
    fusable: true,
  };
  // [out_c / 16][kH][kW][cp / 2][16][2]
  return instantiate(plan, bias, q, (w) => {
    for (let oc = 0; oc < s.outC; oc++)
      for (let t = 0; t < taps; t++)
        for (let c = 0; c < s.kC; c++) {
          const at = ((((oc >> 4) * taps + t) * (p.cp >> 1) + (c >> 1)) * 16 + (oc & 15)) * 2 + (c & 1);
          w[at] = filter[(oc * taps + t) * s.kC + c] + filterOffset;
        }
  });
}

/**
 * The even window length im2col unfolds a convolution's windows into (conv.wat's im2col), or 0
 * where conv_i is run directly: im2col needs a window row of at most sixteen values (kW * inC,
 * dilation 1 along x) and pays off when it saves pairs of products, as for one or three input
 * channels (conv_i pads the channels of every tap to an even count; MobileNet's first 3x3x3).
 */
function im2colWidth(s: ConvShape): number {
  const taps = s.kH * s.kW;
  const k = Math.ceil((taps * s.inC) / 2) * 2;
  if (taps === 1 || s.dilationW !== 1 || s.kW * s.inC > 16) return 0;
  return k < taps * Math.ceil(s.inC / 2) * 2 ? k : 0;
}

/**
 * CONV_2D as im2col (each output pixel's window unfolded into `k` values, zero weights past the
 * window) followed by conv_i as a 1x1 convolution of k channels over the output grid.
 */
function prepareIm2colSimd(
  kind: IntKind,
  s: ConvShape,
  k: number,
  filter: ArrayLike<number>,
  filterOffset: number,
  inputOffset: number,
  bias: Float64Array | null,
  q: Requant,
): IntConvEval | null {
  const p = paddedOf(s, s.inC, 1);
  const blocks = Math.ceil(s.outC / 16);
  const window = s.kH * s.kW * s.inC;
  const unfolded = { ...s, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, kH: 1, kW: 1 };
  // 8-bit inputs whose windows all lie inside the image (no padding) are unfolded from the raw
  // input (im2col8), with no padded int16 image in between.
  const readsRaw = kind !== 'int16' && s.padH === 0 && s.padW === 0 && p.hp === s.inH && p.wp === s.inW;
  const walk: Plan['walk'] = (e, colAt, rq) => {
    const conv = convWalk(e, unfolded, { hp: s.outH, wp: s.outW, cp: k }, blocks, rq);
    if (readsRaw) {
      const [run, rowBytes, code] = [s.kW * s.inC, s.inW * s.inC, KIND_CODE[kind]];
      return (rawAt, weightsAt, accAt) => {
        e.im2col8(
          rawAt,
          colAt,
          s.outH,
          s.outW,
          s.strideH,
          s.strideW,
          s.dilationH,
          s.kH,
          run,
          rowBytes,
          s.inC,
          k * 2,
          inputOffset,
          code,
        );
        conv(colAt, weightsAt, accAt);
      };
    }
    const [run, rowBytes, pixBytes] = [s.kW * s.inC * 2, p.wp * s.inC * 2, s.inC * 2];
    return (imageAt, weightsAt, accAt) => {
      e.im2col(
        imageAt,
        colAt,
        s.outH,
        s.outW,
        s.strideH,
        s.strideW,
        s.dilationH,
        s.kH,
        run,
        rowBytes,
        pixBytes,
        k * 2,
      );
      conv(colAt, weightsAt, accAt);
    };
  };
  const plan: Plan = {
    kind,
    s,
    p,
    dm: 1,
    inputOffset,
    weightCount: blocks * 16 * k,
    accStride: blocks * 16,
    walk,
    scratchBytes: s.outH * s.outW * k * 2,
    readsRaw,
    fusable: true,
  };
  // [out_c / 16][k / 2][16][2], window values in the filter's (fy, fx, c) order
  return instantiate(plan, bias, q, (w) => {
    for (let oc = 0; oc < s.outC; oc++)
      for (let r = 0; r < window; r++)
        w[(((oc >> 4) * (k >> 1) + (r >> 1)) * 16 + (oc & 15)) * 2 + (r & 1)] =
          filter[oc * window + r] + filterOffset;
  });
}

/**
 * Whether conv_d8q runs the convolution: 8-bit, more than one tap, every window inside the input
 * (no padding), at most sixteen values per window and sixteen bytes per window row
 * ((kW - 1) * dilW * C + C), and requantization conv_d8q can do in registers (requant_q's
 * conditions, |out_offset| <= 255 as instantiate's `fused`).
 */
function directWindow(kind: IntKind, s: ConvShape, q: Requant): boolean {
  if (kind === 'int16' || s.kH * s.kW === 1 || s.padH !== 0 || s.padW !== 0) return false;
  // conv_d8q (one pixel at a time) costs about a third of conv_iq's (two pixels, im2col8 first)
  // per group of four channels, conv_iq a whole block of sixteen: conv_iq keeps multiples of 16
  // and 16k + 12 (k >= 1). Measured on fashion_cnn's 3x3 of one channel: 11.6 against 14.1 us at
  // 12 channels, 17.2 against 14.2 at 16, 29 against 25 at 32.
  const rem = s.outC % 16;
  if (rem === 0 || (s.outC > 16 && rem > 8 && rem % 4 === 0)) return false;
  const p = paddedOf(s, s.inC, 1);
  if (p.hp !== s.inH || p.wp !== s.inW) return false;
  if (s.kH * s.kW * s.inC > 16 || (s.kW - 1) * s.dilationW * s.inC + s.inC > 16) return false;
  return requantQParams(q) !== null && Math.abs(q.outputOffset) <= 255;
}

/**
 * (input_offset + flip) * sum of each output's weights added to its bias, wrapped to int32 as the
 * sums are: the kernels that read 8-bit inputs raw (fc_i8, conv_d8q) sum s(x) * W with
 * x + input_offset = s(x) + flip + input_offset (flip 128 for uint8, whose bytes they read xor 128
 * as int8; 0 for int8), which equals the reference's sum mod 2^32.
 */
function foldedBias(
  bias: Float64Array | null,
  outC: number,
  window: number,
  weight: (oc: number, r: number) => number,
  offset: number,
): Float64Array {
  const b = new Float64Array(outC);
  for (let oc = 0; oc < outC; oc++) {
    let sum = 0;
    for (let r = 0; r < window; r++) sum += weight(oc, r);
    b[oc] = ((bias !== null ? bias[oc] : 0) + Math.imul(offset, sum)) | 0;
  }
  return b;
}

/**
 * CONV_2D by conv_d8q (see directWindow): the window of each output pixel gathered from the raw
 * input in registers, sums and requantization of four channels at a time in registers. Weights
 * int16 [ceil(outC / 4)][8 pairs][4][2] (zero past the window and outC); the scratch holds
 * conv_d8q's requantization parameters (requant_q's, regrouped by four channels) and one swizzle
 * index vector per window row.
 */
function prepareDirectSimd(
  kind: 'int8' | 'uint8',
  s: ConvShape,
  filter: ArrayLike<number>,
  filterOffset: number,
  inputOffset: number,
  bias: Float64Array | null,
  q: Requant,
): IntConvEval | null {
  const window = s.kH * s.kW * s.inC;
  const run = s.kW * s.inC;
  const groups = Math.ceil(s.outC / 4);
  const flip = kind === 'uint8' ? 128 : 0;
  const weight = (oc: number, r: number) => filter[oc * window + r] + filterOffset;
  const rowBytes = s.inW * s.inC;
  const b = foldedBias(bias, s.outC, window, weight, inputOffset + flip);
  /**
   * Whether some channel needs requant_q's clamp of the high product t to [-C, C]: unless, for
   * every channel, |u| <= U = 2^max(shift, 0) * (128 * sum |W| + |bias|) (|s(x)| <= 128) stays
   * below 2^31 (no wrap) and (U + 2 + H) * A < 2^31 (|t| <= U + 1, so (t + H + N) * A cannot
   * overflow and the unclamped quotient is exact).
   */
  const needsClamp = (bf: Float64Array, k: number): boolean => {
    for (let oc = 0; oc < s.outC; oc++) {
      let abs = 0;
      for (let r = 0; r < window; r++) abs += Math.abs(weight(oc, r));
      const u = 2 ** Math.max(q.shifts[oc], 0) * (128 * abs + Math.abs(bf[oc]));
      const e = Math.max(-q.shifts[oc], 0);
      const h = e > 0 ? 2 ** (e - 1) : 0;
      if (u >= 2 ** 31 || (u + 2 + h) * 2 ** (k - e) >= 2 ** 31) return true;
    }
    return false;
  };
  const walk: Plan['walk'] = (e, scratchAt, rq) => {
    if (!rq) throw new Error('conv_d8q needs requantization in registers (directWindow checks it)');
    const buf = e.memory.buffer;
    // requant_q's blocks of eight channels (eight fields of eight lanes) regrouped by four
    const src = new Int32Array(buf, rq.qpAt, Math.ceil(groups / 2) * 64);
    const dst = new Int32Array(buf, scratchAt, groups * 32);
    for (let g = 0; g < groups; g++)
      for (let f = 0; f < 8; f++)
        for (let l = 0; l < 4; l++) dst[g * 32 + f * 4 + l] = src[(g >> 1) * 64 + f * 8 + (g & 1) * 4 + l];
    // window value fy * run + fx * C + c is byte fx * dilW * C + c of window row fy's load
    const idxAt = scratchAt + groups * 128;
    const idx = new Uint8Array(buf, idxAt, s.kH * 16).fill(255);
    for (let fy = 0; fy < s.kH; fy++)
      for (let fx = 0; fx < s.kW; fx++)
        for (let c = 0; c < s.inC; c++)
          idx[fy * 16 + fy * run + fx * s.inC + c] = fx * s.dilationW * s.inC + c;
    const [outH, outW, kH, npairs, outC] = [s.outH, s.outW, s.kH, Math.ceil(window / 2), s.outC];
    const rowStep = s.strideH * rowBytes;
    const colStep = s.strideW * s.inC;
    const rowDil = s.dilationH * rowBytes;
    const { outOff, lo, hi, k, leftShift } = rq;
    const clamp = needsClamp(b, k) ? 1 : 0;
    return (x, w, out) =>
      e.conv_d8q(
        x,
        w,
        out,
        outH,
        outW,
        rowStep,
        colStep,
        rowDil,
        kH,
        idxAt,
        npairs,
        groups,
        scratchAt,
        outC,
        flip,
        outOff,
        lo,
        hi,
        k,
        leftShift,
        clamp,
      );
  };
  const plan: Plan = {
    kind,
    s,
    p: paddedOf(s, s.inC, 1),
    dm: 1,
    inputOffset,
    weightCount: groups * 64,
    accStride: groups * 4,
    walk,
    scratchBytes: groups * 128 + s.kH * 16,
    readsRaw: true,
    fusable: true,
    anyOutC: true,
  };
  // [groups][8 pairs][4][2]: channel oc's window values r, r + 1 side by side
  return instantiate(plan, b, q, (w) => {
    for (let oc = 0; oc < s.outC; oc++)
      for (let r = 0; r < window; r++)
        w[(oc >> 2) * 64 + (r >> 1) * 8 + (oc & 3) * 2 + (r & 1)] = weight(oc, r);
  });
}

/**
 * DEPTHWISE_CONV_2D with int32 accumulators: `filter` [1][kH][kW][outC] plus `filterOffset`,
 * input channel ic feeding outputs [ic * dm, ic * dm + dm). Null as for prepareConvSimd.
 */
export function prepareDepthwiseSimd(
  kind: IntKind,
  s: ConvShape,
  depthMultiplier: number,
  filter: ArrayLike<number>,
  filterOffset: number,
  inputOffset: number,
  bias: Float64Array | null,
  q: Requant,
): IntConvEval | null {
  const p = paddedOf(s, s.outC, 8);
  const taps = s.kH * s.kW;
  const walk: Plan['walk'] = (e) => boundWalk(e.dw, s, p);
  const plan: Plan = {
    kind,
    s,
    p,
    dm: depthMultiplier,
    inputOffset,
    weightCount: taps * p.cp,
    accStride: p.cp,
    walk,
  };
  // [kH][kW][cp]
  return instantiate(plan, bias, q, (w) => {
    for (let t = 0; t < taps; t++)
      for (let c = 0; c < s.outC; c++) w[t * p.cp + c] = filter[t * s.outC + c] + filterOffset;
  });
}

/**
 * FULLY_CONNECTED with int32 accumulators, as a 1x1 convolution over a [1, batches] image of
 * `depth` channels: `weights` [units][depth] plus `filterOffset`. Null as for prepareConvSimd.
 */
export function prepareFullyConnectedSimd(
  kind: IntKind,
  batches: number,
  units: number,
  depth: number,
  weights: ArrayLike<number>,
  filterOffset: number,
  inputOffset: number,
  bias: Float64Array | null,
  q: Requant,
): IntConvEval | null {
  const s = fullyConnectedShape(batches, units, depth);
  // fc_i8 where conv_i wastes lanes (fewer than sixteen units) or its input needs the scalar pack
  // (depth not a multiple of 8) and the units are few enough for fc_i8's per-unit sums: measured
  // 2028 -> 10 1.2 against 5.0 us, 2028 -> 100 8.4 against 10.1, but 1280 -> 1000 53 against 40
  // and 800 -> 32 1.2 against 1.0.
  if (kind !== 'int16' && (units < 16 || (depth % 8 !== 0 && units < 128))) {
    let int8 = true;
    for (let i = 0; i < weights.length && int8; i++) {
      const v = weights[i] + filterOffset;
      int8 = v >= -128 && v <= 127;
    }
    if (int8) return prepareFcInt8Simd(kind, s, weights, filterOffset, inputOffset, bias, q);
  }
  return prepareConvSimd(kind, s, weights, filterOffset, inputOffset, bias, q);
}

/**
 * FULLY_CONNECTED by fc_i8 for 8-bit inputs whose weights (plus filterOffset) fit int8: weights
 * int8 [ceil(units / 4)][ceil(depth / 16)][4][16] (zero past depth and units), the raw input read
 * as it is (no pack), int32 sums then requant_q or requant_v.
 */
function prepareFcInt8Simd(
  kind: 'int8' | 'uint8',
  s: ConvShape,
  weights: ArrayLike<number>,
  filterOffset: number,
  inputOffset: number,
  bias: Float64Array | null,
  q: Requant,
): IntConvEval | null {
  const [rows, units, depth] = [s.inW, s.outC, s.inC];
  const groups = Math.ceil(units / 4);
  const chunks = Math.ceil(depth / 16);
  const flip = kind === 'uint8' ? 128 : 0;
  const weight = (u: number, d: number) => weights[u * depth + d] + filterOffset;
  // requant_q reads blocks of eight channels per row
  const accStride = Math.ceil(units / 8) * 8;
  const walk: Plan['walk'] = (e) => (x, w, acc) =>
    e.fc_i8(x, w, acc, rows, depth, chunks, groups, accStride * 4, flip);
  const plan: Plan = {
    kind,
    s,
    p: paddedOf(s, s.inC, 1),
    dm: 1,
    inputOffset,
    weightCount: groups * chunks * 32,
    accStride,
    walk,
    readsRaw: true,
  };
  const b = foldedBias(bias, units, depth, weight, inputOffset + flip);
  return instantiate(plan, b, q, (w16) => {
    const w = new Int8Array(w16.buffer, w16.byteOffset, w16.length * 2);
    for (let u = 0; u < units; u++)
      for (let d = 0; d < depth; d++)
        w[(((u >> 2) * chunks + (d >> 4)) * 4 + (u & 3)) * 16 + (d & 15)] = weight(u, d);
  });
}
