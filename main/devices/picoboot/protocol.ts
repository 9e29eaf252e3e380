/**
 * The PICOBOOT wire format of the RP2040 / RP2350 boot ROMs (RP2040 datasheet section 2.8.5,
 * RP2350 datasheet "USB boot"; pico-sdk boot/picoboot.h). Pure codec: the driver
 * (connection.ts) and the test device (test/devices/sim/picoboot-device.ts) both use it, so a
 * command has one layout.
 *
 * A command is 32 bytes, little-endian, sent on the interface's bulk OUT endpoint:
 *    0 u32 magic 0x431FD10B   4 u32 token (echoed in the status)   8 u8 command id (bit 7: data
 *    flows device → host)     9 u8 argument size   10 u16 zero   12 u32 transfer length
 *   16 16 bytes of arguments (range: u32 address, u32 size; reboot: pc, sp, delay ms; reboot2:
 *      flags, delay ms, param0, param1; exclusive: u8 mode)
 * then the data phase (transfer length bytes, IN or OUT), then a zero-length acknowledgement
 * in the other direction. A failed command stalls the endpoints; the status (16 bytes: u32
 * token, u32 status code, u8 command id, u8 in progress) comes from a vendor control request
 * to the interface, and the interface reset request clears the stall.
 */

export const PICOBOOT_MAGIC = 0x431fd10b;
export const PICOBOOT_COMMAND_BYTES = 32;
export const PICOBOOT_STATUS_BYTES = 16;

/** Vendor control requests to the PICOBOOT interface. */
export const PICOBOOT_IF_RESET = 0x41;
export const PICOBOOT_IF_CMD_STATUS = 0x42;

export const PICOBOOT_VENDOR_ID = 0x2e8a;

/** Command ids; bit 7 set means the data phase is device → host. */
export const PC = {
  EXCLUSIVE_ACCESS: 0x01,
  /** RP2040 only (the RP2350 ROM answers UNKNOWN_CMD): pc, sp, delay. */
  REBOOT: 0x02,
  FLASH_ERASE: 0x03,
  READ: 0x84,
  WRITE: 0x05,
  EXIT_XIP: 0x06,
  /** RP2350: flags, delay, param0, param1. */
  REBOOT2: 0x0a,
} as const;
export type PicobootCommandId = (typeof PC)[keyof typeof PC];

/** Argument bytes each command takes (the ROM refuses any other size: INVALID_CMD_LENGTH). */
export const ARGUMENT_BYTES: Readonly<Record<PicobootCommandId, number>> = {
  [PC.EXCLUSIVE_ACCESS]: 1,
  [PC.REBOOT]: 12,
  [PC.FLASH_ERASE]: 8,
  [PC.READ]: 8,
  [PC.WRITE]: 8,
  [PC.EXIT_XIP]: 0,
  [PC.REBOOT2]: 16,
};

export const EXCLUSIVE = { NOT_EXCLUSIVE: 0, EXCLUSIVE: 1, EXCLUSIVE_AND_EJECT: 2 } as const;
export const REBOOT2_FLAG_REBOOT_TYPE_NORMAL = 0;

/** Status codes (pico-sdk picoboot.h; 9 and up are RP2350 additions). */
export const STATUS_NAMES: readonly string[] = [
  'OK',
  'UNKNOWN_CMD',
  'INVALID_CMD_LENGTH',
  'INVALID_TRANSFER_LENGTH',
  'INVALID_ADDRESS',
  'BAD_ALIGNMENT',
  'INTERLEAVED_WRITE',
  'REBOOTING',
  'UNKNOWN_ERROR',
  'INVALID_STATE',
  'NOT_PERMITTED',
  'INVALID_ARG',
  'BUFFER_TOO_SMALL',
  'PRECONDITION_NOT_MET',
  'MODIFIED_DATA',
  'INVALID_DATA',
  'NOT_FOUND',
  'UNSUPPORTED_MODIFICATION',
];
export const STATUS = {
  OK: 0,
  UNKNOWN_CMD: 1,
  INVALID_CMD_LENGTH: 2,
  INVALID_TRANSFER_LENGTH: 3,
  INVALID_ADDRESS: 4,
  BAD_ALIGNMENT: 5,
  INTERLEAVED_WRITE: 6,
  REBOOTING: 7,
  UNKNOWN_ERROR: 8,
} as const;

export const statusName = (code: number): string => STATUS_NAMES[code] ?? `status ${code}`;

/** Flash as the boot ROM addresses it: the XIP window, 4 KiB erase sectors, 256-byte pages. */
export const FLASH_BASE = 0x10000000;
/** The window one flash chip select spans (16 MiB on both chips). */
export const FLASH_WINDOW_BYTES = 16 * 1024 * 1024;
export const FLASH_SECTOR_BYTES = 4096;
export const FLASH_PAGE_BYTES = 256;

export interface PicobootCommand {
  token: number;
  id: number;
  /** Argument bytes (at most 16); their count is the argument size field. */
  args: Uint8Array;
  transferLength: number;
}

export interface PicobootStatus {
  token: number;
  code: number;
  commandId: number;
  inProgress: boolean;
}

/** Whether a command's data phase (and so its acknowledgement's opposite) is device → host. */
export const isInCommand = (id: number): boolean => (id & 0x80) !== 0;

export function encodeCommand(c: PicobootCommand): Uint8Array {
  if (c.args.length > 16) throw new RangeError('PICOBOOT arguments are at most 16 bytes');
  const out = new Uint8Array(PICOBOOT_COMMAND_BYTES);
  const v = new DataView(out.buffer);
  v.setUint32(0, PICOBOOT_MAGIC, true);
  v.setUint32(4, c.token >>> 0, true);
  v.setUint8(8, c.id);
  v.setUint8(9, c.args.length);
  v.setUint32(12, c.transferLength >>> 0, true);
  out.set(c.args, 16);
  return out;
}

/** A command packet, or undefined when it is not one (wrong length or magic). */
export function decodeCommand(bytes: Uint8Array): PicobootCommand | undefined {
  if (bytes.length !== PICOBOOT_COMMAND_BYTES) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, true) !== PICOBOOT_MAGIC) return undefined;
  const size = Math.min(v.getUint8(9), 16);
  return {
    token: v.getUint32(4, true),
    id: v.getUint8(8),
    args: bytes.slice(16, 16 + size),
    transferLength: v.getUint32(12, true),
  };
}

export function encodeStatus(s: PicobootStatus): Uint8Array {
  const out = new Uint8Array(PICOBOOT_STATUS_BYTES);
  const v = new DataView(out.buffer);
  v.setUint32(0, s.token >>> 0, true);
  v.setUint32(4, s.code >>> 0, true);
  v.setUint8(8, s.commandId);
  v.setUint8(9, s.inProgress ? 1 : 0);
  return out;
}

/** The status reply, or undefined when it is shorter than 16 bytes. */
export function decodeStatus(bytes: Uint8Array): PicobootStatus | undefined {
  if (bytes.length < PICOBOOT_STATUS_BYTES) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    token: v.getUint32(0, true),
    code: v.getUint32(4, true),
    commandId: v.getUint8(8),
    inProgress: v.getUint8(9) !== 0,
  };
}

/** Little-endian u32 words as argument bytes (range, reboot, reboot2). */
export function wordArgs(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const v = new DataView(out.buffer);
  words.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return out;
}

/** The u32 words of argument bytes (missing bytes read as zero). */
export function argWords(args: Uint8Array, count: number): number[] {
  const padded = new Uint8Array(count * 4);
  padded.set(args.subarray(0, count * 4));
  const v = new DataView(padded.buffer);
  return Array.from({ length: count }, (_, i) => v.getUint32(i * 4, true));
}

/** The boot ROMs that speak PICOBOOT, by USB product ID. */
export interface PicobootChip {
  name: 'RP2040' | 'RP2350';
  pid: number;
  /** How it leaves BOOTSEL for the application: REBOOT (pc 0) or REBOOT2 (type normal). */
  reboot: typeof PC.REBOOT | typeof PC.REBOOT2;
}

export const PICOBOOT_CHIPS: readonly PicobootChip[] = [
  { name: 'RP2040', pid: 0x0003, reboot: PC.REBOOT },
  { name: 'RP2350', pid: 0x000f, reboot: PC.REBOOT2 },
];

export const picobootChipByIds = (vid: number, pid: number): PicobootChip | undefined =>
  vid === PICOBOOT_VENDOR_ID ? PICOBOOT_CHIPS.find((c) => c.pid === pid) : undefined;
