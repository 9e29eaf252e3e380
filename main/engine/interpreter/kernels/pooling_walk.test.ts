/**
 * The written-out pooling loops (pixel at a time, channels innermost, branch-free integer max and
 * clamp) against the per-element forEachWindow walk they replaced, bit for bit, on random
 * geometries with padding and strides, windows partly or wholly outside the image included:
 * MAX_POOL_2D int8/uint8/int16, AVERAGE_POOL_2D int8/uint8/int16 and float32 (signed zeros,
 * infinities and NaN included).
 */
import { describe, it } from 'vitest';
import { averagePoolFloat, averagePoolInt } from './average_pool_2d';
import { maxPoolInt } from './max_pool_2d';
import { forEachWindow, type PoolShape } from './common/pooling';
import { intArray, intRange } from '../../../../test/support/int-conv-case';

let seed = 8675309;
const rnd = () => (seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

function randomShape(): PoolShape {
  return {
    batches: int(1, 2),
    inH: int(1, 8),
    inW: int(1, 8),
    channels: int(1, 7),
    outH: int(1, 6),
    outW: int(1, 6),
    kH: int(1, 3),
    kW: int(1, 3),
    strideH: int(1, 3),
    strideW: int(1, 3),
    padH: int(0, 2),
    padW: int(0, 2),
  };
}
const size = (s: PoolShape) => s.batches * s.inH * s.inW * s.channels;
const outSize = (s: PoolShape) => s.batches * s.outH * s.outW * s.channels;
const kinds = ['int8', 'uint8', 'int16'] as const;

/** Case k of an integer test: a random shape, kind k % 3, a random input and activation minimum. */
function intCase(k: number) {
  const s = randomShape();
  const kind = kinds[k % 3];
  const [qmin, qmax] = intRange(kind);
  const input = intArray(kind, size(s));
  for (let i = 0; i < input.length; i++) input[i] = int(qmin, qmax);
  const lo = k % 2 ? qmin : int(qmin, 0);
  return { s, kind, qmin, qmax, input, lo };
}

/** The sum and count of one clipped window's taps, in forEachWindow's (y, x) order. */
function windowSum(
  s: PoolShape,
  input: ArrayLike<number>,
  b: number,
  y0: number,
  y1: number,
  x0: number,
  x1: number,
  c: number,
) {
  let sum = 0;
  let count = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      sum += input[((b * s.inH + y) * s.inW + x) * s.channels + c];
      count++;
    }
  return { sum, count };
}

function sameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string) {
  for (let i = 0; i < want.length; i++)
    if (!Object.is(got[i], want[i]))
      throw new Error(`${what} element ${i}: got ${got[i]}, reference ${want[i]}`);
}

describe('pooling loops equal the forEachWindow walk bit for bit', () => {
  it('MAX_POOL_2D integer', () => {
    for (let k = 0; k < 600; k++) {
      const { s, kind, qmin, qmax, input, lo } = intCase(k);
      const hi = k % 3 ? qmax : int(0, qmax);
      const want = intArray(kind, outSize(s));
      forEachWindow(s, (o, b, y0, y1, x0, x1, c) => {
        let m: number = qmin;
        for (let y = y0; y < y1; y++)
          for (let x = x0; x < x1; x++) {
            const v = input[((b * s.inH + y) * s.inW + x) * s.channels + c];
            if (v > m) m = v;
          }
        want[o] = m < lo ? lo : m > hi ? hi : m;
      });
      const got = intArray(kind, outSize(s));
      maxPoolInt(s, input, got, qmin, lo, hi, new Int32Array(s.channels));
      sameBits(got, want, `case ${k} (${kind})`);
    }
  });

  it('AVERAGE_POOL_2D integer', () => {
    for (let k = 0; k < 600; k++) {
      const { s, kind, qmax, input, lo } = intCase(k);
      const unsigned = kind === 'uint8';
      const want = intArray(kind, outSize(s));
      forEachWindow(s, (o, b, y0, y1, x0, x1, c) => {
        const { sum, count } = windowSum(s, input, b, y0, y1, x0, x1, c);
        let v = 0;
        if (count) {
          const half = Math.floor(count / 2);
          v = unsigned || sum > 0 ? Math.trunc((sum + half) / count) : Math.trunc((sum - half) / count);
        }
        want[o] = v < lo ? lo : v > qmax ? qmax : v;
      });
      const got = intArray(kind, outSize(s));
      averagePoolInt(s, input, got, lo, qmax, unsigned, new Float64Array(s.channels));
      sameBits(got, want, `case ${k} (${kind})`);
    }
  });

  it('AVERAGE_POOL_2D float32', () => {
    const special = [0, -0, Infinity, -Infinity, NaN];
    for (let k = 0; k < 400; k++) {
      const s = randomShape();
      const input = Float32Array.from({ length: size(s) }, () =>
        k % 4 === 0 && rnd() < 0.1 ? special[int(0, 4)] : Math.fround((rnd() - 0.5) * 100),
      );
      const [lo, hi] = k % 2 ? [0, 6] : [-Infinity, Infinity];
      const want = new Float32Array(outSize(s));
      forEachWindow(s, (o, b, y0, y1, x0, x1, c) => {
        const { sum, count } = windowSum(s, input, b, y0, y1, x0, x1, c);
        const v = count ? Math.fround(sum) / count : 0;
        want[o] = v < lo ? lo : v > hi ? hi : v;
      });
      const got = new Float32Array(outSize(s));
      averagePoolFloat(s, input, got, lo, hi, new Float64Array(s.channels));
      sameBits(got, want, `case ${k}`);
    }
  });
});
