// Issue 18: the zip directory reader behind .npz, on archives built byte by byte here: zip64
// sizes and offsets (NumPy's savez forces zip64 records), the entry-count limit, overlapping and
// out-of-file entries.
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors';
import { MAX_ARCHIVE_MEMBERS } from './limits';
import { readZipDirectory, readZipMember } from './zip-directory';

/** Little-endian fields: [value, bytes] pairs, bytes 2, 4 or 8. */
function fields(...f: [number, 2 | 4 | 8][]): number[] {
  const out: number[] = [];
  for (const [v, n] of f) for (let i = 0; i < n; i++) out.push(Number((BigInt(v) >> BigInt(8 * i)) & 0xffn));
  return out;
}

const NAME = [...new TextEncoder().encode('x.npy')];
const DATA = [1, 2, 3, 4, 5];

/** One stored member "x.npy" holding DATA; zip64 puts its sizes and offset in extra field 1. */
function archive(zip64: boolean): Uint8Array {
  const local = [
    ...fields([0x04034b50, 4], [20, 2], [0, 2], [0, 2], [0, 4], [0, 4]),
    ...fields([5, 4], [5, 4]),
  ];
  local.push(...fields([NAME.length, 2], [0, 2]), ...NAME, ...DATA);
  const big = 0xffffffff;
  const extra = zip64 ? fields([1, 2], [24, 2], [5, 8], [5, 8], [0, 8]) : [];
  const central = [
    ...fields([0x02014b50, 4], [45, 2], [45, 2], [0, 2], [0, 2], [0, 4], [0, 4]),
    ...fields([zip64 ? big : 5, 4], [zip64 ? big : 5, 4]),
    ...fields([NAME.length, 2], [extra.length, 2], [0, 2], [0, 2], [0, 2], [0, 4], [zip64 ? big : 0, 4]),
    ...NAME,
    ...extra,
  ];
  const cdOffset = local.length;
  const tail: number[] = [];
  if (zip64) {
    const z64At = cdOffset + central.length;
    tail.push(...fields([0x06064b50, 4], [44, 8], [45, 2], [45, 2], [0, 4], [0, 4]));
    tail.push(...fields([1, 8], [1, 8], [central.length, 8], [cdOffset, 8]));
    tail.push(...fields([0x07064b50, 4], [0, 4], [z64At, 8], [1, 4]));
  }
  const count = zip64 ? 0xffff : 1;
  tail.push(...fields([0x06054b50, 4], [0, 2], [0, 2], [count, 2], [count, 2], [central.length, 4]));
  tail.push(...fields([zip64 ? big : cdOffset, 4], [0, 2]));
  return Uint8Array.from([...local, ...central, ...tail]);
}

describe('zip directory', () => {
  it('reads plain and zip64 entries alike', () => {
    for (const zip64 of [false, true]) {
      const bytes = archive(zip64);
      const [entry, ...rest] = readZipDirectory(bytes, 'a.npz');
      expect(rest).toEqual([]);
      expect(entry).toMatchObject({ name: 'x.npy', method: 0, size: 5, compressedSize: 5, localOffset: 0 });
      expect(Array.from(readZipMember(bytes, entry, 'a.npz'))).toEqual(DATA);
    }
  });

  it('refuses more entries than MAX_ARCHIVE_MEMBERS before reading them', () => {
    const bytes = archive(false);
    const eocd = bytes.length - 22;
    new DataView(bytes.buffer).setUint16(eocd + 10, MAX_ARCHIVE_MEMBERS + 1, true);
    expect(() => readZipDirectory(bytes, 'many.npz')).toThrow(
      `many.npz: the archive lists ${MAX_ARCHIVE_MEMBERS + 1} entries, over the limit of ${MAX_ARCHIVE_MEMBERS} (MAX_ARCHIVE_MEMBERS)`,
    );
  });

  it('refuses an entry whose data runs past the end of the file, or no archive at all', () => {
    const bytes = archive(false);
    new DataView(bytes.buffer).setUint32(bytes.length - 22 - 46 - NAME.length + 20, 500, true);
    expect(() => readZipDirectory(bytes, 'cut.npz')).toThrow(
      /^cut\.npz: corrupt \.npz archive \(member entry 1 runs past/,
    );
    expect(() => readZipDirectory(Uint8Array.of(0x50, 0x4b, 3, 4), 'tiny.npz')).toThrow(DatasetError);
  });
});
