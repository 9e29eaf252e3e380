/**
 * STM32 system bootloader simulator (AN3155, USART), a test tool. It serves one SerialLink
 * (the device end of a fake link, or the far end of a PTY pair) and keeps its flash across
 * sessions, so a retry after a fault sees what the failed attempt left behind.
 *
 * Flash semantics are a NOR flash's: erase sets a whole sector to 0xFF, programming can only
 * clear bits (new = old & data), so a write without the matching erase is visible on read-back.
 */
import { DeviceTimeoutError } from '../../../main/engine/errors';
import { stm32ChipByPid, flashEnd, type Stm32Chip } from '../../../main/devices/stm32/chips';
import type { SerialLink } from '../../../main/devices/link/link';

const ACK = 0x79;
const NACK = 0x1f;

export interface Stm32SimFaults {
  /** NAK the data phase of Write Memory at this address, `times` times. */
  nakWriteAt?: { address: number; times: number };
  /** Stop answering (hang) once this many Write Memory commands have been served. */
  silentAfterWrites?: number;
  /** Report this product ID instead of the chip's (wrong chip). */
  pid?: number;
  /** Offer only the legacy Erase (0x43) in Get. */
  legacyErase?: boolean;
  /** Never answer anything. */
  silent?: boolean;
}

export interface Stm32SimStats {
  syncs: number;
  erasedSectors: number[];
  writes: number;
  reads: number;
  naks: number;
  wentTo: number | undefined;
}

export class Stm32Sim {
  readonly chip: Stm32Chip;
  readonly flash: Uint8Array;
  readonly stats: Stm32SimStats = {
    syncs: 0,
    erasedSectors: [],
    writes: 0,
    reads: 0,
    naks: 0,
    wentTo: undefined,
  };
  private synced = false;
  private stopped = false;

  constructor(
    pid = 0x421,
    public faults: Stm32SimFaults = {},
  ) {
    const chip = stm32ChipByPid(pid);
    if (!chip) throw new Error(`no layout for PID 0x${pid.toString(16)}`);
    this.chip = chip;
    // Factory state of a blank part: all ones.
    this.flash = new Uint8Array(flashEnd(chip) - chip.flashStart).fill(0xff);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Bytes at a flash address. */
  region(address: number, length: number): Uint8Array {
    const o = address - this.chip.flashStart;
    return this.flash.subarray(o, o + length);
  }

  /** Serves one connection until it closes or stop() is called. A board reset drops sync. */
  async serve(t: SerialLink): Promise<void> {
    this.synced = false;
    try {
      while (!this.stopped) await this.step(t);
    } catch (e) {
      if (this.stopped) return;
      const code = (e as { code?: string }).code;
      if (code === 'DEVICE_DISCONNECTED') return;
      throw e;
    }
  }

  private async byte(t: SerialLink): Promise<number> {
    return (await this.bytes(t, 1))[0];
  }

  private async bytes(t: SerialLink, n: number): Promise<Uint8Array> {
    while (true) {
      if (this.stopped) throw Object.assign(new Error('stopped'), { code: 'DEVICE_DISCONNECTED' });
      try {
        return await t.read(n, 200);
      } catch (e) {
        if (!(e instanceof DeviceTimeoutError)) throw e;
      }
    }
  }

  private async reply(t: SerialLink, bytes: number[] | Uint8Array): Promise<void> {
    if (this.faults.silent) return;
    await t.write(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  }

  private async nack(t: SerialLink): Promise<void> {
    this.stats.naks++;
    await this.reply(t, [NACK]);
  }

  private async address(t: SerialLink): Promise<number | undefined> {
    const a = await this.bytes(t, 5);
    if ((a[0] ^ a[1] ^ a[2] ^ a[3]) !== a[4]) return undefined;
    return ((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0;
  }

  private inFlash(address: number, n: number): boolean {
    return address >= this.chip.flashStart && address + n <= this.chip.flashStart + this.flash.length;
  }

  private async step(t: SerialLink): Promise<void> {
    if (!this.synced) {
      // Before auto-baud the bootloader ignores everything except 0x7F.
      if ((await this.byte(t)) === 0x7f) {
        this.synced = true;
        this.stats.syncs++;
        await this.reply(t, [ACK]);
      }
      return;
    }
    const cmd = await this.byte(t);
    const inv = await this.byte(t);
    if ((cmd ^ inv) !== 0xff) return this.nack(t);
    switch (cmd) {
      case 0x00: {
        const cmds = [
          0x00,
          0x01,
          0x02,
          0x11,
          0x21,
          0x31,
          this.faults.legacyErase ? 0x43 : 0x44,
          0x63,
          0x73,
          0x82,
          0x92,
        ];
        return this.reply(t, [ACK, cmds.length, 0x31, ...cmds, ACK]);
      }
      case 0x01:
        return this.reply(t, [ACK, 0x31, 0x00, 0x00, ACK]);
      case 0x02: {
        const pid = this.faults.pid ?? this.chip.pid;
        return this.reply(t, [ACK, 0x01, pid >> 8, pid & 0xff, ACK]);
      }
      case 0x11:
        return this.readMemory(t);
      case 0x21: {
        await this.reply(t, [ACK]);
        const a = await this.address(t);
        if (a === undefined || !this.inFlash(a, 4)) return this.nack(t);
        this.stats.wentTo = a;
        await this.reply(t, [ACK]);
        // The application runs now: the bootloader is gone until the next reset.
        this.synced = false;
        return;
      }
      case 0x31:
        return this.writeMemory(t);
      case 0x43:
        if (!this.faults.legacyErase) return this.nack(t);
        return this.legacyErase(t);
      case 0x44:
        if (this.faults.legacyErase) return this.nack(t);
        return this.extendedErase(t);
      default:
        return this.nack(t);
    }
  }

  private async readMemory(t: SerialLink): Promise<void> {
    await this.reply(t, [ACK]);
    const a = await this.address(t);
    if (a === undefined) return this.nack(t);
    await this.reply(t, [ACK]);
    const n1 = await this.byte(t);
    const c = await this.byte(t);
    if ((n1 ^ c) !== 0xff || !this.inFlash(a, n1 + 1)) return this.nack(t);
    this.stats.reads++;
    await this.reply(t, [ACK]);
    await this.reply(t, this.region(a, n1 + 1).slice());
  }

  private async writeMemory(t: SerialLink): Promise<void> {
    if (this.faults.silentAfterWrites !== undefined && this.stats.writes >= this.faults.silentAfterWrites) {
      this.faults.silent = true;
    }
    await this.reply(t, [ACK]);
    const a = await this.address(t);
    if (a === undefined || a % 4 !== 0) return this.nack(t);
    await this.reply(t, [ACK]);
    const n1 = await this.byte(t);
    const data = await this.bytes(t, n1 + 1);
    const cks = await this.byte(t);
    let x = n1;
    for (const b of data) x ^= b;
    if (x !== cks || (n1 + 1) % 4 !== 0 || !this.inFlash(a, n1 + 1)) return this.nack(t);
    // Flash-word programming (H7: 32 bytes, L4: 8): partial words are refused.
    if (a % this.chip.writeUnit !== 0 || (n1 + 1) % this.chip.writeUnit !== 0) return this.nack(t);
    const nak = this.faults.nakWriteAt;
    if (nak && nak.address === a && nak.times > 0) {
      nak.times--;
      return this.nack(t);
    }
    // NOR programming: bits can only go from 1 to 0.
    const dst = this.region(a, data.length);
    for (let i = 0; i < data.length; i++) dst[i] &= data[i];
    this.stats.writes++;
    await this.reply(t, [ACK]);
  }

  private eraseNumbers(numbers: number[]): boolean {
    const sectors = numbers.map((n) => this.chip.sectors.find((s) => s.number === n));
    if (sectors.some((s) => !s)) return false;
    for (const s of sectors) {
      this.region(s!.start, s!.size).fill(0xff);
      this.stats.erasedSectors.push(s!.number);
    }
    return true;
  }

  private async extendedErase(t: SerialLink): Promise<void> {
    await this.reply(t, [ACK]);
    const nn = await this.bytes(t, 2);
    const n = (nn[0] << 8) | nn[1];
    if (n >= 0xfff0) {
      // Special erases (mass, bank 1, bank 2): one checksum byte follows.
      const c = await this.byte(t);
      if ((nn[0] ^ nn[1]) !== c) return this.nack(t);
      if (n === 0xffff) this.eraseNumbers(this.chip.sectors.map((s) => s.number));
      else return this.nack(t);
      return this.reply(t, [ACK]);
    }
    const list = await this.bytes(t, (n + 1) * 2);
    const c = await this.byte(t);
    let x = nn[0] ^ nn[1];
    for (const b of list) x ^= b;
    if (x !== c) return this.nack(t);
    const numbers: number[] = [];
    for (let i = 0; i < list.length; i += 2) numbers.push((list[i] << 8) | list[i + 1]);
    if (!this.eraseNumbers(numbers)) return this.nack(t);
    await this.reply(t, [ACK]);
  }

  private async legacyErase(t: SerialLink): Promise<void> {
    await this.reply(t, [ACK]);
    const n = await this.byte(t);
    if (n === 0xff) {
      if ((await this.byte(t)) !== 0x00) return this.nack(t);
      this.eraseNumbers(this.chip.sectors.map((s) => s.number));
      return this.reply(t, [ACK]);
    }
    const list = await this.bytes(t, n + 1);
    const c = await this.byte(t);
    let x = n;
    for (const b of list) x ^= b;
    if (x !== c || !this.eraseNumbers(Array.from(list))) return this.nack(t);
    await this.reply(t, [ACK]);
  }
}
