import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildPartitionTable,
  findPartition,
  parsePartitionTable,
  type PartitionEntry,
} from './partition-table';

const md5 = (b: Uint8Array) => new Uint8Array(createHash('md5').update(b).digest());

const entries: PartitionEntry[] = [
  { type: 1, subtype: 2, offset: 0x9000, size: 0x6000, label: 'nvs', flags: 0 },
  { type: 0, subtype: 0, offset: 0x10000, size: 0x100000, label: 'factory', flags: 0 },
  { type: 1, subtype: 0x40, offset: 0x110000, size: 0x80000, label: 'model', flags: 1 },
];

describe('ESP-IDF partition table', () => {
  it('encodes entries byte for byte', () => {
    const t = buildPartitionTable(entries, md5);
    expect(t.length).toBe(0xc00);
    // nvs entry: AA 50, type 1, subtype 2, offset 0x9000, size 0x6000, "nvs" + NULs, flags 0
    expect(Array.from(t.subarray(0, 32))).toEqual([
      0xaa,
      0x50,
      0x01,
      0x02,
      0x00,
      0x90,
      0x00,
      0x00,
      0x00,
      0x60,
      0x00,
      0x00,
      0x6e,
      0x76,
      0x73,
      ...new Array(13).fill(0),
      0,
      0,
      0,
      0,
    ]);
    // MD5 entry after the third partition: EB EB, 14 × FF, md5 of the first 96 bytes
    expect(Array.from(t.subarray(96, 112))).toEqual([0xeb, 0xeb, ...new Array(14).fill(0xff)]);
    expect(Array.from(t.subarray(112, 128))).toEqual(Array.from(md5(t.subarray(0, 96))));
    expect(t.subarray(128).every((b) => b === 0xff)).toBe(true);
  });

  it('parses back, checks the MD5 and finds partitions by name', () => {
    const parsed = parsePartitionTable(buildPartitionTable(entries, md5), md5);
    expect(parsed.entries).toEqual(entries);
    expect(parsed.md5Ok).toBe(true);
    expect(findPartition(parsed, 'model')).toMatchObject({ offset: 0x110000, size: 0x80000 });
    expect(findPartition(parsed, 'nope')).toBeUndefined();
    expect(parsePartitionTable(buildPartitionTable(entries)).md5Ok).toBeUndefined();
  });

  it('rejects a corrupted table with MODEL_FORMAT', () => {
    const t = buildPartitionTable(entries, md5);
    const flipped = t.slice();
    flipped[40] ^= 1; // factory offset: MD5 no longer matches
    expect(() => parsePartitionTable(flipped, md5)).toThrow(
      expect.objectContaining({ code: 'MODEL_FORMAT' }),
    );
    const magic = t.slice();
    magic[32] = 0x00;
    expect(() => parsePartitionTable(magic)).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT' }));
    expect(() => parsePartitionTable(new Uint8Array(0xc00).fill(0xff))).toThrow(
      expect.objectContaining({ code: 'MODEL_FORMAT' }),
    );
  });
});
