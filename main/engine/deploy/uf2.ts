import { InvalidArgumentError, ModelFormatError } from '../errors';

/**
 * UF2 (microsoft/uf2 README): 512-byte blocks, each carrying up to 476 data bytes for one
 * target address. Layout (little-endian u32 words):
 *   0 magic 0x0A324655 ("UF2\n")   4 magic 0x9E5D5157   8 flags   12 target address
 *  16 payload size  20 block number  24 total blocks  28 family ID (flag 0x2000) or file size
 *  32..507 data (payload first, rest zero)  508 final magic 0x0AB16F30
 * The RP2040/RP2350 boot ROMs want 256-byte payloads on 256-byte aligned flash addresses.
 */
export const UF2_MAGIC_START0 = 0x0a324655;
export const UF2_MAGIC_START1 = 0x9e5d5157;
export const UF2_MAGIC_END = 0x0ab16f30;
export const UF2_FLAG_FAMILY_ID_PRESENT = 0x00002000;
export const UF2_BLOCK = 512;
export const UF2_PAYLOAD = 256;

export const UF2_FAMILIES = {
  rp2040: 0xe48bff56,
  'rp2350-arm-s': 0xe48bff59,
  absolute: 0xe48bff57,
  data: 0xe48bff58,
} as const;
export type Uf2Family = keyof typeof UF2_FAMILIES;

export interface Uf2Block {
  flags: number;
  address: number;
  payload: Uint8Array;
  blockNo: number;
  numBlocks: number;
  familyId: number;
}

/** Image `data` placed at `address` (256-aligned), split into 256-byte payloads; the tail is padded with 0xFF. */
export function buildUf2(data: Uint8Array, address: number, familyId: number): Uint8Array {
  if (data.length === 0) throw new InvalidArgumentError('UF2: nothing to write');
  if (!Number.isInteger(address) || address < 0 || address > 0xffffffff || address % UF2_PAYLOAD !== 0) {
    throw new InvalidArgumentError(
      `UF2: address 0x${address.toString(16)} must be a 256-byte aligned 32-bit address`,
    );
  }
  const numBlocks = Math.ceil(data.length / UF2_PAYLOAD);
  if (address + numBlocks * UF2_PAYLOAD > 0x100000000)
    throw new InvalidArgumentError('UF2: image runs past 4 GB');
  const out = new Uint8Array(numBlocks * UF2_BLOCK);
  const v = new DataView(out.buffer);
  for (let i = 0; i < numBlocks; i++) {
    const o = i * UF2_BLOCK;
    v.setUint32(o, UF2_MAGIC_START0, true);
    v.setUint32(o + 4, UF2_MAGIC_START1, true);
    v.setUint32(o + 8, UF2_FLAG_FAMILY_ID_PRESENT, true);
    v.setUint32(o + 12, address + i * UF2_PAYLOAD, true);
    v.setUint32(o + 16, UF2_PAYLOAD, true);
    v.setUint32(o + 20, i, true);
    v.setUint32(o + 24, numBlocks, true);
    v.setUint32(o + 28, familyId >>> 0, true);
    const chunk = data.subarray(i * UF2_PAYLOAD, (i + 1) * UF2_PAYLOAD);
    out.fill(0xff, o + 32, o + 32 + UF2_PAYLOAD);
    out.set(chunk, o + 32);
    v.setUint32(o + UF2_BLOCK - 4, UF2_MAGIC_END, true);
  }
  return out;
}

/** Parses and checks every block (magics, numbering, sizes). */
export function parseUf2(bytes: Uint8Array): Uf2Block[] {
  if (bytes.length === 0 || bytes.length % UF2_BLOCK !== 0)
    throw new ModelFormatError(`UF2: ${bytes.length} bytes is not a whole number of 512-byte blocks`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks: Uf2Block[] = [];
  for (let o = 0; o < bytes.length; o += UF2_BLOCK) {
    const n = o / UF2_BLOCK;
    if (
      v.getUint32(o, true) !== UF2_MAGIC_START0 ||
      v.getUint32(o + 4, true) !== UF2_MAGIC_START1 ||
      v.getUint32(o + 508, true) !== UF2_MAGIC_END
    ) {
      throw new ModelFormatError(`UF2: block ${n} has bad magic`);
    }
    const size = v.getUint32(o + 16, true);
    if (size > 476) throw new ModelFormatError(`UF2: block ${n} claims ${size} payload bytes`);
    blocks.push({
      flags: v.getUint32(o + 8, true),
      address: v.getUint32(o + 12, true),
      payload: bytes.subarray(o + 32, o + 32 + size),
      blockNo: v.getUint32(o + 20, true),
      numBlocks: v.getUint32(o + 24, true),
      familyId: v.getUint32(o + 28, true),
    });
  }
  return blocks;
}
