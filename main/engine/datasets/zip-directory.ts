/**
 * A zip archive's table of contents, read from untrusted bytes and checked before anything is
 * inflated (pure). Every offset is bounds-checked; the entries' data ranges (local header through
 * compressed data) must lie inside the file and must not overlap, so one member's bytes cannot be
 * listed many times (an "aliasing" archive: 2,000 entries naming one 10 MB member would cost
 * 20 GB); the declared uncompressed sizes of all entries together must stay within
 * MAX_INFLATED_BYTES; and a deflated entry may not claim more than DEFLATE can produce from its
 * compressed size. Zip64 sizes and offsets are read. Extraction (bounded) is `readZipMember`.
 */
import { DatasetError } from '../errors';
import { inflateBounded, MAX_DEFLATE_RATIO } from './inflate';
import { formatBytes, limitExceeded, MAX_ARCHIVE_MEMBERS, MAX_INFLATED_BYTES } from './limits';

export interface ZipEntry {
  name: string;
  /**
   * The member as errors show it, "entry N": names are file contents, which errors never echo.
   */
  label: string;
  /** 0 stored, 8 deflated (anything else is refused when read). */
  method: number;
  compressedSize: number;
  /** Uncompressed size, as declared by the central directory. */
  size: number;
  /** Where the local header starts and where the compressed data starts. */
  localOffset: number;
  dataStart: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_U32 = 0xffffffff;

/** Little-endian reads that refuse to leave the file. */
class Reader {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private check(at: number, n: number): void {
    if (!(at >= 0 && at + n <= this.bytes.length))
      throw new DatasetError(`${this.what}: corrupt .npz archive (offset ${at} is outside the file)`);
  }
  u16(at: number): number {
    this.check(at, 2);
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    this.check(at, 4);
    return this.view.getUint32(at, true);
  }
  u64(at: number): number {
    this.check(at, 8);
    const v = Number(this.view.getBigUint64(at, true));
    if (!Number.isSafeInteger(v)) throw new DatasetError(`${this.what}: corrupt .npz archive (zip64 field)`);
    return v;
  }
  text(at: number, n: number, utf8: boolean): string {
    this.check(at, n);
    const b = this.bytes.subarray(at, at + n);
    return utf8 ? new TextDecoder().decode(b) : String.fromCharCode(...b);
  }
}

/** The entries of a zip's central directory, checked as described above. Throws DatasetError. */
export function readZipDirectory(bytes: Uint8Array, what: string): ZipEntry[] {
  const r = new Reader(bytes, what);
  let e = bytes.length - 22;
  while (e >= 0 && e >= bytes.length - 22 - 0xffff && r.u32(e) !== EOCD) e--;
  if (e < 0 || e < bytes.length - 22 - 0xffff)
    throw new DatasetError(`${what}: corrupt .npz archive (no end of central directory)`);
  let count = r.u16(e + 10);
  let offset = r.u32(e + 16);
  if (e >= 20 && r.u32(e - 20) === ZIP64_LOCATOR) {
    const z = r.u64(e - 12);
    if (r.u32(z) === ZIP64_EOCD) {
      count = r.u64(z + 32);
      offset = r.u64(z + 48);
    }
  }
  if (count > MAX_ARCHIVE_MEMBERS)
    throw limitExceeded(
      what,
      `the archive lists ${count} entries, over`,
      `${MAX_ARCHIVE_MEMBERS}`,
      'MAX_ARCHIVE_MEMBERS',
    );
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (r.u32(offset) !== CENTRAL)
      throw new DatasetError(`${what}: corrupt .npz archive (central directory entry ${i})`);
    const entry = centralEntry(r, offset, i);
    entries.push(entry.entry);
    offset = entry.next;
  }
  checkRanges(entries, bytes.length, what);
  const total = entries.reduce((sum, x) => sum + x.size, 0);
  if (total > MAX_INFLATED_BYTES)
    throw limitExceeded(
      what,
      `the archive's members declare ${total} bytes together, over`,
      formatBytes(MAX_INFLATED_BYTES),
      'MAX_INFLATED_BYTES',
    );
  return entries;
}

function centralEntry(r: Reader, at: number, index: number): { entry: ZipEntry; next: number } {
  const utf8 = (r.u16(at + 8) & 0x800) !== 0;
  const method = r.u16(at + 10);
  let compressedSize = r.u32(at + 20);
  let size = r.u32(at + 24);
  const nameLength = r.u16(at + 28);
  const extraLength = r.u16(at + 30);
  const commentLength = r.u16(at + 32);
  let localOffset = r.u32(at + 42);
  const name = r.text(at + 46, nameLength, utf8);
  const label = `entry ${index + 1}`;
  // Zip64: the fields set to 0xFFFFFFFF follow, in this order, in extra field 0x0001.
  const extra = at + 46 + nameLength;
  for (let x = extra; x + 4 <= extra + extraLength; x += 4 + r.u16(x + 2)) {
    if (r.u16(x) !== 1) continue;
    let f = x + 4;
    if (size === MAX_U32) {
      size = r.u64(f);
      f += 8;
    }
    if (compressedSize === MAX_U32) {
      compressedSize = r.u64(f);
      f += 8;
    }
    if (localOffset === MAX_U32) localOffset = r.u64(f);
    break;
  }
  if (r.u32(localOffset) !== LOCAL)
    throw new DatasetError(`${r.what}: corrupt .npz archive (no local header for ${label})`);
  const dataStart = localOffset + 30 + r.u16(localOffset + 26) + r.u16(localOffset + 28);
  const entry = { name, label, method, compressedSize, size, localOffset, dataStart };
  return { entry, next: extra + extraLength + commentLength };
}

/** Each entry's bytes inside the file, no two entries sharing any, no impossible sizes. */
function checkRanges(entries: ZipEntry[], fileLength: number, what: string): void {
  for (const x of entries) {
    if (x.dataStart + x.compressedSize > fileLength)
      throw new DatasetError(
        `${what}: corrupt .npz archive (member ${x.label} runs past the end of the file)`,
      );
    if (x.method === 8 && x.size > x.compressedSize * MAX_DEFLATE_RATIO + 1024)
      throw new DatasetError(
        `${what}: member ${x.label} declares ${x.size} bytes, impossible for ${x.compressedSize} compressed bytes (corrupt or hostile)`,
      );
  }
  const sorted = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (sorted[i].localOffset < prev.dataStart + prev.compressedSize)
      throw new DatasetError(
        `${what}: members ${prev.label} and ${sorted[i].label} share bytes (an aliasing archive), refused`,
      );
  }
}

/** One entry's uncompressed bytes (a view for a stored entry), never more than it declared. */
export function readZipMember(bytes: Uint8Array, entry: ZipEntry, what: string): Uint8Array {
  const data = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  const where = `${what}:${entry.label}`;
  if (entry.method === 0) {
    if (entry.size !== entry.compressedSize)
      throw new DatasetError(
        `${where}: stored member declares ${entry.size} bytes but holds ${entry.compressedSize}`,
      );
    return data;
  }
  if (entry.method !== 8)
    throw new DatasetError(
      `${where}: compression method ${entry.method} is not supported (only stored and deflated members)`,
    );
  const out = inflateBounded(data, 'deflate', {
    what: where,
    stream: 'deflated member',
    limit: entry.size,
    limitName: 'its declared size',
    corrupt: 'corrupt .npz archive: deflated member',
    sizeHint: entry.size,
  });
  if (out.length !== entry.size)
    throw new DatasetError(`${where}: inflates to ${out.length} bytes, the archive declares ${entry.size}`);
  return out;
}
