/**
 * `.dfu` files for dfu-util and ST's tools: a DfuSe image (ST UM0391: an 11-byte "DfuSe" prefix,
 * one 274-byte "Target" prefix per alternate setting, and 8-byte address/size headers before
 * each element's bytes) followed by the DFU 1.1 suffix (appendix B: bcdDevice, idProduct,
 * idVendor, bcdDFU, "UFD", its length 16, and a CRC-32 of everything before the CRC, without
 * the final XOR). All fields little-endian. The prefix's image size counts the whole file, suffix
 * included, as Debian's dfuse-pack writes it (dfu-util does not read that field).
 *
 * Pure bytes: `lowbit flash --protocol dfuse --out x.dfu` and the `dfu` export format build here.
 */
import { InvalidArgumentError } from '../errors';
import { crc32 } from './crc32';

export interface DfuElement {
  address: number;
  data: Uint8Array;
}

export interface DfuTarget {
  /** The DfuSe alternate setting (memory region) the elements go to; 0 is internal flash. */
  alternateSetting: number;
  /** Up to 254 ASCII characters; absent: an unnamed target. */
  name?: string;
  elements: DfuElement[];
}

/** Who the file is for; 0xFFFF in any field means "any" to dfu-util. */
export interface DfuFileIds {
  vid: number;
  pid: number;
  bcdDevice?: number;
}

/** ST's system bootloader in DFU mode. */
export const STM32_BOOTLOADER_IDS: DfuFileIds = { vid: 0x0483, pid: 0xdf11 };
export const BCD_DFUSE = 0x011a;
export const DFU_SUFFIX_LENGTH = 16;
const PREFIX_LENGTH = 11;
const TARGET_PREFIX_LENGTH = 274;
const ELEMENT_HEADER_LENGTH = 8;

const u16 = (v: DataView, at: number, n: number) => v.setUint16(at, n, true);
const u32 = (v: DataView, at: number, n: number) => v.setUint32(at, n >>> 0, true);
const ascii = (out: Uint8Array, at: number, text: string) => {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
};

/** A DfuSe file holding `targets`, with its DFU suffix. */
export function buildDfuseFile(targets: DfuTarget[], ids: DfuFileIds = STM32_BOOTLOADER_IDS): Uint8Array {
  if (targets.length === 0 || targets.length > 255)
    throw new InvalidArgumentError('a DfuSe file holds 1 to 255 targets');
  const targetSize = (t: DfuTarget) =>
    t.elements.reduce((n, e) => n + ELEMENT_HEADER_LENGTH + e.data.length, 0);
  const body = PREFIX_LENGTH + targets.reduce((n, t) => n + TARGET_PREFIX_LENGTH + targetSize(t), 0);
  const out = new Uint8Array(body + DFU_SUFFIX_LENGTH);
  const v = new DataView(out.buffer);
  ascii(out, 0, 'DfuSe');
  out[5] = 1; // bVersion
  u32(v, 6, out.length);
  out[10] = targets.length;
  let at = PREFIX_LENGTH;
  for (const t of targets) {
    const name = t.name ?? '';
    if (!/^[\x20-\x7e]{0,254}$/.test(name))
      throw new InvalidArgumentError('a DfuSe target name is up to 254 printable ASCII characters');
    if (t.elements.length === 0) throw new InvalidArgumentError('a DfuSe target needs at least one element');
    ascii(out, at, 'Target');
    out[at + 6] = t.alternateSetting & 0xff;
    u32(v, at + 7, name ? 1 : 0);
    ascii(out, at + 11, name);
    u32(v, at + 266, targetSize(t));
    u32(v, at + 270, t.elements.length);
    at += TARGET_PREFIX_LENGTH;
    for (const e of t.elements) {
      if (!Number.isInteger(e.address) || e.address < 0 || e.address + e.data.length > 0x1_0000_0000)
        throw new InvalidArgumentError(
          `element at 0x${e.address.toString(16)} runs past the 32-bit address space`,
        );
      u32(v, at, e.address);
      u32(v, at + 4, e.data.length);
      out.set(e.data, at + ELEMENT_HEADER_LENGTH);
      at += ELEMENT_HEADER_LENGTH + e.data.length;
    }
  }
  writeDfuSuffix(out, ids);
  return out;
}

/** Fills the last 16 bytes of `file` with the DFU suffix over everything before them. */
function writeDfuSuffix(file: Uint8Array, ids: DfuFileIds): void {
  const at = file.length - DFU_SUFFIX_LENGTH;
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  u16(v, at, ids.bcdDevice ?? 0xffff);
  u16(v, at + 2, ids.pid);
  u16(v, at + 4, ids.vid);
  u16(v, at + 6, BCD_DFUSE);
  ascii(file, at + 8, 'UFD');
  file[at + 11] = DFU_SUFFIX_LENGTH;
  // The suffix's CRC is the running CRC-32 register, without zlib's final XOR.
  u32(v, at + 12, crc32(file.subarray(0, at + 12)) ^ 0xffffffff);
}
