/**
 * CONV_2D's integer path with int32 accumulators (int8 per-channel, uint8 with a weight offset,
 * 16x8 with an int32 bias); the op, its checks, the float, hybrid and int64-accumulator paths are
 * in conv_2d.ts.
 *
 * Each output pixel's window is packed first: its nonzero inputs (after the input offset) and,
 * for each, the start of its tap-major weights row (weights [kh, kw, kC, out_c]). Zeros add
 * nothing to an integer sum, so they are dropped (image background and a ReLU's zeros are common).
 * The dot products then run four output channels at a time with the sums in registers, and are
 * requantized as they are finished. Integer sums are exact in doubles (|acc| < 2^53) whatever
 * their order, so this equals the per-channel loop bit for bit (conv_2d_walk.test.ts).
 */
import { clampInt, mbqm } from '../../../quant/math';
import type { ConvQuant, ConvShape } from './conv';

type IntArray = Int8Array | Uint8Array | Int16Array;

/** Scratch for conv2dQuant, allocated once in prepare. */
export interface ConvIntScratch {
  /** Input-sized: x + inputOffset, as float32-held integers. */
  shifted: Float32Array;
  /** Per window entry: the weights row start ((tap + c) * out_c) and the input value. */
  rows: Int32Array;
  vals: Float32Array;
  /** Per output channel: the output of a window whose inputs are all zero. */
  zeroOut: Int32Array;
}

export function convIntScratch(s: ConvShape): ConvIntScratch {
  const window = s.kH * s.kW * s.kC;
  return {
    shifted: new Float32Array(s.batches * s.inH * s.inW * s.inC),
    rows: new Int32Array(window),
    vals: new Float32Array(window),
    zeroOut: new Int32Array(s.outC),
  };
}

/**
 * Packs the nonzero inputs of channels [c0, c0 + kC) of the window at (b, y0, x0) into rows/vals;
 * returns their count. Taps outside the image are skipped; `inside` (every tap in the image)
 * drops the bounds checks. Branch-free on the data: every entry is written, the count advances
 * only for a nonzero value.
 */
function packWindow(
  s: ConvShape,
  input: Float32Array,
  b: number,
  y0: number,
  x0: number,
  c0: number,
  inside: boolean,
  rows: Int32Array,
  vals: Float32Array,
): number {
  const { inH, inW, inC, kH, kW, kC, outC, dilationH, dilationW } = s;
  let n = 0;
  if (inside) {
    const rowStep = dilationH * inW * inC;
    const colStep = dilationW * inC;
    let row = ((b * inH + y0) * inW + x0) * inC + c0;
    let wRow = 0;
    for (let fy = 0; fy < kH; fy++) {
      let ip = row;
      for (let fx = 0; fx < kW; fx++) {
        for (let c = 0; c < kC; c++) {
          const v = input[ip + c];
          rows[n] = wRow;
          vals[n] = v;
          n += (v | -v) >>> 31; // 1 unless v === 0 (|v| < 2^17)
          wRow += outC;
        }
        ip += colStep;
      }
      row += rowStep;
    }
    return n;
  }
  for (let fy = 0; fy < kH; fy++) {
    const iy = y0 + dilationH * fy;
    if (iy < 0 || iy >= inH) continue;
    for (let fx = 0; fx < kW; fx++) {
      const ix = x0 + dilationW * fx;
      if (ix < 0 || ix >= inW) continue;
      const ip = ((b * inH + iy) * inW + ix) * inC + c0;
      let wRow = (fy * kW + fx) * kC * outC;
      for (let c = 0; c < kC; c++) {
        const v = input[ip + c];
        rows[n] = wRow;
        vals[n] = v;
        n += (v | -v) >>> 31;
        wRow += outC;
      }
    }
  }
  return n;
}

/**
 * Integer convolution with int32 accumulators (int8, uint8, 16x8 with an int32 bias): acc =
 * sum((w + filterOffset) * (x + inputOffset)) + bias, wrapped to int32 (`| 0`) as C's int32
 * accumulator would be, requantized per output channel. (16x8 with int64 accumulators is
 * conv2dQuantWide in conv_2d.ts: a separate function keeps this one's loops free of the other
 * requantization, which V8 would otherwise compile in for every model once one 16x8 model ran.) `weights` are tap-major ([kh, kw, kC, out_c]) with the uint8 zero point
 * already removed, as float32-held integers. Writes every output.
 */
export function conv2dQuant(
  s: ConvShape,
  input: IntArray,
  weights: Float32Array,
  bias: Float64Array | null,
  output: IntArray,
  q: ConvQuant,
  sc: ConvIntScratch,
): void {
  const { inputOffset, outputOffset, multipliers, shifts, actMin, actMax } = q;
  const { shifted, rows, vals, zeroOut } = sc;
  for (let i = 0; i < input.length; i++) shifted[i] = input[i] + inputOffset;
  const { inH, inW, inC, kC, outC } = s;
  const groups = inC / kC;
  const perGroup = outC / groups;
  // The outputs of a window whose sums are all zero, computed as for any other window.
  for (let oc = 0; oc < outC; oc++) {
    const a = bias !== null ? bias[oc] : 0;
    zeroOut[oc] = clampInt(mbqm(a | 0, multipliers[oc], shifts[oc]) + outputOffset, actMin, actMax);
  }
  // A window at (y0, x0) is inside the image when y0 >= 0 and y0 + yLast < inH (same in x).
  const yLast = (s.kH - 1) * s.dilationH;
  const xLast = (s.kW - 1) * s.dilationW;
  let o = 0;
  for (let b = 0; b < s.batches; b++) {
    for (let oy = 0; oy < s.outH; oy++) {
      const y0 = oy * s.strideH - s.padH;
      const rowInside = y0 >= 0 && y0 + yLast < inH;
      for (let ox = 0; ox < s.outW; ox++) {
        const x0 = ox * s.strideW - s.padW;
        const inside = rowInside && x0 >= 0 && x0 + xLast < inW;
        for (let g = 0; g < groups; g++) {
          const n = packWindow(s, shifted, b, y0, x0, g * kC, inside, rows, vals);
          const oc1 = (g + 1) * perGroup;
          let oc = g * perGroup;
          if (n === 0) {
            for (; oc < oc1; oc++) output[o++] = zeroOut[oc];
            continue;
          }
          for (; oc + 4 <= oc1; oc += 4) {
            let a0 = 0;
            let a1 = 0;
            let a2 = 0;
            let a3 = 0;
            for (let j = 0; j < n; j++) {
              const wb = rows[j] + oc;
              const v = vals[j];
              a0 += v * weights[wb];
              a1 += v * weights[wb + 1];
              a2 += v * weights[wb + 2];
              a3 += v * weights[wb + 3];
            }
            if (bias !== null) {
              a0 += bias[oc];
              a1 += bias[oc + 1];
              a2 += bias[oc + 2];
              a3 += bias[oc + 3];
            }
            output[o] = clampInt(mbqm(a0 | 0, multipliers[oc], shifts[oc]) + outputOffset, actMin, actMax);
            output[o + 1] = clampInt(
              mbqm(a1 | 0, multipliers[oc + 1], shifts[oc + 1]) + outputOffset,
              actMin,
              actMax,
            );
            output[o + 2] = clampInt(
              mbqm(a2 | 0, multipliers[oc + 2], shifts[oc + 2]) + outputOffset,
              actMin,
              actMax,
            );
            output[o + 3] = clampInt(
              mbqm(a3 | 0, multipliers[oc + 3], shifts[oc + 3]) + outputOffset,
              actMin,
              actMax,
            );
            o += 4;
          }
          for (; oc < oc1; oc++) {
            let a = 0;
            for (let j = 0; j < n; j++) a += vals[j] * weights[rows[j] + oc];
            if (bias !== null) a += bias[oc];
            output[o++] = clampInt(mbqm(a | 0, multipliers[oc], shifts[oc]) + outputOffset, actMin, actMax);
          }
        }
      }
    }
  }
}
