/**
 * An RP2040 / RP2350 in BOOTSEL as the `usb` package presents it (a WebUSB-style device
 * object), implementing the PICOBOOT state machine of the datasheets (RP2040 section 2.8.5):
 * a test tool. The real driver opens it through WebUsbLink, exactly as it opens hardware.
 *
 * - Configuration: interface 0 mass storage (bulk 1 IN / 2 OUT), interface 1 PICOBOOT (vendor
 *   class, bulk 3 OUT / 4 IN), as the RP2040 ROM enumerates.
 * - Per command: 32-byte packet → data phase (IN or OUT) → zero-length acknowledgement the
 *   other way. A transfer in the wrong phase, or a refused command, stalls both endpoints until
 *   the interface reset request; the command-status request answers the last command's token.
 *   An IN transfer with nothing to send never completes (a NAKing endpoint).
 * - Checks as the ROM: magic, argument size, transfer length, flash range, erase 4 KiB and write
 *   256-byte alignment. Stricter than the ROM on one point: erase and write need exclusive
 *   access (the ROM refuses only when a drive write interleaves; the driver must always take it).
 * - NOR flash: erase sets 0xFF, a write can only clear bits. Flash survives replugs.
 * - REBOOT (RP2040) / REBOOT2 (RP2350): once acknowledged, the device is gone until `replug()`.
 * - Faults fire once each on the nth command of a kind: stall with a status, hang a phase,
 *   vanish mid-transfer, answer the status with another token, or keep a stuck flash byte.
 */
import type { UsbSetup } from '../../../main/devices/link/link';
import type { ListedUsbDevice } from '../../../main/devices/link/usb-backend';
import {
  ARGUMENT_BYTES,
  FLASH_BASE,
  FLASH_PAGE_BYTES,
  FLASH_SECTOR_BYTES,
  PC,
  PICOBOOT_IF_CMD_STATUS,
  PICOBOOT_IF_RESET,
  STATUS,
  argWords,
  decodeCommand,
  encodeStatus,
  isInCommand,
  type PicobootStatus,
} from '../../../main/devices/picoboot/protocol';

type CommandName = keyof typeof PC;
export interface PicobootFault {
  on: CommandName;
  /** Which occurrence of that command (1 = the first). */
  nth?: number;
  what: 'stall' | 'hang' | 'gone' | 'wrong-token';
  /** stall: the status code reported (default UNKNOWN_ERROR). */
  code?: number;
  /** hang / gone: the transfer it happens on (default: data, or the acknowledgement when none). */
  phase?: 'command' | 'data' | 'ack';
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'data-out'; expected: number; received: Uint8Array[]; got: number }
  | { kind: 'data-in'; bytes: Uint8Array }
  | { kind: 'ack-in' }
  | { kind: 'ack-out' }
  | { kind: 'stalled' };

const OUT_EP = 3;
const IN_EP = 4;
const PICOBOOT_INTERFACE = 1;
const NAMES = Object.fromEntries(Object.entries(PC).map(([k, v]) => [v, k])) as Record<number, CommandName>;

const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const goneError = () => new Error('LIBUSB_ERROR_NO_DEVICE');

export interface PicobootDeviceOptions {
  chip?: 'RP2040' | 'RP2350';
  /** Flash size in bytes (default 2 MiB). */
  flashBytes?: number;
  /** USB IDs to enumerate with (wrong IDs: another product). */
  vid?: number;
  pid?: number;
  /** Enumerate without the PICOBOOT interface (mass storage only). */
  withoutPicoboot?: boolean;
  faults?: PicobootFault[];
  /** A flash byte stuck at 0x00 (XIP address), to fail verification. */
  stuckZeroAt?: number;
  bus?: string;
  address?: number;
}

export class PicobootDevice implements ListedUsbDevice {
  readonly vendorId: number;
  readonly productId: number;
  readonly bus: string;
  readonly address: number;
  readonly ports: number[] = [2];
  readonly chip: 'RP2040' | 'RP2350';
  readonly flash: Uint8Array;
  /** Every command accepted or refused, by name, in order (what the tests assert on). */
  readonly log: string[] = [];
  gone = false;
  exclusive = 0;
  xipExited = false;
  rebooted = 0;
  private isOpen = false;
  private phase: Phase = { kind: 'idle' };
  private status: PicobootStatus = { token: 0, code: 0, commandId: 0, inProgress: false };
  private current: { id: number; args: Uint8Array; fault?: PicobootFault } | undefined;
  private readonly counts = new Map<CommandName, number>();
  private readonly faults: PicobootFault[];
  private readonly pending = new Set<(e: Error) => void>();

  constructor(private readonly opts: PicobootDeviceOptions = {}) {
    this.chip = opts.chip ?? 'RP2040';
    this.vendorId = opts.vid ?? 0x2e8a;
    this.productId = opts.pid ?? (this.chip === 'RP2040' ? 0x0003 : 0x000f);
    this.bus = opts.bus ?? '1-2';
    this.address = opts.address ?? 7;
    this.flash = new Uint8Array(opts.flashBytes ?? 2 * 1024 * 1024).fill(0xff);
    this.faults = [...(opts.faults ?? [])];
  }

  get opened(): boolean {
    return this.isOpen;
  }

  /** Plugged back in (in BOOTSEL): a fresh session, same flash. */
  replug(): void {
    this.gone = false;
    this.isOpen = false;
    this.exclusive = 0;
    this.xipExited = false;
    this.phase = { kind: 'idle' };
  }

  /** The flash bytes at an XIP address. */
  read(address: number, length: number): Uint8Array {
    return this.flash.slice(address - FLASH_BASE, address - FLASH_BASE + length);
  }

  async open(): Promise<void> {
    this.alive();
    this.isOpen = true;
  }
  async close(): Promise<void> {
    this.isOpen = false;
    for (const cancel of this.pending) cancel(new Error('LIBUSB_ERROR_INTERRUPTED: transfer cancelled'));
    this.pending.clear();
  }
  /** USB port reset: the ROM starts over (same IDs, still in BOOTSEL). */
  async reset(): Promise<void> {
    this.usable();
    this.phase = { kind: 'idle' };
    this.exclusive = 0;
    this.xipExited = false;
  }
  async claimInterface(n: number): Promise<void> {
    this.usable();
    if (n > 1 || (n === 1 && this.opts.withoutPicoboot))
      throw new Error(`LIBUSB_ERROR_NOT_FOUND: interface ${n}`);
  }
  async releaseInterface(): Promise<void> {
    this.usable();
  }

  async controlTransferIn(setup: UsbSetup, length: number) {
    this.usable();
    if (setup.requestType === 'standard' && setup.request === 6 && setup.value === 0x0200)
      return { status: 'ok' as const, data: dv(this.configuration().slice(0, length)) };
    if (this.isPicobootRequest(setup, PICOBOOT_IF_CMD_STATUS)) {
      const s = { ...this.status };
      if (this.current?.fault?.what === 'wrong-token') s.token = (s.token + 1) >>> 0;
      return { status: 'ok' as const, data: dv(encodeStatus(s).slice(0, length)) };
    }
    return { status: 'stall' as const };
  }

  async controlTransferOut(setup: UsbSetup, data?: Uint8Array) {
    this.usable();
    if (!this.isPicobootRequest(setup, PICOBOOT_IF_RESET))
      return { status: 'stall' as const, bytesWritten: 0 };
    this.phase = { kind: 'idle' };
    this.status = { ...this.status, inProgress: false };
    return { status: 'ok' as const, bytesWritten: data?.length ?? 0 };
  }

  async transferOut(endpoint: number, data: Uint8Array) {
    this.usable();
    if (endpoint !== OUT_EP || this.phase.kind === 'stalled')
      return { status: 'stall' as const, bytesWritten: 0 };
    const p = this.phase;
    if (p.kind === 'idle') {
      this.startCommand(data);
      if (this.current && this.faultHere(this.current.fault, 'command')) return this.trip();
      return (this.phase as Phase).kind === 'stalled'
        ? { status: 'stall' as const, bytesWritten: 0 }
        : { status: 'ok' as const, bytesWritten: data.length };
    }
    if (p.kind === 'data-out') {
      if (this.faultHere(this.current?.fault, 'data')) return this.trip();
      if (p.got + data.length > p.expected) return this.refuse(STATUS.INVALID_TRANSFER_LENGTH);
      p.received.push(data.slice());
      p.got += data.length;
      if (p.got === p.expected) this.finishWrite(p);
      return { status: 'ok' as const, bytesWritten: data.length };
    }
    if (p.kind === 'ack-out' && data.length === 0) {
      if (this.faultHere(this.current?.fault, 'ack')) return this.trip();
      this.complete();
      return { status: 'ok' as const, bytesWritten: 0 };
    }
    return this.refuse(STATUS.UNKNOWN_ERROR);
  }

  async transferIn(endpoint: number, length: number) {
    this.usable();
    if (endpoint !== IN_EP || this.phase.kind === 'stalled') return { status: 'stall' as const };
    const p = this.phase;
    if (p.kind === 'data-in') {
      if (this.faultHere(this.current?.fault, 'data')) return this.trip();
      const n = Math.min(length, p.bytes.length);
      const out = p.bytes.slice(0, n);
      this.phase = n === p.bytes.length ? { kind: 'ack-out' } : { kind: 'data-in', bytes: p.bytes.slice(n) };
      return { status: 'ok' as const, data: dv(out) };
    }
    if (p.kind === 'ack-in') {
      if (this.faultHere(this.current?.fault, 'ack')) return this.trip();
      const rebooting = this.current?.id === PC.REBOOT || this.current?.id === PC.REBOOT2;
      this.complete();
      if (rebooting) {
        this.rebooted++;
        this.gone = true;
      }
      return { status: 'ok' as const, data: dv(new Uint8Array(0)) };
    }
    return this.hang(); // nothing to send: the endpoint NAKs and the transfer waits
  }

  // ---- the command state machine ----

  private startCommand(packet: Uint8Array): void {
    const cmd = decodeCommand(packet);
    if (!cmd) {
      this.log.push('garbage');
      this.refuse(STATUS.UNKNOWN_CMD, 0, 0);
      return;
    }
    const name = NAMES[cmd.id];
    this.current = { id: cmd.id, args: cmd.args };
    this.status = { token: cmd.token, code: STATUS.OK, commandId: cmd.id, inProgress: true };
    this.log.push(name ?? `0x${cmd.id.toString(16)}`);
    const supported =
      name !== undefined &&
      (name === 'REBOOT' ? this.chip === 'RP2040' : name === 'REBOOT2' ? this.chip === 'RP2350' : true);
    if (!supported) return void this.refuse(STATUS.UNKNOWN_CMD);
    const n = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, n);
    const fault = this.faults.find((f) => f.on === name && (f.nth ?? 1) === n);
    if (fault) {
      this.faults.splice(this.faults.indexOf(fault), 1);
      this.current.fault = fault;
    }
    if (cmd.args.length !== ARGUMENT_BYTES[cmd.id as keyof typeof ARGUMENT_BYTES])
      return void this.refuse(STATUS.INVALID_CMD_LENGTH);
    if (fault?.what === 'stall' || fault?.what === 'wrong-token')
      return void this.refuse(fault.code ?? STATUS.UNKNOWN_ERROR);
    const [address, size] = argWords(cmd.args, 2);
    const ranged = cmd.id === PC.FLASH_ERASE || cmd.id === PC.READ || cmd.id === PC.WRITE;
    const expectedTransfer = cmd.id === PC.READ || cmd.id === PC.WRITE ? size : 0;
    if (cmd.transferLength !== expectedTransfer) return void this.refuse(STATUS.INVALID_TRANSFER_LENGTH);
    if (ranged && (address < FLASH_BASE || address + size > FLASH_BASE + this.flash.length))
      return void this.refuse(STATUS.INVALID_ADDRESS);
    const unit = cmd.id === PC.FLASH_ERASE ? FLASH_SECTOR_BYTES : cmd.id === PC.WRITE ? FLASH_PAGE_BYTES : 1;
    if (ranged && (address % unit !== 0 || size % unit !== 0)) return void this.refuse(STATUS.BAD_ALIGNMENT);
    if ((cmd.id === PC.FLASH_ERASE || cmd.id === PC.WRITE) && !this.exclusive)
      return void this.refuse(STATUS.INTERLEAVED_WRITE);
    switch (cmd.id) {
      case PC.EXCLUSIVE_ACCESS:
        this.exclusive = cmd.args[0]!;
        break;
      case PC.EXIT_XIP:
        this.xipExited = true;
        break;
      case PC.FLASH_ERASE:
        this.flash.fill(0xff, address - FLASH_BASE, address - FLASH_BASE + size);
        break;
      case PC.WRITE:
        this.phase = { kind: 'data-out', expected: size, received: [], got: 0 };
        return;
      case PC.READ:
        this.phase = { kind: 'data-in', bytes: this.read(address, size) };
        return;
    }
    this.phase = isInCommand(cmd.id) ? { kind: 'ack-out' } : { kind: 'ack-in' };
  }

  private finishWrite(p: Extract<Phase, { kind: 'data-out' }>): void {
    const [address] = argWords(this.current!.args, 1);
    let at = address - FLASH_BASE;
    for (const chunk of p.received) for (const b of chunk) this.flash[at] = this.flash[at++]! & b;
    const stuck = this.opts.stuckZeroAt;
    if (stuck !== undefined) this.flash[stuck - FLASH_BASE] = 0;
    this.phase = { kind: 'ack-in' };
  }

  private complete(): void {
    this.status = { ...this.status, inProgress: false };
    this.phase = { kind: 'idle' };
    if (this.current) this.current = { ...this.current, fault: undefined };
  }

  private refuse(code: number, token = this.status.token, commandId = this.status.commandId) {
    this.status = { token, code, commandId, inProgress: false };
    this.phase = { kind: 'stalled' };
    return { status: 'stall' as const, bytesWritten: 0 };
  }

  // ---- faults and transport ----

  private faultHere(fault: PicobootFault | undefined, phase: 'command' | 'data' | 'ack'): boolean {
    if (!fault || (fault.what !== 'hang' && fault.what !== 'gone')) return false;
    const id = this.current!.id;
    const hasData = id === PC.READ || id === PC.WRITE;
    return (fault.phase ?? (hasData ? 'data' : 'ack')) === phase;
  }

  /** Fires the current hang or gone fault. */
  private trip(): Promise<never> {
    const fault = this.current!.fault!;
    this.current!.fault = undefined;
    if (fault.what === 'gone') {
      this.gone = true;
      throw goneError();
    }
    return this.hang();
  }

  private hang(): Promise<never> {
    return new Promise<never>((_, reject) => this.pending.add(reject));
  }

  private alive(): void {
    if (this.gone) throw goneError();
  }
  private usable(): void {
    this.alive();
    if (!this.isOpen) throw new Error('LIBUSB_ERROR_INVALID_PARAM: device not open');
  }

  private isPicobootRequest(setup: UsbSetup, request: number): boolean {
    return (
      !this.opts.withoutPicoboot &&
      setup.requestType === 'vendor' &&
      setup.recipient === 'interface' &&
      setup.index === PICOBOOT_INTERFACE &&
      setup.request === request
    );
  }

  /** Configuration descriptor: mass storage on interface 0, PICOBOOT on 1. */
  private configuration(): Uint8Array {
    const iface = (n: number, cls: number, sub: number, proto: number) => [9, 4, n, 0, 2, cls, sub, proto, 0];
    const ep = (address: number) => [7, 5, address, 2, 64, 0, 0];
    const body = [
      ...iface(0, 0x08, 0x06, 0x50),
      ...ep(0x81),
      ...ep(0x02),
      ...(this.opts.withoutPicoboot ? [] : [...iface(1, 0xff, 0, 0), ...ep(OUT_EP), ...ep(0x80 | IN_EP)]),
    ];
    const total = 9 + body.length;
    const interfaces = this.opts.withoutPicoboot ? 1 : 2;
    return Uint8Array.from([9, 2, total & 0xff, total >> 8, interfaces, 1, 0, 0x80, 250, ...body]);
  }
}
