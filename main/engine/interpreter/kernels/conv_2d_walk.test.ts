/**
 * The CONV_2D walks (tap-major weights, zero-input skipping, float32-held integers) against
 * the straightforward per-channel loop they replaced, bit for bit, on random geometries with
 * padding, strides, dilation, groups and batches: float (including non-finite weights and
 * signed zeros), int8/uint8/16x8 (int32 and int64 accumulators) and hybrid.
 */
import { describe, expect, it } from 'vitest';
import { multiplyByQuantizedMultiplier } from '../../quant/math';
import type { ConvShape } from './common/conv';
import { conv2dFloat, conv2dHybrid, conv2dQuantWide, tapMajorWeights } from './conv_2d';
import { conv2dQuant, convIntScratch } from './common/conv-2d-int';
import type { ConvQuant } from './common/conv';
import { intArray, intRange, randomConvRequant } from '../../../../test/support/int-conv-case';
import { asymmetricQuantizeFloats, symmetricQuantizeFloats } from './common/hybrid';

let seed = 424242;
const rnd = () => (seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

/** The reference walk: for each output pixel and channel, sum in-image taps in (fy, fx, c) order. */
function refWalk(
  s: ConvShape,
  input: ArrayLike<number>,
  filter: ArrayLike<number>,
  finish: (acc: number, oc: number, b: number) => number,
): number[] {
  const perGroup = s.outC / (s.inC / s.kC);
  const out: number[] = [];
  for (let b = 0; b < s.batches; b++)
    for (let oy = 0; oy < s.outH; oy++)
      for (let ox = 0; ox < s.outW; ox++)
        for (let oc = 0; oc < s.outC; oc++) {
          const cBase = Math.floor(oc / perGroup) * s.kC;
          let acc = 0;
          for (let fy = 0; fy < s.kH; fy++) {
            const iy = oy * s.strideH - s.padH + s.dilationH * fy;
            if (iy < 0 || iy >= s.inH) continue;
            for (let fx = 0; fx < s.kW; fx++) {
              const ix = ox * s.strideW - s.padW + s.dilationW * fx;
              if (ix < 0 || ix >= s.inW) continue;
              const ib = ((b * s.inH + iy) * s.inW + ix) * s.inC + cBase;
              const fb = ((oc * s.kH + fy) * s.kW + fx) * s.kC;
              for (let c = 0; c < s.kC; c++) acc += filter[fb + c] * input[ib + c];
            }
          }
          out.push(finish(acc, oc, b));
        }
  return out;
}

function randomShape(): ConvShape {
  const kC = int(1, 3);
  const groups = int(1, 2);
  const s = {
    batches: int(1, 2),
    inH: int(1, 7),
    inW: int(1, 7),
    inC: kC * groups,
    outC: groups * int(1, 9), // four-channel blocks of the integer path and their remainders
    kH: int(1, 3),
    kW: int(1, 3),
    kC,
    strideH: int(1, 2),
    strideW: int(1, 2),
    dilationH: int(1, 2),
    dilationW: int(1, 2),
    padH: int(0, 2),
    padW: int(0, 2),
    outH: 0,
    outW: 0,
  };
  s.outH = int(1, 5);
  s.outW = int(1, 5);
  return s;
}

const size = (s: ConvShape) => s.batches * s.inH * s.inW * s.inC;
const wsize = (s: ConvShape) => s.outC * s.kH * s.kW * s.kC;
const scratch = (s: ConvShape) => ({
  shifted: new Float32Array(size(s)),
  acc: new Float64Array(s.outC),
});

function sameBits(got: ArrayLike<number>, want: number[]) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`element ${i}: got ${got[i]}, reference ${want[i]}`);
  }
}

describe('CONV_2D walks equal the per-channel reference loop bit for bit', () => {
  it('float32, with signed zeros and non-finite weights on padded borders', () => {
    for (let k = 0; k < 400; k++) {
      const s = randomShape();
      const input = Float32Array.from({ length: size(s) }, () =>
        rnd() < 0.2 ? (rnd() < 0.5 ? 0 : -0) : Math.fround((rnd() - 0.5) * 10),
      );
      const special = [Infinity, -Infinity, NaN, -0];
      const filter = Float32Array.from({ length: wsize(s) }, () =>
        k % 4 === 0 && rnd() < 0.1 ? special[int(0, 3)] : Math.fround((rnd() - 0.5) * 4),
      );
      const bias = k % 3 === 0 ? null : Float64Array.from({ length: s.outC }, () => Math.fround(rnd() - 0.5));
      const [lo, hi] = k % 2 ? [0, 6] : [-Infinity, Infinity];
      const want = refWalk(s, input, filter, (acc, oc) => {
        const v = bias ? acc + bias[oc] : acc;
        return Math.fround(v < lo ? lo : v > hi ? hi : v);
      });
      const out = new Float32Array(want.length);
      const tapMajor = tapMajorWeights(s, filter, 0, new Float32Array(filter.length));
      conv2dFloat(s, input, tapMajor, bias, out, lo, hi, scratch(s).acc);
      sameBits(out, want);
    }
  });

  it('int8, uint8 and 16x8 (int32 and int64 accumulators)', () => {
    for (let k = 0; k < 600; k++) {
      const s = randomShape();
      const kind = (['int8', 'uint8', 'int16'] as const)[k % 3];
      const int64 = kind === 'int16' && k % 2 === 0;
      const [qmin, qmax] = intRange(kind);
      const n = size(s);
      const input = intArray(kind, n);
      for (let i = 0; i < n; i++)
        input[i] = rnd() < 0.3 ? (kind === 'uint8' ? 0 : int(-2, 2)) : int(qmin, qmax);
      const raw = kind === 'uint8' ? new Uint8Array(wsize(s)) : new Int8Array(wsize(s));
      for (let i = 0; i < raw.length; i++) raw[i] = kind === 'uint8' ? int(0, 255) : int(-127, 127);
      const filterOffset = kind === 'uint8' ? -int(0, 255) : 0;
      const { q, bias } = randomConvRequant(int, kind, s.outC, filterOffset, k);
      const weights = Float32Array.from(raw, (w) => w + filterOffset);
      const shifted = Array.from(input, (x) => x + q.inputOffset);
      const want = refWalk(s, shifted, weights, (acc, oc) => {
        const a = bias ? acc + bias[oc] : acc;
        let v: number;
        if (int64) {
          // The int64 formula in BigInt (TFLite's MultiplyByQuantizedMultiplier(int64_t, ...)).
          const m = q.multipliers[oc];
          const reduced = m < 0x7fff0000 ? (m + 32768) >> 16 : 0x7fff;
          const ts = BigInt(15 - q.shifts[oc]);
          v = Number((BigInt(a) * BigInt(reduced) + (1n << (ts - 1n))) >> ts);
        } else v = multiplyByQuantizedMultiplier(a | 0, q.multipliers[oc], q.shifts[oc]);
        v += q.outputOffset;
        return v < q.actMin ? q.actMin : v > q.actMax ? q.actMax : v;
      });
      const out =
        kind === 'int8'
          ? new Int8Array(want.length)
          : kind === 'uint8'
            ? new Uint8Array(want.length)
            : new Int16Array(want.length);
      const tapMajor = tapMajorWeights(s, raw, filterOffset, new Float32Array(raw.length));
      if (int64)
        conv2dQuantWide(
          s,
          input as Int16Array,
          tapMajor,
          bias,
          out as Int16Array,
          q,
          new Float32Array(size(s)),
          new Float64Array(s.outC),
        );
      else conv2dQuant(s, input, tapMajor, bias, out, q, convIntScratch(s));
      sameBits(out, want);
    }
  });

  it('int8 on larger images: interior windows, all-zero windows, four-channel blocks', () => {
    let interior = 0;
    let zeroWindows = 0;
    for (let k = 0; k < 150; k++) {
      const s = randomShape();
      s.inH = int(5, 12);
      s.inW = int(5, 12);
      // Consistent geometry: SAME-like padding, the outputs a stride walk gives.
      s.padH = int(0, 1);
      s.padW = int(0, 1);
      s.outH = Math.floor((s.inH + 2 * s.padH - (s.kH - 1) * s.dilationH - 1) / s.strideH) + 1;
      s.outW = Math.floor((s.inW + 2 * s.padW - (s.kW - 1) * s.dilationW - 1) / s.strideW) + 1;
      const inputOffset = int(-127, 128);
      // Mostly the zero point (a zero after the offset) in blobs, as background or ReLU zeros are.
      const input = Int8Array.from({ length: size(s) }, (_, i) =>
        (i >> 3) % 3 === 0 ? int(-128, 127) : -inputOffset,
      );
      const raw = Int8Array.from({ length: wsize(s) }, () => int(-127, 127));
      const q: ConvQuant = {
        inputOffset,
        filterOffset: 0,
        outputOffset: int(-128, 127),
        multipliers: Int32Array.from({ length: s.outC }, () => int(1073741824, 2147483647)),
        shifts: Int32Array.from({ length: s.outC }, () => int(-12, 0)),
        actMin: k % 2 ? -128 : int(-128, 0),
        actMax: 127,
      };
      const bias = k % 4 === 0 ? null : Float64Array.from({ length: s.outC }, () => int(-5000, 5000));
      const shifted = Array.from(input, (x) => x + inputOffset);
      const want = refWalk(s, shifted, raw, (acc, oc) => {
        const a = bias ? acc + bias[oc] : acc;
        const v = multiplyByQuantizedMultiplier(a | 0, q.multipliers[oc], q.shifts[oc]) + q.outputOffset;
        return v < q.actMin ? q.actMin : v > q.actMax ? q.actMax : v;
      });
      for (let oy = 0; oy < s.outH; oy++)
        for (let ox = 0; ox < s.outW; ox++) {
          const y0 = oy * s.strideH - s.padH;
          const x0 = ox * s.strideW - s.padW;
          const inside =
            y0 >= 0 &&
            x0 >= 0 &&
            y0 + (s.kH - 1) * s.dilationH < s.inH &&
            x0 + (s.kW - 1) * s.dilationW < s.inW;
          if (inside) interior++;
          let allZero = true;
          for (let fy = 0; fy < s.kH; fy++)
            for (let fx = 0; fx < s.kW; fx++) {
              const iy = y0 + fy * s.dilationH;
              const ix = x0 + fx * s.dilationW;
              if (iy < 0 || ix < 0 || iy >= s.inH || ix >= s.inW) continue;
              for (let c = 0; c < s.inC; c++)
                if (shifted[(iy * s.inW + ix) * s.inC + c] !== 0) allZero = false;
            }
          if (allZero) zeroWindows++;
        }
      const out = new Int8Array(want.length);
      const tapMajor = tapMajorWeights(s, raw, 0, new Float32Array(raw.length));
      conv2dQuant(s, input, tapMajor, bias, out, q, convIntScratch(s));
      sameBits(out, want);
    }
    expect(interior).toBeGreaterThan(1000);
    expect(zeroWindows).toBeGreaterThan(100);
  });

  it('hybrid (float input, int8 weights), per-channel and per-tensor', () => {
    const f32 = Math.fround;
    for (let k = 0; k < 300; k++) {
      const s = randomShape();
      const perChannel = k % 2 === 0;
      const input = Float32Array.from({ length: size(s) }, () => (rnd() < 0.2 ? 0 : f32((rnd() - 0.3) * 8)));
      const filter = Int8Array.from({ length: wsize(s) }, () => int(-127, 127));
      const scales = Float32Array.from({ length: s.outC }, () => f32(0.001 + rnd() / 50));
      const bias = k % 3 === 0 ? null : Float64Array.from({ length: s.outC }, () => f32(rnd() - 0.5));
      // Reference: quantize each batch as the kernel does, then the plain walk.
      const batch = s.inH * s.inW * s.inC;
      const q8 = new Int8Array(size(s));
      const params: { scale: number; zp: number }[] = [];
      for (let b = 0; b < s.batches; b++) {
        if (perChannel) {
          const r = asymmetricQuantizeFloats(input, b * batch, batch, q8);
          params.push({ scale: r.scale, zp: r.offset });
        } else {
          params.push({
            scale: f32(symmetricQuantizeFloats(input, b * batch, batch, q8) * scales[0]),
            zp: 0,
          });
        }
      }
      const centered = Array.from(q8, (v, i) => v - params[Math.floor(i / batch)].zp);
      const want = refWalk(s, centered, filter, (acc, oc, b) => {
        const a = acc | 0;
        let v: number;
        if (perChannel) {
          v = f32(f32(a * scales[oc]) * params[b].scale);
          if (bias) v = f32(v + bias[oc]);
        } else {
          v = f32(a * params[b].scale);
          if (bias) v = f32(bias[oc] + v);
        }
        return v;
      });
      const out = new Float32Array(want.length);
      const sc = scratch(s);
      conv2dHybrid(
        s,
        input,
        tapMajorWeights(s, filter, 0, new Float32Array(filter.length)),
        scales,
        perChannel,
        bias,
        out,
        -Infinity,
        Infinity,
        new Int8Array(size(s)),
        sc.shifted,
        sc.acc,
      );
      sameBits(out, want);
    }
  });
});
