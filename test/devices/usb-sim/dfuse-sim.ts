/**
 * An STM32 system bootloader's DfuSe interface (ST AN3156) on top of the DFU 1.1 state machine:
 * bcdDFU 0x011A, a memory layout in the interface string, commands in DNLOAD block 0 (0x21 set
 * address pointer, 0x41 erase the sector holding an address, 0x41 alone mass erase), data at
 * pointer + (block − 2) × wTransferSize, UPLOAD of memory the same way (block 0: the command
 * list), and leaving through a zero-length DNLOAD: the device answers dfuMANIFEST once and then
 * runs the application (it is gone from the bus). Flash behaves like flash: a write can only
 * clear bits, so a block written without an erase reads back wrong. Memory starts full of an
 * old pattern (0x5A), not erased.
 */
import {
  parseMemoryLayout,
  type MemoryLayout,
  type MemorySector,
} from '../../../main/devices/dfuse/memory-layout';
import { DfuSimDevice, ERR, type DfuSimOptions } from './dfu-sim';

export const F4_LAYOUT = '@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg';

export class DfuseSimDevice extends DfuSimDevice {
  readonly layout: MemoryLayout;
  readonly memory: Uint8Array;
  readonly base: number;
  pointer = 0;
  /** Where the application was started, once the device left DFU mode. */
  leftTo: number | undefined;
  readonly erased: number[] = [];

  constructor(options: Partial<DfuSimOptions> = {}) {
    super({
      vid: 0x0483,
      pid: 0xdf11,
      dfuVersion: 0x011a,
      transferSize: 1024,
      altNames: [F4_LAYOUT],
      ...options,
    });
    this.layout = parseMemoryLayout(this.options.altNames[0]);
    this.base = this.layout.sectors[0].start;
    const last = this.layout.sectors.at(-1)!;
    this.memory = new Uint8Array(last.start + last.size - this.base).fill(0x5a);
  }

  /** The bytes at `address` as the flash holds them. */
  read(address: number, length: number): Uint8Array {
    return this.memory.slice(address - this.base, address - this.base + length);
  }

  private sectorAt(address: number): MemorySector | undefined {
    return this.layout.sectors.find((s) => address >= s.start && address < s.start + s.size);
  }

  protected override startDownload(): void {}

  protected override writeBlock(block: number, data: Uint8Array): number {
    if (block === 0) return this.command(data);
    if (block === 1) return ERR.errTARGET;
    const at = this.pointer + (block - 2) * this.options.transferSize;
    for (let i = 0; i < data.length; i++) {
      const s = this.sectorAt(at + i);
      if (!s?.writable) return ERR.errADDRESS;
    }
    for (let i = 0; i < data.length; i++) this.memory[at - this.base + i] &= data[i];
    return ERR.OK;
  }

  private command(data: Uint8Array): number {
    const address =
      data.length === 5 ? (data[1] | (data[2] << 8) | (data[3] << 16) | (data[4] << 24)) >>> 0 : 0;
    if (data[0] === 0x21 && data.length === 5) {
      this.pointer = address;
      return ERR.OK;
    }
    if (data[0] === 0x41 && data.length === 5) {
      const s = this.sectorAt(address);
      if (!s?.erasable) return ERR.errTARGET;
      this.memory.fill(0xff, s.start - this.base, s.start - this.base + s.size);
      this.erased.push(s.start);
      return ERR.OK;
    }
    return ERR.errTARGET;
  }

  protected override readBlock(block: number, length: number): Uint8Array | undefined {
    if (block === 0) return Uint8Array.of(0x00, 0x21, 0x41).slice(0, length);
    if (block === 1) return undefined;
    const at = this.pointer + (block - 2) * this.options.transferSize;
    if (!this.sectorAt(at)?.readable) return undefined;
    return this.read(at, Math.min(length, this.base + this.memory.length - at));
  }

  protected override manifest(): number {
    return ERR.OK;
  }

  protected override manifestStarted(): void {
    this.leftTo = this.pointer;
    this.gone = true; // the application runs: the bootloader's device is off the bus
  }
}
