/**
 * ST DfuSe memory layouts, as a DfuSe device names each alternate setting (AN3156 section 4.3;
 * dfu-util's dfuse_mem.c reads the same text):
 *
 *   @Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg
 *
 * a name after '@', then one or more `/start/list` segments, the list being `count*size unit
 * type` items: unit ' ', 'B', 'K' or 'M'; type a letter 'a'..'g' whose bits, counted from 'a' =
 * 1, are readable (1), erasable (2), writable (4). The text comes from the device: counts and
 * sizes are bounded and addresses must stay within 32 bits.
 */
import { DeviceProtocolError, InvalidArgumentError } from '../../engine/errors';

export interface MemorySector {
  start: number;
  size: number;
  readable: boolean;
  erasable: boolean;
  writable: boolean;
}

export interface MemoryLayout {
  name: string;
  sectors: MemorySector[];
}

/** More sectors than any STM32 has (the largest have a few thousand 2 KiB pages). */
const MAX_SECTORS = 16384;
const UNIT: Record<string, number> = { '': 1, ' ': 1, B: 1, K: 1024, M: 1024 * 1024 };
const ITEM = /^(\d{1,5})\*(\d{1,5})\s*([BKM ]?)([a-g])$/;

export function parseMemoryLayout(text: string): MemoryLayout {
  const bad = (why: string) => new DeviceProtocolError(`DfuSe memory layout "${text.slice(0, 80)}": ${why}`);
  if (!text.startsWith('@')) throw bad("it does not start with '@'");
  const parts = text.slice(1).split('/');
  const name = parts[0].trim();
  if (parts.length < 3 || parts.length % 2 === 0) throw bad('expected /start/sectors segments');
  const sectors: MemorySector[] = [];
  for (let p = 1; p < parts.length; p += 2) {
    const startText = parts[p].trim();
    if (!/^0x[0-9a-f]{1,8}$/i.test(startText)) throw bad(`"${startText}" is not a hex start address`);
    let at = parseInt(startText.slice(2), 16);
    for (const item of parts[p + 1].split(',')) {
      const m = ITEM.exec(item.trim());
      if (!m) throw bad(`"${item}" is not count*size followed by a type letter`);
      const count = Number(m[1]);
      const size = Number(m[2]) * UNIT[m[3]];
      const type = m[4].charCodeAt(0) - 0x60; // 'a' = 1 … 'g' = 7
      if (size === 0 || sectors.length + count > MAX_SECTORS)
        throw bad('sector sizes or counts out of range');
      for (let i = 0; i < count; i++, at += size) {
        if (at + size > 0x1_0000_0000) throw bad('sectors run past the 32-bit address space');
        sectors.push({
          start: at,
          size,
          readable: (type & 1) !== 0,
          erasable: (type & 2) !== 0,
          writable: (type & 4) !== 0,
        });
      }
    }
  }
  return { name, sectors };
}

/**
 * The sectors `length` bytes at `address` cover, each erasable and writable; anything outside
 * writable memory is refused before a byte is sent.
 */
export function sectorsToWrite(layout: MemoryLayout, address: number, length: number): MemorySector[] {
  const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
  const end = address + length;
  const covered = layout.sectors.filter((s) => s.start < end && s.start + s.size > address);
  let reached = address;
  for (const s of covered) {
    if (s.start > reached) break;
    if (!s.writable || !s.erasable)
      throw new InvalidArgumentError(
        `${hex(s.start)}..${hex(s.start + s.size)} in ${layout.name} is not erasable and writable: refusing to write there`,
      );
    reached = s.start + s.size;
  }
  if (length === 0 || reached < end)
    throw new InvalidArgumentError(
      `${length} bytes at ${hex(address)} do not lie within ${layout.name} (${describeLayout(layout)})`,
    );
  return covered;
}

/** "0x08000000..0x08100000" per contiguous run, for messages. */
export function describeLayout(layout: MemoryLayout): string {
  const runs: [number, number][] = [];
  for (const s of layout.sectors) {
    const last = runs.at(-1);
    if (last && last[1] === s.start) last[1] = s.start + s.size;
    else runs.push([s.start, s.start + s.size]);
  }
  return runs
    .map(([a, b]) => `0x${a.toString(16).padStart(8, '0')}..0x${b.toString(16).padStart(8, '0')}`)
    .join(', ');
}
