import { DeviceProtocolError, DeviceTimeoutError, InvalidArgumentError } from '../../engine/errors';
import { wireTimeMs } from '../link/byte-stream';
import type { SerialLink } from '../link/link';

/** AN3155 (STM32 USART bootloader) command layer. */
export const ACK = 0x79;
export const NACK = 0x1f;
export const SYNC = 0x7f;
export const CMD = {
  GET: 0x00,
  GET_VERSION: 0x01,
  GET_ID: 0x02,
  READ: 0x11,
  GO: 0x21,
  WRITE: 0x31,
  ERASE: 0x43,
  EXTENDED_ERASE: 0x44,
} as const;

export function xor(bytes: ArrayLike<number>, seed = 0): number {
  let x = seed;
  for (let i = 0; i < bytes.length; i++) x ^= bytes[i];
  return x & 0xff;
}

/** 4-byte big-endian address followed by its XOR checksum. */
export function addressFrame(address: number): Uint8Array {
  const a = [(address >>> 24) & 0xff, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff];
  return Uint8Array.from([...a, xor(a)]);
}

export interface BootloaderInfo {
  version: number;
  commands: number[];
}

export class Stm32Bootloader {
  /** Per-reply budget on top of wire time: bootloader processing, USB-serial latency. */
  constructor(
    private readonly t: SerialLink,
    private readonly baud: number,
    private readonly slackMs = 500,
    private readonly signal?: AbortSignal,
  ) {}

  private budget(bytesOnWire: number, extraMs = 0): number {
    return wireTimeMs(bytesOnWire, this.baud) + this.slackMs + extraMs;
  }

  private async expectAck(what: string, timeoutMs: number): Promise<void> {
    const [b] = await this.t.read(1, timeoutMs, this.signal);
    if (b === ACK) return;
    if (b === NACK) throw new DeviceProtocolError(`${what}: bootloader answered NACK`);
    throw new DeviceProtocolError(`${what}: expected ACK (0x79), got 0x${b.toString(16).padStart(2, '0')}`);
  }

  /**
   * 0x7F lets the bootloader measure the baud rate. ACK means synced; NACK means it already was
   * (a previous session left it in command mode) and answered our 0x7F as a bad command.
   */
  async sync(attempts = 4, timeoutMs = 300): Promise<void> {
    let lastErr: unknown;
    for (let i = 0; i < attempts; i++) {
      this.t.discardInput();
      await this.t.write(Uint8Array.of(SYNC));
      try {
        const [b] = await this.t.read(1, timeoutMs, this.signal);
        if (b === ACK || b === NACK) return;
        lastErr = new DeviceProtocolError(`sync: unexpected byte 0x${b.toString(16)}`);
      } catch (e) {
        if (!(e instanceof DeviceTimeoutError)) throw e;
        lastErr = e;
      }
    }
    if (lastErr instanceof DeviceTimeoutError) {
      // A bootloader left mid-command by an earlier session (host crash, pulled cable on a
      // self-powered board) swallows 0x7F as data: complete that command and listen again.
      try {
        await this.resync();
        return;
      } catch (e) {
        if (!(e instanceof DeviceTimeoutError)) throw e;
      }
      throw new DeviceTimeoutError(
        `STM32 bootloader did not answer the 0x7F sync after ${attempts} attempts`,
        'set BOOT0 high and reset the board, check TX/RX wiring and the port',
      );
    }
    throw lastErr;
  }

  /**
   * Gets back in step after a fault: any half-received command is completed with filler and
   * rejected (its checksum fails), then we wait for the NACK that says the bootloader listens.
   */
  async resync(): Promise<void> {
    // A Write Memory can be waiting for up to 258 bytes: 150 pairs always complete it. Each
    // pair gets a short wait only; pairs sent before a late NACK arrives are themselves
    // rejected with NACKs, which the quiet-wait below discards.
    for (let i = 0; i < 150; i++) {
      await this.t.write(Uint8Array.of(0xff, 0x00));
      try {
        const [b] = await this.t.read(1, 5 + wireTimeMs(4, this.baud), this.signal);
        if (b === NACK) {
          await this.drainUntilQuiet(30);
          await this.realign();
          return;
        }
      } catch (e) {
        if (!(e instanceof DeviceTimeoutError)) throw e;
      }
    }
    throw new DeviceTimeoutError(
      'STM32 bootloader did not come back after an error',
      'reset the board into its bootloader',
    );
  }

  /**
   * Filler pairs can leave the bootloader holding the first byte of a pair (when the broken
   * command consumed an odd number of them). Get Version (01 FE) tells: in step, it answers
   * ACK; one byte behind, it sees [x, 01] and NACKs with FE pending, and a lone 01 completes
   * the valid-looking pair [FE, 01] (NACK), which puts it back in step.
   */
  private async realign(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.t.write(Uint8Array.of(CMD.GET_VERSION, CMD.GET_VERSION ^ 0xff));
      const [b] = await this.t.read(1, this.budget(3), this.signal);
      if (b === ACK) {
        await this.t.read(4, this.budget(5), this.signal); // version, 2 option bytes, ACK
        return;
      }
      await this.drainUntilQuiet(30);
      await this.t.write(Uint8Array.of(CMD.GET_VERSION));
      await this.drainUntilQuiet(30 + wireTimeMs(2, this.baud));
    }
    throw new DeviceProtocolError('STM32 bootloader stays out of step after a resync');
  }

  private async drainUntilQuiet(quietMs: number): Promise<void> {
    while (true) {
      try {
        await this.t.readSome(quietMs, this.signal);
      } catch (e) {
        if (e instanceof DeviceTimeoutError) return;
        throw e;
      }
    }
  }

  async command(cmd: number, what: string, timeoutMs = this.budget(3)): Promise<void> {
    await this.t.write(Uint8Array.of(cmd, cmd ^ 0xff));
    await this.expectAck(what, timeoutMs);
  }

  async get(): Promise<BootloaderInfo> {
    await this.command(CMD.GET, 'Get');
    const [n] = await this.t.read(1, this.budget(1), this.signal);
    const rest = await this.t.read(n + 1, this.budget(n + 2), this.signal);
    await this.expectAck('Get (end)', this.budget(1));
    return { version: rest[0], commands: Array.from(rest.subarray(1)) };
  }

  async getId(): Promise<number> {
    await this.command(CMD.GET_ID, 'Get ID');
    const [n] = await this.t.read(1, this.budget(1), this.signal);
    const id = await this.t.read(n + 1, this.budget(n + 2), this.signal);
    await this.expectAck('Get ID (end)', this.budget(1));
    if (id.length < 2) throw new DeviceProtocolError(`Get ID: ${id.length}-byte product ID`);
    return (id[0] << 8) | id[1];
  }

  async readMemory(address: number, n: number): Promise<Uint8Array> {
    if (n < 1 || n > 256) throw new InvalidArgumentError(`Read Memory takes 1..256 bytes, not ${n}`);
    await this.command(CMD.READ, 'Read Memory');
    await this.t.write(addressFrame(address));
    await this.expectAck(`Read Memory @0x${address.toString(16)}`, this.budget(6));
    await this.t.write(Uint8Array.of(n - 1, (n - 1) ^ 0xff));
    await this.expectAck('Read Memory (length)', this.budget(3));
    return this.t.read(n, this.budget(n + 1), this.signal);
  }

  /** Writes ≤ 256 bytes at a 4-aligned address; the length is padded to a multiple of 4 with 0xFF. */
  async writeMemory(address: number, data: Uint8Array): Promise<void> {
    if (address % 4 !== 0)
      throw new InvalidArgumentError(`Write Memory address 0x${address.toString(16)} is not 4-aligned`);
    if (data.length < 1 || data.length > 256)
      throw new InvalidArgumentError(`Write Memory takes 1..256 bytes, not ${data.length}`);
    const len = (data.length + 3) & ~3;
    const frame = new Uint8Array(len + 2).fill(0xff);
    frame[0] = len - 1;
    frame.set(data, 1);
    frame[len + 1] = xor(frame.subarray(0, len + 1));
    await this.command(CMD.WRITE, 'Write Memory');
    await this.t.write(addressFrame(address));
    await this.expectAck(`Write Memory @0x${address.toString(16)}`, this.budget(6));
    await this.t.write(frame);
    // Programming 256 bytes takes ~ms on F4/F7/H7 (16 µs per word worst case, RM0390 table).
    await this.expectAck(`Write Memory data @0x${address.toString(16)}`, this.budget(frame.length + 1, 100));
  }

  /** Extended Erase (0x44) of the given sector/page numbers. Sector erase can take seconds (2 s per 128 KB on F4). */
  async extendedErase(numbers: number[]): Promise<void> {
    if (numbers.length === 0 || numbers.length > 0xfff0)
      throw new InvalidArgumentError(`cannot erase ${numbers.length} sectors`);
    const frame: number[] = [((numbers.length - 1) >> 8) & 0xff, (numbers.length - 1) & 0xff];
    for (const s of numbers) frame.push((s >> 8) & 0xff, s & 0xff);
    frame.push(xor(frame));
    await this.command(CMD.EXTENDED_ERASE, 'Extended Erase');
    await this.t.write(Uint8Array.from(frame));
    await this.expectAck('Extended Erase', this.budget(frame.length + 1, 4000 * numbers.length));
  }

  /** Legacy Erase (0x43): one-byte page numbers. */
  async erase(numbers: number[]): Promise<void> {
    if (numbers.length === 0 || numbers.length > 255 || numbers.some((n) => n > 0xff)) {
      throw new InvalidArgumentError('legacy Erase takes 1..255 page numbers below 256');
    }
    const frame = [numbers.length - 1, ...numbers];
    frame.push(xor(frame));
    await this.command(CMD.ERASE, 'Erase');
    await this.t.write(Uint8Array.from(frame));
    await this.expectAck('Erase', this.budget(frame.length + 1, 4000 * numbers.length));
  }

  async go(address: number): Promise<void> {
    await this.command(CMD.GO, 'Go');
    await this.t.write(addressFrame(address));
    await this.expectAck(`Go @0x${address.toString(16)}`, this.budget(6));
  }
}
