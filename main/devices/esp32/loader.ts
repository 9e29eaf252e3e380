import { DeviceProtocolError, DeviceTimeoutError } from '../../engine/errors';
import { SlipDecoder, slipEncode } from '../codecs/slip';
import { sleep } from '../flash-job';
import { wireTimeMs } from '../link/byte-stream';
import type { SerialLink } from '../link/link';
import {
  OP,
  ROM_ERRORS,
  SYNC_PAYLOAD,
  checksum,
  decodeResponse,
  encodeRequest,
  words,
  type Response,
} from './commands';

export interface LoaderOptions {
  /** Current line speed, for timeouts. */
  baud: number;
  /** Base reply budget in ms on top of wire time (esptool's DEFAULT_TIMEOUT is 3 s). */
  replyTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Request/response layer of the ESP32 ROM loader over SLIP. */
export class EspRomLoader {
  private decoder = new SlipDecoder();
  private frames: Uint8Array[] = [];
  statusLength = 4;
  baud: number;
  readonly replyTimeoutMs: number;

  constructor(
    private readonly t: SerialLink,
    private readonly opts: LoaderOptions,
  ) {
    this.baud = opts.baud;
    this.replyTimeoutMs = opts.replyTimeoutMs ?? 3000;
  }

  private async nextFrame(deadline: number): Promise<Uint8Array> {
    while (this.frames.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new DeviceTimeoutError('ESP32 ROM: no reply in time');
      const chunk = await this.t.readSome(left, this.opts.signal);
      this.frames.push(...this.decoder.push(chunk));
    }
    return this.frames.shift()!;
  }

  /** Drops buffered input and half-decoded frames (after a timeout, before a retry). */
  flush(): void {
    this.t.discardInput();
    this.decoder.reset();
    this.frames = [];
  }

  /**
   * Sends one request and waits for the response with the same op, skipping stale frames and
   * noise. A failure status becomes DeviceProtocolError naming the ROM's reason.
   */
  async command(op: number, data: Uint8Array, chk = 0, timeoutMs?: number): Promise<Response> {
    const req = encodeRequest(op, data, chk);
    const budget = timeoutMs ?? this.replyTimeoutMs + wireTimeMs(req.length * 2 + 64, this.baud, 10);
    await this.t.write(slipEncode(req));
    const deadline = Date.now() + budget;
    while (true) {
      let frame: Uint8Array;
      try {
        frame = await this.nextFrame(deadline);
      } catch (e) {
        if (e instanceof DeviceTimeoutError) {
          throw new DeviceTimeoutError(
            `ESP32 ROM did not answer command 0x${op.toString(16)} within ${budget} ms`,
          );
        }
        throw e;
      }
      const r = decodeResponse(frame, this.statusLength);
      if (!r || r.op !== op) continue;
      if (r.status[0] !== 0) {
        const reason = ROM_ERRORS[r.status[1]] ?? `error 0x${r.status[1].toString(16)}`;
        throw new DeviceProtocolError(`ESP32 ROM rejected command 0x${op.toString(16)}: ${reason}`);
      }
      return r;
    }
  }

  /**
   * SYNC until the ROM answers (its auto-baud needs a few tries after reset), then drain the
   * extra replies it sends to one SYNC so they cannot be taken for later answers.
   */
  async sync(attempts = 10): Promise<void> {
    this.flush();
    for (let i = 0; i < attempts; i++) {
      try {
        await this.command(OP.SYNC, SYNC_PAYLOAD, 0, 100 + wireTimeMs(100, this.baud, 10));
        await this.drain(100);
        return;
      } catch (e) {
        if (!(e instanceof DeviceTimeoutError || e instanceof DeviceProtocolError)) throw e;
        this.flush();
      }
    }
    throw new DeviceTimeoutError(
      `ESP32 ROM did not answer SYNC after ${attempts} attempts`,
      'hold BOOT (IO0) while pressing EN/RESET to enter the download mode, or check the port',
    );
  }

  /** Reads and discards frames until the line is quiet for quietMs. */
  async drain(quietMs: number): Promise<void> {
    while (true) {
      try {
        await this.t.readSome(quietMs, this.opts.signal);
      } catch (e) {
        if (e instanceof DeviceTimeoutError) break;
        throw e;
      }
    }
    this.flush();
  }

  async readReg(address: number): Promise<number> {
    return (await this.command(OP.READ_REG, words(address))).value;
  }

  /** ROM SPI_ATTACH takes 8 bytes: the pin config word (0 = default SPI pins) and a legacy flag. */
  async spiAttach(): Promise<void> {
    await this.command(OP.SPI_ATTACH, words(0, 0));
  }

  /**
   * SPI_SET_PARAMS: tells the ROM the flash geometry (its "flashchip" struct) as esptool does
   * before writing: id 0, total size, 64 KB block, 4 KB sector, 256 B page, status mask 0xFFFF.
   */
  async spiSetParams(totalSize: number): Promise<void> {
    await this.command(OP.SPI_SET_PARAMS, words(0, totalSize, 64 * 1024, 4 * 1024, 256, 0xffff));
  }

  /** CHANGE_BAUDRATE (new, old = 0 for the ROM), then move the host side after the ACK. */
  async changeBaud(baud: number): Promise<void> {
    await this.command(OP.CHANGE_BAUDRATE, words(baud, 0));
    await this.t.setBaud(baud);
    this.baud = baud;
    await sleep(50, this.opts.signal);
    this.flush();
  }

  /** READ_FLASH_SLOW (ESP32 ROM only): 64 bytes per command. */
  async readFlash(address: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    for (let off = 0; off < length; off += 64) {
      const n = Math.min(64, length - off);
      const r = await this.command(OP.READ_FLASH_SLOW, words(address + off, n));
      if (r.data.length < n)
        throw new DeviceProtocolError(`READ_FLASH_SLOW returned ${r.data.length} of ${n} bytes`);
      out.set(r.data.subarray(0, n), off);
    }
    return out;
  }

  /** SPI_FLASH_MD5 over [address, address + size): the ROM answers 32 hex characters. */
  async flashMd5(address: number, size: number): Promise<string> {
    // The ROM hashes at flash read speed; esptool allows 8 s per MB.
    const timeout = this.replyTimeoutMs + Math.ceil((8000 * size) / (1 << 20));
    const r = await this.command(OP.SPI_FLASH_MD5, words(address, size, 0, 0), 0, timeout);
    if (r.data.length === 32) return String.fromCharCode(...r.data).toLowerCase();
    if (r.data.length === 16) return Array.from(r.data, (b) => b.toString(16).padStart(2, '0')).join('');
    throw new DeviceProtocolError(`SPI_FLASH_MD5 returned ${r.data.length} bytes`);
  }

  /** *_DATA packet: [len][seq][0][0] + block, checksum over the block. */
  async sendBlock(op: number, block: Uint8Array, seq: number, timeoutMs: number): Promise<void> {
    const data = new Uint8Array(16 + block.length);
    data.set(words(block.length, seq, 0, 0));
    data.set(block, 16);
    await this.command(op, data, checksum(block), timeoutMs);
  }
}
