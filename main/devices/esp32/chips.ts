/**
 * ESP32-family chips the ROM loader path supports, detected as esptool does for ROMs without
 * GET_SECURITY_INFO: READ_REG of the chip-detect magic register at 0x40001000
 * (esptool targets/esp32.py CHIP_DETECT_MAGIC_VALUE 0x00F01D83, targets/esp32s3.py 0x9).
 */
export const CHIP_DETECT_MAGIC_REG = 0x40001000;

export interface Esp32Chip {
  id: 'esp32' | 'esp32s3';
  name: string;
  magic: number[];
  /** ROM responses end with this many status bytes (ESP32 and ESP32-S3 ROMs: 4). */
  statusLength: number;
  /** FLASH_BEGIN / FLASH_DEFL_BEGIN take a fifth word (encrypted write) on ROMs that support flash encryption. */
  beginHasEncryptedWord: boolean;
  /** Only the ESP32 ROM implements READ_FLASH_SLOW; later ROMs need the stub, which Lowbit does not use. */
  romCanReadFlash: boolean;
}

export const ESP32_CHIPS: Esp32Chip[] = [
  {
    id: 'esp32',
    name: 'ESP32',
    magic: [0x00f01d83],
    statusLength: 4,
    beginHasEncryptedWord: false,
    romCanReadFlash: true,
  },
  {
    id: 'esp32s3',
    name: 'ESP32-S3',
    magic: [0x9],
    statusLength: 4,
    beginHasEncryptedWord: true,
    romCanReadFlash: false,
  },
];

/** Magic values of other Espressif chips, so a wrong chip gets named rather than "unknown". */
const OTHER: Record<number, string> = {
  0xfff0c101: 'ESP8266',
  0x000007c6: 'ESP32-S2',
  0x6921506f: 'ESP32-C3',
  0x1b31506f: 'ESP32-C3',
  0x4881606f: 'ESP32-C3',
  0x4361606f: 'ESP32-C3',
};

export function esp32ChipByMagic(magic: number): Esp32Chip | undefined {
  return ESP32_CHIPS.find((c) => c.magic.includes(magic >>> 0));
}

export function otherChipName(magic: number): string | undefined {
  return OTHER[magic >>> 0];
}
