/**
 * ESP32 / ESP32-S3 ROM loader simulator, a test tool. Serves one SerialLink at a time and keeps
 * its 4 MB flash across sessions. NOR semantics: FLASH_(DEFL_)BEGIN erases whole 4 KB sectors
 * to 0xFF, data can only clear bits. Compressed data is inflated with fflate's streaming
 * Unzlib, so a broken zlib stream shows up as the ROM's "deflate error".
 */
import { createHash } from 'node:crypto';
import { Unzlib } from 'fflate';
import { SlipDecoder, slipEncode } from '../../../main/devices/codecs/slip';
import { CHIP_DETECT_MAGIC_REG } from '../../../main/devices/esp32/chips';
import { OP, checksum } from '../../../main/devices/esp32/commands';
import { DeviceTimeoutError } from '../../../main/engine/errors';
import type { SerialLink } from '../../../main/devices/link/link';

export interface Esp32SimFaults {
  /** Answer this op with a failure status (0x06 "failed to act"), `times` times. */
  failOp?: { op: number; times: number; reason?: number };
  /** Stop answering once this many *_DATA blocks have been accepted. */
  silentAfterBlocks?: number;
  /** Never answer. */
  silent?: boolean;
  /** Report this chip-detect magic instead (wrong chip). */
  magic?: number;
  /** Status bytes per response (ESP32/S3 ROM: 4; ESP8266 ROM and stubs: 2). */
  statusLength?: 2 | 4;
  /** The flash byte at this offset is stuck at 0x00 (a failing flash cell). */
  stuckByteAt?: number;
}

export interface Esp32SimStats {
  syncs: number;
  blocks: number;
  duplicates: number;
  erasedSectors: number;
  bauds: number[];
  commands: number[];
}

const SECTOR = 0x1000;

export class Esp32Sim {
  readonly flash: Uint8Array;
  readonly stats: Esp32SimStats = {
    syncs: 0,
    blocks: 0,
    duplicates: 0,
    erasedSectors: 0,
    bauds: [],
    commands: [],
  };
  private stopped = false;
  /** Last SPI_SET_PARAMS. */
  flashParams:
    | { totalSize: number; blockSize: number; sectorSize: number; pageSize: number; statusMask: number }
    | undefined;
  private write:
    | { offset: number; pos: number; blocks: number; nextSeq: number; inflate?: Unzlib; deflate: boolean }
    | undefined;

  constructor(
    readonly chip: 'esp32' | 'esp32s3' = 'esp32',
    public faults: Esp32SimFaults = {},
    flashSize = 4 << 20,
  ) {
    this.flash = new Uint8Array(flashSize).fill(0xff);
  }

  stop(): void {
    this.stopped = true;
  }

  private get statusLength() {
    return this.faults.statusLength ?? 4;
  }

  async serve(t: SerialLink): Promise<void> {
    const dec = new SlipDecoder();
    this.write = undefined;
    try {
      while (!this.stopped) {
        let chunk: Uint8Array;
        try {
          chunk = await t.readSome(200);
        } catch (e) {
          if (e instanceof DeviceTimeoutError) continue;
          throw e;
        }
        for (const f of dec.push(chunk)) await this.handle(t, f);
      }
    } catch (e) {
      if ((e as { code?: string }).code === 'DEVICE_DISCONNECTED' || this.stopped) return;
      throw e;
    }
  }

  private async respond(
    t: SerialLink,
    op: number,
    value: number,
    data: Uint8Array = new Uint8Array(0),
    error = 0,
  ): Promise<void> {
    if (this.faults.silent) return;
    const body = new Uint8Array(8 + data.length + this.statusLength);
    const v = new DataView(body.buffer);
    body[0] = 0x01;
    body[1] = op;
    v.setUint16(2, data.length + this.statusLength, true);
    v.setUint32(4, value >>> 0, true);
    body.set(data, 8);
    if (error) {
      body[8 + data.length] = 1;
      body[9 + data.length] = error;
    }
    await t.write(slipEncode(body));
  }

  private erase(offset: number, size: number): void {
    const start = Math.floor(offset / SECTOR) * SECTOR;
    const end = Math.min(this.flash.length, Math.ceil((offset + size) / SECTOR) * SECTOR);
    this.flash.fill(0xff, start, end);
    this.stats.erasedSectors += (end - start) / SECTOR;
  }

  private program(bytes: Uint8Array): boolean {
    const w = this.write!;
    if (w.offset + w.pos + bytes.length > this.flash.length) return false;
    for (let i = 0; i < bytes.length; i++) this.flash[w.offset + w.pos + i] &= bytes[i];
    w.pos += bytes.length;
    if (this.faults.stuckByteAt !== undefined) this.flash[this.faults.stuckByteAt] = 0x00;
    return true;
  }

  private async handle(t: SerialLink, f: Uint8Array): Promise<void> {
    if (f.length < 8 || f[0] !== 0x00) return;
    const v = new DataView(f.buffer, f.byteOffset, f.byteLength);
    const op = f[1];
    const size = v.getUint16(2, true);
    const chk = v.getUint32(4, true);
    const data = f.subarray(8);
    if (data.length !== size) return this.respond(t, op, 0, undefined, 0x05);
    this.stats.commands.push(op);
    const word = (i: number) => (data.length >= 4 * i + 4 ? v.getUint32(8 + 4 * i, true) : 0);
    const fail = this.faults.failOp;
    if (fail && fail.op === op && fail.times > 0) {
      fail.times--;
      return this.respond(t, op, 0, undefined, fail.reason ?? 0x06);
    }
    switch (op) {
      case OP.SYNC: {
        if (size !== 36 || data[0] !== 0x07 || data[1] !== 0x07 || data[2] !== 0x12 || data[3] !== 0x20)
          return;
        this.stats.syncs++;
        // The ROM answers one SYNC eight times.
        for (let i = 0; i < 8; i++) await this.respond(t, op, 0);
        return;
      }
      case OP.READ_REG: {
        const reg = word(0);
        const value =
          reg === CHIP_DETECT_MAGIC_REG
            ? (this.faults.magic ?? (this.chip === 'esp32' ? 0x00f01d83 : 0x9))
            : 0;
        return this.respond(t, op, value);
      }
      case OP.SPI_ATTACH:
        return this.respond(t, op, 0, undefined, size === 8 ? 0 : 0x05);
      case OP.SPI_SET_PARAMS: {
        if (size !== 24) return this.respond(t, op, 0, undefined, 0x05);
        this.flashParams = {
          totalSize: word(1),
          blockSize: word(2),
          sectorSize: word(3),
          pageSize: word(4),
          statusMask: word(5),
        };
        return this.respond(t, op, 0);
      }
      case OP.CHANGE_BAUDRATE: {
        await this.respond(t, op, 0);
        this.stats.bauds.push(word(0));
        // The ROM switches after its reply has left the UART; give a PTY's far end time to take it.
        await new Promise((r) => setTimeout(r, 20));
        await t.setBaud(word(0));
        return;
      }
      case OP.READ_FLASH_SLOW: {
        if (this.chip !== 'esp32') return this.respond(t, op, 0, undefined, 0x05);
        const [addr, len] = [word(0), word(1)];
        if (len > 64 || addr + len > this.flash.length) return this.respond(t, op, 0, undefined, 0x0a);
        const out = new Uint8Array(64).fill(0xff);
        out.set(this.flash.subarray(addr, addr + len));
        return this.respond(t, op, 0, out);
      }
      case OP.FLASH_BEGIN:
      case OP.FLASH_DEFL_BEGIN: {
        const words = this.chip === 'esp32s3' ? 5 : 4;
        if (size !== words * 4) return this.respond(t, op, 0, undefined, 0x05);
        const [eraseSize, blocks, blockSize, offset] = [word(0), word(1), word(2), word(3)];
        // Model of the ROM's bounds check: against the announced chip size when there is one.
        const limit = Math.min(this.flash.length, this.flashParams?.totalSize ?? this.flash.length);
        if (blockSize !== 0x400 || offset % SECTOR !== 0 || offset + eraseSize > limit) {
          return this.respond(t, op, 0, undefined, 0x06);
        }
        this.erase(offset, eraseSize);
        const deflate = op === OP.FLASH_DEFL_BEGIN;
        this.write = { offset, pos: 0, blocks, nextSeq: 0, deflate };
        if (deflate) {
          const inflate = new Unzlib((chunk) => {
            if (!this.program(chunk)) throw new Error('write past the end of flash');
          });
          this.write.inflate = inflate;
        }
        return this.respond(t, op, 0);
      }
      case OP.FLASH_DATA:
      case OP.FLASH_DEFL_DATA:
        return this.data(t, op, data, chk, word);
      case OP.FLASH_END:
      case OP.FLASH_DEFL_END:
        this.write = undefined;
        return this.respond(t, op, 0);
      case OP.SPI_FLASH_MD5: {
        const [addr, len] = [word(0), word(1)];
        if (addr + len > this.flash.length) return this.respond(t, op, 0, undefined, 0x0a);
        const hex = createHash('md5')
          .update(this.flash.subarray(addr, addr + len))
          .digest('hex');
        return this.respond(
          t,
          op,
          0,
          Uint8Array.from(hex, (c) => c.charCodeAt(0)),
        );
      }
      default:
        return this.respond(t, op, 0, undefined, 0x05);
    }
  }

  private async data(
    t: SerialLink,
    op: number,
    data: Uint8Array,
    chk: number,
    word: (i: number) => number,
  ): Promise<void> {
    const w = this.write;
    const deflate = op === OP.FLASH_DEFL_DATA;
    if (!w || w.deflate !== deflate) return this.respond(t, op, 0, undefined, 0x06);
    const [len, seq] = [word(0), word(1)];
    const block = data.subarray(16);
    if (block.length !== len) return this.respond(t, op, 0, undefined, 0x05);
    if (checksum(block) !== (chk & 0xff)) return this.respond(t, op, 0, undefined, 0x07);
    // A re-sent block whose answer was lost: already applied, acknowledge again.
    if (seq === w.nextSeq - 1) {
      this.stats.duplicates++;
      return this.respond(t, op, 0);
    }
    if (seq !== w.nextSeq || seq >= w.blocks) return this.respond(t, op, 0, undefined, 0x06);
    try {
      if (deflate) w.inflate!.push(block, seq === w.blocks - 1);
      else if (!this.program(block)) return this.respond(t, op, 0, undefined, 0x08);
    } catch {
      return this.respond(t, op, 0, undefined, 0x0b);
    }
    w.nextSeq++;
    this.stats.blocks++;
    if (this.faults.silentAfterBlocks !== undefined && this.stats.blocks >= this.faults.silentAfterBlocks)
      this.faults.silent = true;
    return this.respond(t, op, 0);
  }
}
