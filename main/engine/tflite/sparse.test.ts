import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../errors';
import {
  DimensionMetadataT,
  DimensionType,
  Int32VectorT,
  SparseIndexVector,
  SparsityParametersT,
  Uint8VectorT,
} from './generated/tflite';
import { decodeSparse, encodeSparse } from './sparse';
import { mulberry32 as seededRandom } from '../../../test/support/random';

const f32bytes = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

/** A SPARSE_CSR dimension with its segments and indices stored as int32 or uint8 vectors. */
function csrDimension(vector: 'int32' | 'uint8', segments: number[], indices: number[]): DimensionMetadataT {
  const type = vector === 'int32' ? SparseIndexVector.Int32Vector : SparseIndexVector.Uint8Vector;
  const of = (v: number[]) => (vector === 'int32' ? new Int32VectorT(v) : new Uint8VectorT(v));
  return new DimensionMetadataT(DimensionType.SPARSE_CSR, 0, type, of(segments), type, of(indices));
}

describe('encodeSparse', () => {
  it('writes the converter layout: DENSE rows, SPARSE_CSR columns, non-zeros in row-major order', () => {
    const dense = [0, 1, 0, 2, 0, 0, 0, 0, 3, 0, 4, 5];
    const enc = encodeSparse(f32bytes(dense), [3, 4], 4);
    expect(enc.sparsity.traversalOrder).toEqual([0, 1]);
    expect(enc.sparsity.blockMap).toEqual([]);
    const [d0, d1] = enc.sparsity.dimMetadata;
    expect(d0.format).toBe(DimensionType.DENSE);
    expect(d0.denseSize).toBe(3);
    expect(d1.format).toBe(DimensionType.SPARSE_CSR);
    expect(d1.arraySegmentsType).toBe(SparseIndexVector.Uint8Vector);
    expect(d1.arraySegments!.values).toEqual([0, 2, 2, 5]);
    expect(d1.arrayIndices!.values).toEqual([1, 3, 0, 2, 3]);
    expect(Array.from(new Float32Array(enc.values.slice().buffer))).toEqual([1, 2, 3, 4, 5]);
    expect(decodeSparse(enc.sparsity, enc.values, [3, 4], 4)).toEqual(f32bytes(dense));
  });

  it('round-trips a random rank-4 int8 tensor exactly and picks uint16 indices past 255', () => {
    const shape = [3, 2, 2, 300];
    const n = 3 * 2 * 2 * 300;
    const dense = new Uint8Array(n);
    for (let i = 0; i < n; i++) dense[i] = i % 3 === 0 ? (i * 37) & 0xff : 0;
    const enc = encodeSparse(dense, shape, 1);
    const last = enc.sparsity.dimMetadata[3];
    expect(last.arrayIndicesType).toBe(SparseIndexVector.Uint16Vector);
    expect(enc.sparsity.dimMetadata.slice(0, 3).map((d) => d.denseSize)).toEqual([3, 2, 2]);
    expect(enc.values.length).toBe(dense.filter((v) => v !== 0).length);
    expect(decodeSparse(enc.sparsity, enc.values, shape, 1)).toEqual(dense);
  });

  it('keeps -0.0 (non-zero bytes) so the dense twin is bit-identical', () => {
    const enc = encodeSparse(f32bytes([-0, 0, 1, 0]), [2, 2], 4);
    expect(enc.values.length).toBe(8);
    expect(decodeSparse(enc.sparsity, enc.values, [2, 2], 4)).toEqual(f32bytes([-0, 0, 1, 0]));
  });
});

describe('decodeSparse', () => {
  it("decodes TFLite's block-sparse example (4x4, 2x2 blocks, blocks in CSR)", () => {
    // Dense [[1,0,2,3],[0,4,5,6],[0,0,0,0],[0,0,7,8]] as in tensorflow/lite/testdata/sparse_tensor.json:
    // block rows DENSE(2), block cols CSR (segments [0,2,3], indices [0,1,1]), 2x2 blocks DENSE.
    const p = new SparsityParametersT(
      [0, 1, 2, 3],
      [0, 1],
      [
        new DimensionMetadataT(DimensionType.DENSE, 2),
        csrDimension('int32', [0, 2, 3], [0, 1, 1]),
        new DimensionMetadataT(DimensionType.DENSE, 2),
        new DimensionMetadataT(DimensionType.DENSE, 2),
      ],
    );
    const values = f32bytes([1, 0, 0, 4, 2, 3, 5, 6, 0, 0, 7, 8]);
    const out = new Float32Array(decodeSparse(p, values, [4, 4], 4).buffer);
    expect(Array.from(out)).toEqual([1, 0, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 7, 8]);
  });

  it('honours a column-major traversal order', () => {
    // Columns first: column 0 holds rows {1}, column 1 holds rows {0}.
    const p = new SparsityParametersT(
      [1, 0],
      [],
      [new DimensionMetadataT(DimensionType.DENSE, 2), csrDimension('uint8', [0, 1, 2], [1, 0])],
    );
    expect(Array.from(decodeSparse(p, new Uint8Array([7, 9]), [2, 2], 1))).toEqual([0, 9, 7, 0]);
  });

  it('rejects untrusted metadata with ModelFormatError instead of reading out of range', () => {
    const good = encodeSparse(new Uint8Array([1, 0, 0, 2]), [2, 2], 1);
    const tamper = (f: (p: SparsityParametersT) => void) => {
      const p = encodeSparse(new Uint8Array([1, 0, 0, 2]), [2, 2], 1).sparsity;
      f(p);
      return () => decodeSparse(p, good.values, [2, 2], 1);
    };
    expect(tamper((p) => (p.dimMetadata[1].arrayIndices!.values[0] = 5))).toThrow(ModelFormatError);
    expect(tamper((p) => (p.dimMetadata[1].arraySegments!.values = [0, 2, 1]))).toThrow(ModelFormatError);
    expect(tamper((p) => (p.dimMetadata[1].arraySegments!.values = [0]))).toThrow(ModelFormatError);
    expect(tamper((p) => (p.traversalOrder = [0, 0]))).toThrow(ModelFormatError);
    expect(tamper((p) => (p.dimMetadata[0].denseSize = 3))).toThrow(ModelFormatError);
    expect(tamper((p) => (p.dimMetadata[1].arrayIndices = null))).toThrow(ModelFormatError);
    expect(() => decodeSparse(good.sparsity, new Uint8Array([1]), [2, 2], 1)).toThrow(
      /more stored positions/,
    );
    expect(() => decodeSparse(good.sparsity, new Uint8Array([1, 2, 3]), [2, 2], 1)).toThrow(ModelFormatError);
  });
});

describe('decodeSparse on corrupted metadata (fuzz)', () => {
  it('either decodes or throws ModelFormatError, never anything else', () => {
    const rand = seededRandom(42);
    const dense = new Uint8Array(6 * 40);
    for (let i = 0; i < dense.length; i++) dense[i] = rand() < 0.4 ? 1 + Math.floor(rand() * 200) : 0;
    let decoded = 0;
    let rejected = 0;
    for (let trial = 0; trial < 500; trial++) {
      const enc = encodeSparse(dense, [6, 40], 1);
      const last = enc.sparsity.dimMetadata[1];
      const pick = Math.floor(rand() * 5);
      const vec = pick < 2 ? last.arraySegments!.values : last.arrayIndices!.values;
      const at = Math.floor(rand() * vec.length);
      if (pick === 4) enc.sparsity.dimMetadata[0].denseSize = Math.floor(rand() * 10);
      else if (pick === 3) vec.splice(at, 1);
      else vec[at] = Math.floor(rand() * 300) - 20;
      const shape = rand() < 0.1 ? [6, 1e9] : [6, 40];
      try {
        decodeSparse(enc.sparsity, enc.values, shape, 1);
        decoded++;
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError);
        rejected++;
      }
    }
    // Both outcomes occur (e.g. an index moved within its row still decodes).
    expect(decoded).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(100);
  });
});
