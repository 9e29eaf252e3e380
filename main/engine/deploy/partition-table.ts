import { InvalidArgumentError, ModelFormatError } from '../errors';

/**
 * ESP-IDF partition table (flash offset 0x8000, at most 0xC00 bytes). Each entry is 32 bytes:
 *   u16 magic 0x50AA (bytes AA 50), u8 type, u8 subtype, u32 offset, u32 size (LE),
 *   char[16] label (NUL-padded), u32 flags.
 * An optional MD5 entry (bytes EB EB, 14 × FF, then the MD5 of every preceding byte) follows
 * the last partition; the table ends at an entry starting FF FF (erased flash).
 */
export const PARTITION_TABLE_OFFSET = 0x8000;
export const PARTITION_TABLE_SIZE = 0xc00;
const ENTRY = 32;

export const PARTITION_TYPE = { app: 0x00, data: 0x01 } as const;

export interface PartitionEntry {
  type: number;
  subtype: number;
  offset: number;
  size: number;
  label: string;
  flags: number;
}

export interface PartitionTable {
  entries: PartitionEntry[];
  /** true/false when an MD5 entry was present and checked, undefined when absent or unchecked. */
  md5Ok: boolean | undefined;
}

/** MD5 is supplied by the caller (the engine has no crypto); without it the MD5 entry is skipped. */
export type Md5 = (bytes: Uint8Array) => Uint8Array;

export function parsePartitionTable(bytes: Uint8Array, md5?: Md5): PartitionTable {
  const entries: PartitionEntry[] = [];
  let md5Ok: boolean | undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + ENTRY <= Math.min(bytes.length, PARTITION_TABLE_SIZE); at += ENTRY) {
    const b0 = bytes[at];
    const b1 = bytes[at + 1];
    if (b0 === 0xff && b1 === 0xff) break;
    if (b0 === 0xeb && b1 === 0xeb) {
      if (md5) {
        const want = bytes.subarray(at + 16, at + 32);
        const got = md5(bytes.subarray(0, at));
        md5Ok = want.every((x, i) => x === got[i]);
        if (!md5Ok) throw new ModelFormatError('partition table: MD5 entry does not match the table');
      }
      break;
    }
    if (b0 !== 0xaa || b1 !== 0x50) {
      throw new ModelFormatError(
        `partition table: entry ${entries.length} at +0x${at.toString(16)} has bad magic ${hex2(b0)} ${hex2(b1)}`,
      );
    }
    const labelBytes = bytes.subarray(at + 12, at + 28);
    const end = labelBytes.indexOf(0);
    const label = String.fromCharCode(...labelBytes.subarray(0, end < 0 ? 16 : end));
    if (!/^[\x20-\x7e]*$/.test(label))
      throw new ModelFormatError(`partition table: entry ${entries.length} has a non-ASCII label`);
    entries.push({
      type: bytes[at + 2],
      subtype: bytes[at + 3],
      offset: v.getUint32(at + 4, true),
      size: v.getUint32(at + 8, true),
      label,
      flags: v.getUint32(at + 28, true),
    });
  }
  if (entries.length === 0)
    throw new ModelFormatError('partition table: no entries (is there a table at 0x8000?)');
  return { entries, md5Ok };
}

export function buildPartitionTable(entries: PartitionEntry[], md5?: Md5): Uint8Array {
  if (entries.length * ENTRY + (md5 ? ENTRY : 0) > PARTITION_TABLE_SIZE)
    throw new InvalidArgumentError('too many partitions');
  const out = new Uint8Array(PARTITION_TABLE_SIZE).fill(0xff);
  const v = new DataView(out.buffer);
  entries.forEach((e, i) => {
    const at = i * ENTRY;
    if (e.label.length > 16 || !/^[\x20-\x7e]*$/.test(e.label))
      throw new InvalidArgumentError(`bad partition label "${e.label}"`);
    out[at] = 0xaa;
    out[at + 1] = 0x50;
    out[at + 2] = e.type;
    out[at + 3] = e.subtype;
    v.setUint32(at + 4, e.offset, true);
    v.setUint32(at + 8, e.size, true);
    out.fill(0, at + 12, at + 28);
    for (let k = 0; k < e.label.length; k++) out[at + 12 + k] = e.label.charCodeAt(k);
    v.setUint32(at + 28, e.flags, true);
  });
  if (md5) {
    const at = entries.length * ENTRY;
    out[at] = 0xeb;
    out[at + 1] = 0xeb;
    out.set(md5(out.subarray(0, at)), at + 16);
  }
  return out;
}

export function findPartition(table: PartitionTable, label: string): PartitionEntry | undefined {
  return table.entries.find((e) => e.label === label);
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}
