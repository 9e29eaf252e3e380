/**
 * ESP32 ROM serial loader packets (esptool docs, "Serial Protocol").
 * Request:  [0x00][op][u16 data length][u32 checksum][data]      (little-endian)
 * Response: [0x01][op][u16 data length][u32 value][data][status] (ROM: 4 status bytes)
 */
export const OP = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  READ_FLASH_SLOW: 0x0e,
  CHANGE_BAUDRATE: 0x0f,
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
} as const;

/** SYNC payload: 07 07 12 20 then 32 × 0x55 (lets the ROM's auto-baud lock on). */
export const SYNC_PAYLOAD = Uint8Array.from([0x07, 0x07, 0x12, 0x20, ...Array<number>(32).fill(0x55)]);

/** Seed of the *_DATA checksum: 0xEF XOR every data byte. */
export const CHECKSUM_SEED = 0xef;

/** The ROM's FLASH_WRITE_SIZE: data blocks are 0x400 bytes. */
export const ROM_BLOCK = 0x400;

/** ROM status byte 2 (error reason) meanings from the esptool protocol docs. */
export const ROM_ERRORS: Record<number, string> = {
  0x05: 'received message is invalid',
  0x06: 'failed to act on received message',
  0x07: 'invalid CRC in message',
  0x08: 'flash write error',
  0x09: 'flash read error',
  0x0a: 'flash read length error',
  0x0b: 'deflate error',
};

export function checksum(data: Uint8Array): number {
  let c = CHECKSUM_SEED;
  for (const b of data) c ^= b;
  return c;
}

export function encodeRequest(op: number, data: Uint8Array, chk = 0): Uint8Array {
  const out = new Uint8Array(8 + data.length);
  const v = new DataView(out.buffer);
  out[0] = 0x00;
  out[1] = op;
  v.setUint16(2, data.length, true);
  v.setUint32(4, chk >>> 0, true);
  out.set(data, 8);
  return out;
}

export interface Response {
  op: number;
  value: number;
  /** Data with the status bytes removed. */
  data: Uint8Array;
  status: Uint8Array;
}

/** Parses a SLIP-decoded frame; undefined for anything that is not a well-formed response. */
export function decodeResponse(frame: Uint8Array, statusLength: number): Response | undefined {
  if (frame.length < 8 || frame[0] !== 0x01) return undefined;
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const size = v.getUint16(2, true);
  if (frame.length !== 8 + size) return undefined;
  // Before the chip is known, a 2-byte status (ESP8266 ROM, stubs) must still parse so the
  // chip can be named instead of timing out.
  if (size < statusLength) {
    if (size !== 2) return undefined;
    statusLength = 2;
  }
  const body = frame.subarray(8);
  return {
    op: frame[1],
    value: v.getUint32(4, true),
    data: body.subarray(0, size - statusLength),
    status: body.subarray(size - statusLength),
  };
}

/** Little-endian u32 words → bytes. */
export function words(...ws: number[]): Uint8Array {
  const out = new Uint8Array(ws.length * 4);
  const v = new DataView(out.buffer);
  ws.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return out;
}
