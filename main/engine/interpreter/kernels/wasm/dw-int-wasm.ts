/**
 * 8-bit DEPTHWISE_CONV_2D (int8, uint8) whose output channels come in whole groups of eight, with
 * sums and requantization in one pass straight into the outputs: conv.wat's dw_q3 (3x3 filters:
 * taps summed in pairs with i32x4.dot_i16x8_s) or dw_q (any filter). No int32 accumulator array.
 * One instance per prepared operator, its memory laid out once: packed weights, requantization
 * parameters, the raw input, the padded int16 image (packed as for the other integer kernels:
 * pack8, pack_dm8 for depth multipliers of 8, 16, ..., pack otherwise) and the outputs.
 * Integer sums are exact whatever their order and the requantization is TFLite's arithmetic lane
 * by lane, so the outputs equal depthwiseQuant's bit for bit (dw-int-wasm.test.ts).
 */
import type { ConvShape } from '../common/conv';
import { align16, convModule, MAX_BYTES, paddedOf, PAGE, windowArgs, type ConvExports } from './conv-module';
import type { IntConvEval, Requant } from './int-conv-wasm';

/**
 * The requantization parameters of dw_q and dw_q3 (conv.wat's requant4), 128 bytes per block of
 * four channels: bias, multiplier, 2^max(shift, 0), mask = 2^e - 1 and mask >> 1 as int32 per
 * channel, 2^-e as f64 per channel, then the block's common e or -1 (e = max(-shift, 0)) and
 * whether any of its shifts is positive (1 or 0).
 */
function dwParams(v: DataView, bias: Float64Array | null, q: Requant): void {
  const channels = v.byteLength / 32;
  for (let c = 0; c < channels; c++) {
    const at = (c >> 2) * 128 + (c & 3) * 4;
    const shift = q.shifts[c];
    const e = Math.max(-shift, 0);
    v.setInt32(at, bias !== null ? bias[c] : 0, true); // wraps as (acc + bias) | 0 does
    v.setInt32(at + 16, q.multipliers[c], true);
    v.setInt32(at + 32, 2 ** Math.max(shift, 0), true);
    v.setInt32(at + 48, 2 ** e - 1, true);
    v.setInt32(at + 64, (2 ** e - 1) >>> 1, true);
    v.setFloat64((c >> 2) * 128 + 80 + (c & 3) * 8, 2 ** -e, true);
  }
  for (let blk = 0; blk < channels / 4; blk++) {
    const es = [0, 1, 2, 3].map((l) => Math.max(-q.shifts[4 * blk + l], 0));
    v.setInt32(blk * 128 + 112, es.every((x) => x === es[0]) ? es[0] : -1, true);
    const left = [0, 1, 2, 3].some((l) => q.shifts[4 * blk + l] > 0);
    v.setInt32(blk * 128 + 116, left ? 1 : 0, true); // dw_q3 multiplies by 2^shift only then
  }
}

/**
 * DEPTHWISE_CONV_2D of int8 or uint8 values: `filter` [1][kH][kW][outC] plus `filterOffset`,
 * input channel ic feeding outputs [ic * dm, ic * dm + dm). Null when outC is not a multiple of
 * eight, a shift is outside [-31, 30], the module is unavailable or the memory would exceed
 * MAX_BYTES (prepareDepthwiseSimd then takes it).
 */
export function prepareDepthwiseFusedSimd(
  kind: 'int8' | 'uint8',
  s: ConvShape,
  dm: number,
  filter: ArrayLike<number>,
  filterOffset: number,
  inputOffset: number,
  bias: Float64Array | null,
  q: Requant,
): IntConvEval | null {
  const m = convModule();
  if (!m || s.outC % 8 !== 0) return null;
  for (const sh of q.shifts) if (sh < -31 || sh > 30) return null;
  const p = paddedOf(s, s.outC, 8); // cp = outC
  const is3x3 = s.kH === 3 && s.kW === 3;
  const taps = s.kH * s.kW;
  // dw_q3: [cp / 8][5 tap pairs][2 halves][4 channels][2 taps]; dw_q: [kH][kW][cp]; int16
  const weightWords = is3x3 ? 10 * p.cp : taps * p.cp;
  const paramsAt = weightWords * 2; // a multiple of 16 (cp is a multiple of 8)
  const inputCount = s.batches * s.inH * s.inW * s.inC;
  const perBatch = s.outH * s.outW * s.outC;
  const imageBytes = p.hp * p.wp * p.cp * 2;
  const rawAt = paramsAt + (p.cp / 4) * 128;
  const imageAt = rawAt + align16(inputCount);
  const outAt = imageAt + align16(s.batches * imageBytes);
  const bytes = outAt + s.batches * perBatch;
  if (bytes > MAX_BYTES) return null;
  const e = new WebAssembly.Instance(m).exports as unknown as ConvExports;
  e.memory.grow(Math.ceil(bytes / PAGE));
  const buf = e.memory.buffer;
  const w = new Int16Array(buf, 0, weightWords);
  if (is3x3)
    for (let c = 0; c < s.outC; c++)
      for (let t = 0; t < 9; t++) {
        const at = (c >> 3) * 80 + (t >> 1) * 16 + ((c >> 2) & 1) * 8 + (c & 3) * 2 + (t & 1);
        w[at] = filter[t * s.outC + c] + filterOffset;
      }
  else
    for (let t = 0; t < taps; t++)
      for (let c = 0; c < s.outC; c++) w[t * p.cp + c] = filter[t * s.outC + c] + filterOffset;
  dwParams(new DataView(buf, paramsAt, s.outC * 32), bias, q);
  const raw =
    kind === 'int8' ? new Int8Array(buf, rawAt, inputCount) : new Uint8Array(buf, rawAt, inputCount);
  const out =
    kind === 'int8'
      ? new Int8Array(buf, outAt, s.batches * perBatch)
      : new Uint8Array(buf, outAt, s.batches * perBatch);
  const code = kind === 'int8' ? 0 : 1;
  const [a, b, c, d, f, g, h, i, j, k] = windowArgs(s, p);
  const walk = is3x3 ? e.dw_q3 : e.dw_q;
  const { outputOffset, actMin, actMax } = q;
  // The packing of the other integer kernels: pack8 widens whole rows (no depth multiplier, the
  // channels a multiple of 8), pack_dm8 splats each value (dm a multiple of 8), pack otherwise.
  const rows8 = dm === 1;
  const splat8 = dm % 8 === 0;
  const [bs, ih, iw, ic, pH, pW] = [s.batches, s.inH, s.inW, s.inC, s.padH, s.padW];
  return (input, output) => {
    raw.set(input);
    if (rows8) e.pack8(rawAt, code, imageAt, bs, ih, iw, ic, inputOffset, p.hp, p.wp, pH, pW);
    else if (splat8) e.pack_dm8(rawAt, code, imageAt, bs, ih, iw, ic, inputOffset, dm, p.hp, p.wp, pH, pW);
    else e.pack(rawAt, code, imageAt, bs, ih, iw, ic, inputOffset, dm, p.hp, p.wp, p.cp, pH, pW);
    for (let n = 0; n < bs; n++)
      walk(
        imageAt + n * imageBytes,
        0,
        outAt + n * perBatch,
        a,
        b,
        c,
        d,
        f,
        g,
        h,
        i,
        j,
        k,
        paramsAt,
        outputOffset,
        actMin,
        actMax,
      );
    output.set(out);
  };
}
