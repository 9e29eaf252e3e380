/**
 * The integer DEPTHWISE_CONV_2D loop (float32-held integers, interior windows without bounds
 * checks, clampInt) against a plain per-output reference, bit for bit, on random geometries with
 * padding, strides, dilation, depth multipliers and batches: int8, uint8 and 16x8 (int64).
 */
import { describe, expect, it } from 'vitest';
import { multiplyByQuantizedMultiplier } from '../../quant/math';
import { intArray, intRange, randomConvRequant } from '../../../../test/support/int-conv-case';
import { depthwiseIntScratch, depthwiseQuant, type DepthwiseShape } from './depthwise_conv_2d';

let seed = 271828;
const rnd = () => (seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

function refMbqm64(a: number, m: number, shift: number): number {
  const reduced = m < 0x7fff0000 ? (m + 32768) >> 16 : 0x7fff;
  const ts = BigInt(15 - shift);
  return Number((BigInt(a) * BigInt(reduced) + (1n << (ts - 1n))) >> ts);
}

describe('integer DEPTHWISE_CONV_2D equals the per-output reference', () => {
  it('int8, uint8 and 16x8 on random geometries', () => {
    let interior = 0;
    for (let k = 0; k < 400; k++) {
      const kind = (['int8', 'uint8', 'int16'] as const)[k % 3];
      const inC = int(1, 6);
      const dm = int(1, 3);
      const s: DepthwiseShape = {
        batches: int(1, 2),
        inH: int(1, 10),
        inW: int(1, 10),
        inC,
        outC: inC * dm,
        kH: int(1, 3),
        kW: int(1, 3),
        kC: 1,
        strideH: int(1, 2),
        strideW: int(1, 2),
        dilationH: int(1, 2),
        dilationW: int(1, 2),
        padH: int(0, 2),
        padW: int(0, 2),
        outH: int(1, 6),
        outW: int(1, 6),
        depthMultiplier: dm,
      };
      const [qmin, qmax] = intRange(kind);
      const n = s.batches * s.inH * s.inW * s.inC;
      const input = intArray(kind, n);
      for (let i = 0; i < n; i++) input[i] = int(qmin, qmax);
      const filterOffset = kind === 'uint8' ? -int(0, 255) : 0;
      const raw = Array.from({ length: s.kH * s.kW * s.outC }, () =>
        kind === 'uint8' ? int(0, 255) : int(-127, 127),
      );
      const { q, bias } = randomConvRequant(int, kind, s.outC, filterOffset, k);
      const int64 = kind === 'int16';
      const want: number[] = [];
      for (let b = 0; b < s.batches; b++)
        for (let oy = 0; oy < s.outH; oy++)
          for (let ox = 0; ox < s.outW; ox++) {
            const y0 = oy * s.strideH - s.padH;
            const x0 = ox * s.strideW - s.padW;
            if (
              y0 >= 0 &&
              x0 >= 0 &&
              y0 + (s.kH - 1) * s.dilationH < s.inH &&
              x0 + (s.kW - 1) * s.dilationW < s.inW
            )
              interior++;
            for (let oc = 0; oc < s.outC; oc++) {
              let acc = 0;
              for (let fy = 0; fy < s.kH; fy++)
                for (let fx = 0; fx < s.kW; fx++) {
                  const iy = y0 + fy * s.dilationH;
                  const ix = x0 + fx * s.dilationW;
                  if (iy < 0 || ix < 0 || iy >= s.inH || ix >= s.inW) continue;
                  const x =
                    input[((b * s.inH + iy) * s.inW + ix) * s.inC + Math.floor(oc / dm)] + q.inputOffset;
                  acc += (raw[(fy * s.kW + fx) * s.outC + oc] + filterOffset) * x;
                }
              if (bias) acc += bias[oc];
              let v = int64
                ? refMbqm64(acc, q.multipliers[oc], q.shifts[oc])
                : multiplyByQuantizedMultiplier(acc | 0, q.multipliers[oc], q.shifts[oc]);
              v += q.outputOffset;
              want.push(v < q.actMin ? q.actMin : v > q.actMax ? q.actMax : v);
            }
          }
      const out =
        kind === 'int8'
          ? new Int8Array(want.length)
          : kind === 'uint8'
            ? new Uint8Array(want.length)
            : new Int16Array(want.length);
      const weights = Float32Array.from(raw, (w) => w + filterOffset);
      depthwiseQuant(s, input, weights, bias, out, q, int64, depthwiseIntScratch(s));
      for (let i = 0; i < want.length; i++)
        if (out[i] !== want[i])
          throw new Error(`case ${k} (${kind}) output ${i}: ${out[i]}, reference ${want[i]}`);
    }
    expect(interior).toBeGreaterThan(1000);
  });
});
