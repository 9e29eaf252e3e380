/**
 * The float32 side of the WebAssembly SIMD kernels (conv.wat's conv_f32, dw_f32, conv_f, dw_f,
 * finish_f) for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED. The reference kernels sum float32
 * products in double in a fixed order per output. CONV_2D and DEPTHWISE_CONV_2D here sum in
 * float32 (f32x4, 'f32' sums: as TFLite and XNNPACK do, about twice the speed), so they agree
 * with the reference within float32 rounding of the dot product, not bit for bit
 * (float-conv-wasm.test.ts bounds the difference); FULLY_CONNECTED, and the others with 'f64'
 * sums, sum in double in the reference's order (f64x2, no fused multiply-add): bit for bit. The
 * zero padding that replaces the reference's skipped out-of-image taps adds exact zeros only when
 * every weight is finite (0 x Inf is NaN): prepare returns null otherwise, and the reference runs.
 *
 * One instance per operator, as for the integer kernels (int-conv-wasm.ts): packed weights, bias,
 * the raw and padded input, f64 accumulators and the outputs, laid out once in prepare.
 */
import type { ConvShape } from '../common/conv';
import { align16, convModule, MAX_BYTES, paddedOf, PAGE, boundWalk, type ConvExports } from './conv-module';

/** A float operator ready to run: eval(input, output). */
export type FloatConvEval = (input: Float32Array, output: Float32Array) => void;

const FLOAT_KIND = 3; // conv.wat pack: float32 values copied as they are

interface FloatPlan {
  s: ConvShape;
  cp: number;
  hp: number;
  wp: number;
  dm: number;
  weightCount: number;
  /** f64 accumulators per output pixel. */
  accStride: number;
  /** FULLY_CONNECTED rounds the sum to float32 before adding the bias. */
  roundFirst: boolean;
  /** float32 weights and sums (conv_f32, dw_f32), else double (conv_f, dw_f). */
  acc32: boolean;
  walk: (e: ConvExports) => (imageAt: number, weightsAt: number, accAt: number) => void;
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

function instantiate(
  plan: FloatPlan,
  bias: ArrayLike<number> | null,
  lo: number,
  hi: number,
  fillWeights: (w: Float64Array | Float32Array) => void,
): FloatConvEval | null {
  const m = convModule();
  if (!m) return null;
  const { s } = plan;
  const inputCount = s.batches * s.inH * s.inW * s.inC;
  const pixels = s.outH * s.outW;
  const perBatch = pixels * s.outC;
  const imageBytes = plan.hp * plan.wp * plan.cp * 4;
  const vb = plan.acc32 ? 4 : 8; // bytes per weight and per sum
  const biasAt = align16(plan.weightCount * vb);
  const rawAt = biasAt + align16(s.outC * 8);
  const imageAt = rawAt + align16(inputCount * 4);
  const accAt = imageAt + align16(s.batches * imageBytes);
  const outAt = accAt + align16(pixels * plan.accStride * vb);
  const bytes = outAt + s.batches * perBatch * 4;
  if (bytes > MAX_BYTES) return null;
  const e = new WebAssembly.Instance(m).exports as unknown as ConvExports;
  e.memory.grow(Math.ceil(bytes / PAGE));
  const buf = e.memory.buffer;
  // float32 values (exact in double)
  fillWeights(
    plan.acc32 ? new Float32Array(buf, 0, plan.weightCount) : new Float64Array(buf, 0, plan.weightCount),
  );
  // else zeros: see finish_f; float32 values for finish_f32 (biasValues holds float32 ones)
  if (bias !== null)
    (plan.acc32 ? new Float32Array(buf, biasAt, s.outC) : new Float64Array(buf, biasAt, s.outC)).set(bias);
  const raw = new Float32Array(buf, rawAt, inputCount);
  const out = new Float32Array(buf, outAt, s.batches * perBatch);
  const { hp, wp, cp } = plan;
  const image = new Float32Array(buf, imageAt, (s.batches * imageBytes) / 4);
  // The input copied straight into the padded image (pack's layout) when each pixel's channels
  // stay together (no depth multiplier, no channel padding): the whole image at once without
  // spatial padding, else row by row; pack otherwise.
  const rowsDirect = plan.dm === 1 && cp === s.inC;
  const whole = rowsDirect && hp === s.inH && wp === s.inW;
  const rowLen = s.inW * s.inC;
  const { accStride } = plan;
  const roundFirst = plan.roundFirst ? 1 : 0;
  const { finish_f32, finish_f } = e;
  const finish = plan.acc32
    ? (o: number) => finish_f32(accAt, accStride, pixels, s.outC, biasAt, o, lo, hi)
    : (o: number) => finish_f(accAt, accStride, pixels, s.outC, biasAt, o, lo, hi, roundFirst);
  const walk = plan.walk(e);
  return (input, output) => {
    if (whole) image.set(input);
    else if (rowsDirect) {
      for (let b = 0; b < s.batches; b++)
        for (let y = 0; y < s.inH; y++) {
          const from = (b * s.inH + y) * rowLen;
          image.set(input.subarray(from, from + rowLen), ((b * hp + y + s.padH) * wp + s.padW) * cp);
        }
    } else {
      raw.set(input);
      e.pack(
        rawAt,
        FLOAT_KIND,
        imageAt,
        s.batches,
        s.inH,
        s.inW,
        s.inC,
        0,
        plan.dm,
        hp,
        wp,
        cp,
        s.padH,
        s.padW,
      );
    }
    for (let b = 0; b < s.batches; b++) {
      walk(imageAt + b * imageBytes, 0, accAt);
      finish(outAt + b * perBatch * 4);
    }
    output.set(out);
  };
}

/** How a float kernel sums: float32 (fast, within rounding of the reference) or double (exact). */
export type FloatSums = 'f32' | 'f64';

/**
 * Float CONV_2D (one group): `filter` [outC][kH][kW][inC]; `bias` may be null. Null when the
 * module is unavailable, a weight is not finite or the operator is too large.
 */
export function prepareConvFloatSimd(
  s: ConvShape,
  filter: Float32Array,
  bias: ArrayLike<number> | null,
  lo: number,
  hi: number,
  sums: FloatSums = 'f32',
  roundFirst = false,
): FloatConvEval | null {
  if (!allFinite(filter)) return null;
  const acc32 = sums === 'f32';
  const p = paddedOf(s, s.inC, 1);
  const lanes = acc32 ? 16 : 8; // output channels per block (64 bytes of weights per input channel)
  const blocks = Math.ceil(s.outC / lanes);
  const taps = s.kH * s.kW;
  const walk: FloatPlan['walk'] = (e) => boundWalk(acc32 ? e.conv_f32 : e.conv_f, s, p, blocks);
  const plan = {
    s,
    ...p,
    dm: 1,
    weightCount: blocks * lanes * taps * s.inC,
    accStride: blocks * lanes,
    roundFirst,
    acc32,
    walk,
  };
  // [out_c / lanes][kH][kW][inC][lanes]
  return instantiate(plan, bias, lo, hi, (w) => {
    for (let oc = 0; oc < s.outC; oc++) {
      const blk = Math.floor(oc / lanes);
      const lane = oc % lanes;
      for (let t = 0; t < taps; t++)
        for (let c = 0; c < s.inC; c++)
          w[((blk * taps + t) * s.inC + c) * lanes + lane] = filter[(oc * taps + t) * s.inC + c];
    }
  });
}

/** Float DEPTHWISE_CONV_2D: `filter` [1][kH][kW][outC]. Null as for prepareConvFloatSimd. */
export function prepareDepthwiseFloatSimd(
  s: ConvShape,
  depthMultiplier: number,
  filter: Float32Array,
  bias: ArrayLike<number> | null,
  lo: number,
  hi: number,
  sums: FloatSums = 'f32',
): FloatConvEval | null {
  if (!allFinite(filter)) return null;
  const acc32 = sums === 'f32';
  const p = paddedOf(s, s.outC, 8);
  const taps = s.kH * s.kW;
  const walk: FloatPlan['walk'] = (e) => boundWalk(acc32 ? e.dw_f32 : e.dw_f, s, p);
  const plan = {
    s,
    ...p,
    dm: depthMultiplier,
    weightCount: taps * p.cp,
    accStride: p.cp,
    roundFirst: false,
    acc32,
    walk,
  };
  // [kH][kW][cp]
  return instantiate(plan, bias, lo, hi, (w) => {
    for (let t = 0; t < taps; t++) for (let c = 0; c < s.outC; c++) w[t * p.cp + c] = filter[t * s.outC + c];
  });
}

/**
 * Float FULLY_CONNECTED in one call of conv.wat's fc_f (sums, bias, activation and store fused):
 * summed in double and rounded to float32 before the bias as the reference does (bit for bit).
 * Null as for prepareConvFloatSimd.
 */
export function prepareFullyConnectedFloatSimd(
  batches: number,
  units: number,
  depth: number,
  weights: Float32Array,
  bias: ArrayLike<number> | null,
  lo: number,
  hi: number,
): FloatConvEval | null {
  if (!allFinite(weights)) return null;
  const m = convModule();
  if (!m) return null;
  const lanes = 8; // units per block (four f64x2)
  const blocks = Math.ceil(units / lanes);
  const biasAt = align16(blocks * lanes * depth * 8);
  const accAt = biasAt + blocks * lanes * 8;
  const xAt = accAt + 64;
  const outAt = xAt + align16(batches * depth * 4);
  const bytes = outAt + batches * units * 4;
  if (bytes > MAX_BYTES) return null;
  const e = new WebAssembly.Instance(m).exports as unknown as ConvExports;
  e.memory.grow(Math.ceil(bytes / PAGE));
  const buf = e.memory.buffer;
  // [units / 8][depth][8], float32 values (exact in double); zeros past the units
  const w = new Float64Array(buf, 0, blocks * lanes * depth);
  for (let u = 0; u < units; u++) {
    const blk = Math.floor(u / lanes);
    const lane = u % lanes;
    for (let d = 0; d < depth; d++) w[(blk * depth + d) * lanes + lane] = weights[u * depth + d];
  }
  // the reference adds `b ? b[u] : 0`: zeros without a bias
  if (bias !== null) new Float64Array(buf, biasAt, units).set(bias);
  const x = new Float32Array(buf, xAt, batches * depth);
  const out = new Float32Array(buf, outAt, batches * units);
  const fc = e.fc_f;
  // One input value (hello_world's first layer): stored directly, ~4 ns against ~17 ns for
  // TypedArray.set on Node 20, a tenth of the layer's time.
  const inputs = batches * depth;
  if (inputs === 1)
    return (input, output) => {
      x[0] = input[0];
      fc(xAt, 0, biasAt, outAt, accAt, batches, depth, units, lo, hi);
      output.set(out);
    };
  return (input, output) => {
    x.set(input);
    fc(xAt, 0, biasAt, outAt, accAt, batches, depth, units, lo, hi);
    output.set(out);
  };
}
