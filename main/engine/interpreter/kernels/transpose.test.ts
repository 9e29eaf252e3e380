import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../../test/support/kernel-runner';
import { kernel, transposeData } from './transpose';

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

function transpose(shape: number[], perm: number[], dtype: 'float32' | 'int8' | 'int64' = 'float32') {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = runKernel(kernel, {
    op: 'TRANSPOSE',
    inputs: [
      { dtype, shape, data: iota(n).map((v) => (dtype === 'int8' ? (v % 256) - 128 : v)) },
      { dtype: 'int32', shape: [perm.length], data: perm },
    ],
    outputs: [{ dtype, shape: [] }],
  });
  return { shape: r.outputs[0].shape, values: Array.from(r.outputs[0].data as any, Number) };
}

/** Index-by-index reference: out[idx] = in[idx permuted back]. */
function reference(shape: number[], perm: number[]): number[] {
  const outShape = perm.map((p) => shape[p]);
  const n = shape.reduce((a, b) => a * b, 1);
  const inStr = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  for (let o = 0; o < n; o++) {
    let rem = o;
    let src = 0;
    for (let d = 0; d < outShape.length; d++) {
      const size = outShape.slice(d + 1).reduce((a, b) => a * b, 1);
      const i = Math.floor(rem / size);
      rem %= size;
      src += i * inStr[perm[d]];
    }
    out.push(src);
  }
  return out;
}

describe('TRANSPOSE', () => {
  it('2-D matrix transpose', () => {
    expect(transpose([2, 3], [1, 0])).toEqual({ shape: [3, 2], values: [0, 3, 1, 4, 2, 5] });
  });

  it('NCHW -> NHWC on a 1x2x2x3 tensor (hand-checked)', () => {
    // NCHW [1,2,2,3]: channel 0 = 0..5, channel 1 = 6..11 -> NHWC interleaves them
    expect(transpose([1, 2, 2, 3], [0, 2, 3, 1])).toEqual({
      shape: [1, 2, 3, 2],
      values: [0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11],
    });
  });

  it('6-D permutation matches an index-by-index reference', () => {
    const shape = [2, 3, 1, 2, 3, 2];
    const perm = [5, 3, 0, 4, 1, 2];
    const r = transpose(shape, perm);
    expect(r.shape).toEqual([2, 2, 2, 3, 3, 1]);
    expect(r.values).toEqual(reference(shape, perm));
  });

  it('300 random shapes and permutations (rank 1-6, short and long innermost dims) match the reference', () => {
    let seed = 97531;
    const rnd = () => (seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296;
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    let bad = 0;
    for (let k = 0; k < 300; k++) {
      const rank = int(1, 6);
      // mostly small dims, sometimes a long one (the inner loop then runs along it)
      const shape = Array.from({ length: rank }, () => (rnd() < 0.2 ? int(16, 40) : int(1, 4)));
      if (shape.reduce((x, y) => x * y, 1) > 20000) continue;
      const perm = iota(rank);
      for (let i = rank - 1; i > 0; i--) {
        const j = int(0, i);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      if (JSON.stringify(transpose(shape, perm).values) !== JSON.stringify(reference(shape, perm))) bad++;
    }
    expect(bad).toBe(0);
  });

  it('NCHW -> NHWC of a 3-channel image (the inner loop along the width) matches the reference', () => {
    const shape = [2, 3, 5, 20];
    expect(transpose(shape, [0, 2, 3, 1]).values).toEqual(reference(shape, [0, 2, 3, 1]));
  });

  it('int8 and int64 are copied unchanged', () => {
    expect(transpose([2, 2], [1, 0], 'int8').values).toEqual([-128, -126, -127, -125]);
    expect(transpose([2, 2], [1, 0], 'int64').values).toEqual([0, 2, 1, 3]);
  });

  it('identity perm and rank-0', () => {
    const out = new Float32Array(1);
    transposeData(new Float32Array([7]), [], [], out);
    expect(out[0]).toBe(7);
    expect(transpose([3], [0]).values).toEqual([0, 1, 2]);
  });

  it('rejects bad perms and rank 7', () => {
    expect(() => transpose([2, 3], [0, 0])).toThrow(/repeats/);
    expect(() => transpose([2, 3], [0, 2])).toThrow(/out of range/);
    expect(() => transpose([2, 3], [0])).toThrow(/entries/);
    expect(() => transpose([1, 1, 1, 1, 1, 1, 2], [0, 1, 2, 3, 4, 5, 6])).toThrow(/rank 7/);
  });
});
