/**
 * The WebAssembly SIMD integer convolution engine (conv.wat) behind the SIMD CONV_2D,
 * DEPTHWISE_CONV_2D and FULLY_CONNECTED kernels (simd-kernels.ts). One module, compiled once;
 * one instance per prepared operator, whose memory holds that operator's packed weights (laid out
 * once, in prepare), its zero-padded int16 input and its int32 accumulators. The instance lives
 * as long as the operator's eval function, so the garbage collector frees it with the interpreter.
 *
 * The module computes int32 accumulators only; bias, requantization and the clamp run here with
 * the reference kernels' functions (requantize below), so the outputs equal theirs bit for bit.
 *
 * To add a kernel: add its function to conv.wat (`npm run gen:wasm`), a layout here, and its glue
 * to simd-kernels.ts; test it against the reference kernel in int-conv-wasm.test.ts.
 */
import { clampInt, mbqm } from '../../../quant/math';
import type { ConvQuant, ConvShape } from '../common/conv';
import { WASM_BASE64 } from './conv-wasm.generated';

interface ConvExports {
  memory: WebAssembly.Memory;
  conv(...args: number[]): void;
  dw(...args: number[]): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (the reference kernels run). */
function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export function simdAvailable(): boolean {
  return module() !== null;
}

/** Tests run a deliberately broken build of conv.wat to show that they catch it; null restores. */
export function setConvModuleForTest(m: WebAssembly.Module | null): void {
  compiled = m ?? undefined;
}

/** Instance memory above which an operator keeps the reference kernel (a malformed model's shapes). */
const MAX_BYTES = 1 << 30;
const PAGE = 65536;

/** The fields of ConvQuant that turn an accumulator into an output value. */
export type Requant = Pick<ConvQuant, 'outputOffset' | 'multipliers' | 'shifts' | 'actMin' | 'actMax'>;

/**
 * Padded input geometry shared by conv and dw: batches of [hp][wp][cp] int16, the image at
 * (padH, padW), hp and wp large enough that every window of the walk lies inside.
 */
interface Padded {
  hp: number;
  wp: number;
  cp: number;
}

function paddedOf(s: ConvShape, channels: number): Padded {
  const hp = Math.max(s.inH + s.padH, (s.outH - 1) * s.strideH + (s.kH - 1) * s.dilationH + 1);
  const wp = Math.max(s.inW + s.padW, (s.outW - 1) * s.strideW + (s.kW - 1) * s.dilationW + 1);
  return { hp, wp, cp: Math.ceil(channels / 8) * 8 };
}

/**
 * One operator's instance: regions for weights, input and accumulators, allocated in prepare.
 * Returns null when the sizes exceed MAX_BYTES or the module is unavailable.
 */
class Instance {
  readonly exports: ConvExports;
  readonly weights: Int16Array;
  readonly input: Int16Array;
  readonly acc: Int32Array;
  readonly inputAt: number;
  readonly accAt: number;

  constructor(m: WebAssembly.Module, weightCount: number, inputCount: number, accCount: number) {
    this.exports = new WebAssembly.Instance(m).exports as unknown as ConvExports;
    // Regions 16-byte aligned: weights, then input, then accumulators.
    const align = (n: number) => Math.ceil(n / 16) * 16;
    this.inputAt = align(weightCount * 2);
    this.accAt = this.inputAt + align(inputCount * 2);
    const bytes = this.accAt + accCount * 4;
    const have = this.exports.memory.buffer.byteLength;
    if (bytes > have) this.exports.memory.grow(Math.ceil((bytes - have) / PAGE));
    const buf = this.exports.memory.buffer;
    this.weights = new Int16Array(buf, 0, weightCount);
    this.input = new Int16Array(buf, this.inputAt, inputCount);
    this.acc = new Int32Array(buf, this.accAt, accCount);
  }
}

function instanceFor(weightCount: number, inputCount: number, accCount: number): Instance | null {
  const m = module();
  if (!m || (weightCount + inputCount) * 2 + accCount * 4 > MAX_BYTES) return null;
  return new Instance(m, weightCount, inputCount, accCount);
}

/**
 * Writes batch b of `input` (NHWC, inC channels) plus `offset` into the padded int16 image;
 * with a depth multiplier dm > 1 each input channel ic fills channels [ic * dm, ic * dm + dm)
 * (depthwise). Padding and channels past inC * dm are never written and stay zero.
 */
function packInput(
  s: ConvShape,
  p: Padded,
  input: ArrayLike<number>,
  offset: number,
  dm: number,
  dst: Int16Array,
): void {
  const { inH, inW, inC } = s;
  let src = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let y = 0; y < inH; y++) {
      let d = ((b * p.hp + y + s.padH) * p.wp + s.padW) * p.cp;
      for (let x = 0; x < inW; x++) {
        if (dm === 1) for (let c = 0; c < inC; c++) dst[d + c] = input[src++] + offset;
        else
          for (let c = 0; c < inC; c++) {
            const v = input[src++] + offset;
            for (let m = 0; m < dm; m++) dst[d + c * dm + m] = v;
          }
        d += p.cp;
      }
    }
  }
}

/**
 * output[pixel][oc] = clamp(mbqm((acc + bias) | 0, multiplier[oc], shift[oc]) + offset): the
 * reference kernels' int32-accumulator requantization. acc holds the exact sum modulo 2^32 and
 * bias is an integer, so (acc + bias) | 0 equals the reference's (exact sum + bias) | 0.
 */
function requantize(
  acc: Int32Array,
  stride: number,
  pixels: number,
  channels: number,
  bias: Float64Array | null,
  q: Requant,
  output: Int8Array | Uint8Array | Int16Array,
): void {
  const { multipliers, shifts, outputOffset, actMin, actMax } = q;
  let o = 0;
  for (let px = 0; px < pixels; px++) {
    const a0 = px * stride;
    for (let oc = 0; oc < channels; oc++) {
      const a = bias !== null ? (acc[a0 + oc] + bias[oc]) | 0 : acc[a0 + oc];
      output[o++] = clampInt(mbqm(a, multipliers[oc], shifts[oc]) + outputOffset, actMin, actMax);
    }
  }
}

type IntArray = Int8Array | Uint8Array | Int16Array;

/** An integer convolution ready to run: eval(input, output) with bias and requantization fixed. */
export type IntConvEval = (input: IntArray, output: IntArray) => void;

/**
 * CONV_2D (one group) with int32 accumulators: `filter` [outC][kH][kW][kC] plus `filterOffset`,
 * packed once. Null when the SIMD module is unavailable or the operator too large.
 */
export function prepareConvSimd(
  s: ConvShape,
  filter: ArrayLike<number>,
  filterOffset: number,
  inputOffset: number,
  bias: Float64Array | null,
  q: Requant,
): IntConvEval | null {
  const p = paddedOf(s, s.inC);
  const blocks = Math.ceil(s.outC / 4);
  const taps = s.kH * s.kW;
  const pixels = s.outH * s.outW;
  const inst = instanceFor(blocks * 4 * taps * p.cp, s.batches * p.hp * p.wp * p.cp, pixels * blocks * 4);
  if (!inst) return null;
  // [out_c / 4][kH][kW][cp / 8][4][8]
  const w = inst.weights;
  for (let oc = 0; oc < s.outC; oc++) {
    const ob = oc >> 2;
    const lane = oc & 3;
    for (let t = 0; t < taps; t++)
      for (let c = 0; c < s.kC; c++) {
        const at = (((ob * taps + t) * (p.cp >> 3) + (c >> 3)) * 4 + lane) * 8 + (c & 7);
        w[at] = filter[(oc * taps + t) * s.kC + c] + filterOffset;
      }
  }
  const imageBytes = p.hp * p.wp * p.cp * 2;
  return (input, output) => {
    packInput(s, p, input, inputOffset, 1, inst.input);
    const perBatch = pixels * s.outC;
    for (let b = 0; b < s.batches; b++) {
      inst.exports.conv(
        inst.inputAt + b * imageBytes,
        0,
        inst.accAt,
        s.outH,
        s.outW,
        s.strideH,
        s.strideW,
        s.dilationH,
        s.dilationW,
        s.kH,
        s.kW,
        p.cp,
        p.wp,
        blocks,
      );
      const out = output.subarray(b * perBatch, (b + 1) * perBatch);
      requantize(inst.acc, blocks * 4, pixels, s.outC, bias, q, out);
    }
  };
}

/**
 * DEPTHWISE_CONV_2D with int32 accumulators: `filter` [1][kH][kW][outC] plus `filterOffset`,
 * input channel ic feeding outputs [ic * dm, ic * dm + dm). Null as for prepareConvSimd.
 */
export function prepareDepthwiseSimd(
  s: ConvShape,
  depthMultiplier: number,
  filter: ArrayLike<number>,
  filterOffset: number,
  inputOffset: number,
  bias: Float64Array | null,
  q: Requant,
): IntConvEval | null {
  const p = paddedOf(s, s.outC);
  const taps = s.kH * s.kW;
  const pixels = s.outH * s.outW;
  const inst = instanceFor(taps * p.cp, s.batches * p.hp * p.wp * p.cp, pixels * p.cp);
  if (!inst) return null;
  for (let t = 0; t < taps; t++)
    for (let c = 0; c < s.outC; c++) inst.weights[t * p.cp + c] = filter[t * s.outC + c] + filterOffset;
  const imageBytes = p.hp * p.wp * p.cp * 2;
  return (input, output) => {
    packInput(s, p, input, inputOffset, depthMultiplier, inst.input);
    const perBatch = pixels * s.outC;
    for (let b = 0; b < s.batches; b++) {
      inst.exports.dw(
        inst.inputAt + b * imageBytes,
        0,
        inst.accAt,
        s.outH,
        s.outW,
        s.strideH,
        s.strideW,
        s.dilationH,
        s.dilationW,
        s.kH,
        s.kW,
        p.cp,
        p.wp,
      );
      const out = output.subarray(b * perBatch, (b + 1) * perBatch);
      requantize(inst.acc, p.cp, pixels, s.outC, bias, q, out);
    }
  };
}

/**
 * FULLY_CONNECTED with int32 accumulators, as a 1x1 convolution over a [1, batches] image of
 * `depth` channels: `weights` [units][depth] plus `filterOffset`. Null as for prepareConvSimd.
 */
export function prepareFullyConnectedSimd(
  batches: number,
  units: number,
  depth: number,
  weights: ArrayLike<number>,
  filterOffset: number,
  inputOffset: number,
  bias: Float64Array | null,
  q: Requant,
): IntConvEval | null {
  const s: ConvShape = {
    batches: 1,
    inH: 1,
    inW: batches,
    inC: depth,
    outH: 1,
    outW: batches,
    outC: units,
    kH: 1,
    kW: 1,
    kC: depth,
    strideH: 1,
    strideW: 1,
    dilationH: 1,
    dilationW: 1,
    padH: 0,
    padW: 0,
  };
  return prepareConvSimd(s, weights, filterOffset, inputOffset, bias, q);
}
