/**
 * STM32 product IDs (Get ID) → family and flash erase layout, for the families Lowbit supports.
 * Layouts are the largest part of each family; AN2606 lists the PIDs, the reference manuals
 * (RM0390 F446, RM0385 F74x, RM0433 H74x, RM0368 F401, RM0351 L4x6) the sector maps.
 * Erase numbers are what the bootloader's Erase/Extended Erase commands take: sectors on
 * F4/F7/H7, 2 KB pages on L4.
 */
export interface Stm32Chip {
  pid: number;
  name: string;
  flashStart: number;
  /** Erase units in address order; `number` is what Erase/Extended Erase takes. */
  sectors: { number: number; start: number; size: number }[];
  /**
   * Smallest programmable unit: the flash word (H7: 256 bits, L4: 64 bits, F4/F7: the
   * bootloader accepts 4-byte multiples). Writes are padded with 0xFF (erased) to it.
   */
  writeUnit: number;
}

const FLASH = 0x08000000;
const K = 1024;

function layout(sizes: number[], firstNumber = 0): Stm32Chip['sectors'] {
  let at = FLASH;
  return sizes.map((size, i) => {
    const s = { number: firstNumber + i, start: at, size };
    at += size;
    return s;
  });
}

const rep = (n: number, size: number) => Array<number>(n).fill(size);

export const STM32_CHIPS: Stm32Chip[] = [
  // RM0390 §3.3: 4 × 16 KB, 1 × 64 KB, 3 × 128 KB (512 KB)
  {
    pid: 0x421,
    name: 'STM32F446xx',
    flashStart: FLASH,
    sectors: layout([...rep(4, 16 * K), 64 * K, ...rep(3, 128 * K)]),
    writeUnit: 4,
  },
  // RM0385 §3.3: 4 × 32 KB, 1 × 128 KB, 3 × 256 KB (1 MB)
  {
    pid: 0x449,
    name: 'STM32F74xxx/75xxx',
    flashStart: FLASH,
    sectors: layout([...rep(4, 32 * K), 128 * K, ...rep(3, 256 * K)]),
    writeUnit: 4,
  },
  // RM0433 §4.3: two banks of 8 × 128 KB (2 MB); the bootloader numbers bank 2 sectors 8..15
  {
    pid: 0x450,
    name: 'STM32H74xxx/75xxx',
    flashStart: FLASH,
    sectors: layout(rep(16, 128 * K)),
    writeUnit: 32,
  },
  // RM0368 §3.3 (F401xB/C): 4 × 16 KB, 1 × 64 KB, 1 × 128 KB (256 KB)
  {
    pid: 0x423,
    name: 'STM32F401xB/C',
    flashStart: FLASH,
    sectors: layout([...rep(4, 16 * K), 64 * K, 128 * K]),
    writeUnit: 4,
  },
  // RM0351 §3.3: 2 KB pages, 1 MB dual bank → pages 0..511
  { pid: 0x415, name: 'STM32L4x6', flashStart: FLASH, sectors: layout(rep(512, 2 * K)), writeUnit: 8 },
];

export function stm32ChipByPid(pid: number): Stm32Chip | undefined {
  return STM32_CHIPS.find((c) => c.pid === pid);
}

export function flashEnd(chip: Stm32Chip): number {
  const last = chip.sectors[chip.sectors.length - 1];
  return last.start + last.size;
}

/** Erase units overlapping [address, address + length): exactly those, no more. */
export function sectorsCovering(chip: Stm32Chip, address: number, length: number): Stm32Chip['sectors'] {
  const end = address + length;
  return chip.sectors.filter((s) => s.start < end && s.start + s.size > address);
}
