// Issue 3: input file parsing for `lowbit run` — .npy v1/v2/v3, .csv, raw .bin; every malformed
// or truncated file gives a domain error naming the file and the problem.
import { describe, expect, it } from 'vitest';
import { DatasetError, ShapeMismatchError } from '../errors';
import { decodeTensorFile, parseBin, parseCsv, parseNpy } from './tensor-files';

function npy(
  version: 1 | 2 | 3,
  descr: string,
  shape: string,
  data: Uint8Array,
  fortran = 'False',
): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const header = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  out.set(data, total);
  return out;
}

const le = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('parseNpy', () => {
  it('reads v1, v2 and v3 headers with C-order little-endian data', () => {
    const f = new Float32Array([1.5, -2, 3.25, 0, 7, 8]);
    for (const v of [1, 2, 3] as const) {
      const r = parseNpy(npy(v, '<f4', '(2, 3)', le(f)));
      expect(r.dtype).toBe('float32');
      expect(r.shape).toEqual([2, 3]);
      expect(Array.from(r.data as Float32Array)).toEqual([1.5, -2, 3.25, 0, 7, 8]);
    }
    const i8 = parseNpy(npy(1, '|i1', '(3,)', Uint8Array.from([0xff, 0x80, 0x7f])));
    expect(Array.from(i8.data as Int8Array)).toEqual([-1, -128, 127]);
    expect(parseNpy(npy(1, '<i2', '()', le(new Int16Array([-300])))).shape).toEqual([]);
  });

  it('refuses bad magic, unknown versions, big-endian, Fortran order and truncated data', () => {
    const ok = npy(1, '<f4', '(2,)', le(new Float32Array([1, 2])));
    expect(() => parseNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 'a.npy')).toThrow(
      /a\.npy: not a \.npy/,
    );
    const v9 = ok.slice();
    v9[6] = 9;
    expect(() => parseNpy(v9)).toThrow(/format version 9/);
    expect(() => parseNpy(npy(1, '>f4', '(2,)', new Uint8Array(8)))).toThrow(/big-endian/);
    expect(() => parseNpy(npy(1, '<f4', '(2, 2)', new Uint8Array(16), 'True'))).toThrow(/Fortran/);
    expect(() => parseNpy(ok.subarray(0, ok.length - 1), 'x.npy')).toThrow(
      /x\.npy: truncated.*needs 8 bytes.*has 7/,
    );
    expect(() => parseNpy(ok.subarray(0, 20))).toThrow(DatasetError);
    expect(() => parseNpy(npy(1, '<c8', '(1,)', new Uint8Array(8)))).toThrow(/unsupported \.npy dtype/);
  });
});

describe('parseCsv / parseBin / decodeTensorFile', () => {
  it('parses comma and whitespace separated values with range checks', () => {
    expect(Array.from(parseCsv('1,2, 3\n-4\t5\n', 'int16') as Int16Array)).toEqual([1, 2, 3, -4, 5]);
    expect(Array.from(parseCsv('0.5 -1e-3', 'float32') as Float32Array)).toEqual([0.5, Math.fround(-1e-3)]);
    expect(() => parseCsv('1,abc', 'int8', 'g.csv')).toThrow(/g\.csv: value 2 is not a number/);
    expect(() => parseCsv('128', 'int8')).toThrow(/does not fit int8/);
    expect(() => parseCsv('1.5', 'int32')).toThrow(/does not fit int32/);
  });

  it('raw bytes must be a whole number of elements', () => {
    expect(Array.from(parseBin(le(new Int16Array([7, -7])), 'int16') as Int16Array)).toEqual([7, -7]);
    expect(() => parseBin(new Uint8Array(3), 'int16', 'in.bin')).toThrow(
      /in\.bin: 3 bytes is not a whole number of int16/,
    );
  });

  it('checks the element count and the .npy dtype against the tensor', () => {
    expect(() => decodeTensorFile('a.csv', new TextEncoder().encode('1,2,3'), 'float32', [1, 2])).toThrow(
      ShapeMismatchError,
    );
    const f = npy(1, '<f8', '(2,)', le(new Float64Array([1, 2])));
    expect(() => decodeTensorFile('b.npy', f, 'float32', [2])).toThrow(
      /b\.npy: \.npy dtype is float64, the tensor is float32/,
    );
    expect(
      Array.from(decodeTensorFile('c.dat', le(new Float32Array([4, 5])), 'float32', [2]) as Float32Array),
    ).toEqual([4, 5]);
  });
});
