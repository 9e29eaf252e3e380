/**
 * A USB DFU 1.1 device at the `usb` package's API boundary (the WebUSB-style device object
 * WebUsbLink drives), implementing the spec's state machine (DFU 1.1 section 6, figure A.1):
 * states, statuses, bwPollTimeout (a request while dfuDNBUSY/dfuMANIFEST before the timeout
 * has passed is stalled, as a busy device would), block numbers, manifestation, upload, ABORT,
 * CLRSTATUS, and standard GET_DESCRIPTOR for the configuration (DFU interfaces + functional
 * descriptor) and strings. Subclasses (DfuSe, Coral) override what a block does.
 *
 * Faults are injected by request and occurrence: the n-th GETSTATUS stalls, times out, reports
 * errWRITE, or the device vanishes.
 */
import type { UsbSetup } from '../../../main/devices/link/link';
import type { WebUsbDevice } from '../../../main/devices/link/usb';
import { DFU_REQUEST, DFU_STATE } from '../../../main/devices/dfu/protocol';

export type DfuRequestName = keyof typeof DFU_REQUEST | 'GET_DESCRIPTOR' | 'RESET';
export type FaultKind = 'stall' | 'timeout' | 'gone' | 'wrong-status' | 'corrupt';
/** At the `nth` (1-based) `request` the device does `kind` instead of answering. */
export interface Fault {
  request: DfuRequestName;
  nth: number;
  kind: FaultKind;
}

export interface DfuSimOptions {
  vid: number;
  pid: number;
  transferSize: number;
  /** bwPollTimeout answered while a block or the manifestation is in progress. */
  pollTimeoutMs: number;
  manifestationTolerant: boolean;
  canUpload: boolean;
  dfuVersion: number;
  /** One DFU alternate setting per name (DfuSe: memory layouts). */
  altNames: string[];
  /**
   * The GETSTATUS after the zero-length block finishes manifestation at once and answers
   * dfuIDLE (the Coral's loader, as libedgetpu's UpdateFirmware expects).
   */
  quickManifest: boolean;
  faults: Fault[];
}

export const ERR = {
  OK: 0,
  errTARGET: 1,
  errWRITE: 3,
  errADDRESS: 8,
  errNOTDONE: 9,
  errSTALLEDPKT: 15,
} as const;
const GET_DESCRIPTOR = 6;
let nextAddress = 10;

type InResult = { status: 'ok' | 'stall'; data?: DataView };
type OutResult = { status: 'ok' | 'stall'; bytesWritten: number };

export class DfuSimDevice implements WebUsbDevice {
  readonly vendorId: number;
  readonly productId: number;
  readonly bus = '1';
  /** A fresh address per device, as the bus assigns one at each enumeration. */
  readonly address = nextAddress++;
  readonly ports = [4];
  readonly options: DfuSimOptions;
  opened = false;
  state: number = DFU_STATE.dfuIDLE;
  status: number = ERR.OK;
  gone = false;
  /** Every DFU request the host sent, by name (tests read the transcript's shape). */
  readonly log: string[] = [];
  /** The image as the device keeps it (plain DFU: the downloaded bytes, in block order). */
  firmware = new Uint8Array(0);
  protected received: Uint8Array[] = [];
  private nextBlock = 0;
  private pendingBlock: { block: number; data: Uint8Array } | undefined;
  private busyUntil = 0;
  private counts = new Map<DfuRequestName, number>();
  private alt = 0;

  constructor(options: Partial<DfuSimOptions> = {}) {
    this.options = {
      vid: 0x1209,
      pid: 0xdf11,
      transferSize: 64,
      pollTimeoutMs: 2,
      manifestationTolerant: true,
      canUpload: true,
      dfuVersion: 0x0110,
      altNames: ['Firmware'],
      quickManifest: false,
      faults: [],
      ...options,
    };
    this.vendorId = this.options.vid;
    this.productId = this.options.pid;
  }

  get alternateSetting(): number {
    return this.alt;
  }

  async open(): Promise<void> {
    this.alive();
    this.opened = true;
  }
  async close(): Promise<void> {
    this.opened = false;
  }
  async claimInterface(n: number): Promise<void> {
    this.alive();
    if (n !== 0) throw new Error(`LIBUSB_ERROR_NOT_FOUND: no interface ${n}`);
  }
  async releaseInterface(): Promise<void> {}
  async reset(): Promise<void> {
    this.alive();
    try {
      this.fault('RESET');
    } catch (e) {
      // libusb reports NO_DEVICE when the device re-enumerated during the reset: it still happened.
      this.onReset();
      throw e;
    }
    this.onReset();
  }
  async transferIn(): Promise<InResult> {
    throw new Error('LIBUSB_ERROR_NOT_SUPPORTED: a DFU device has no bulk endpoints');
  }
  async transferOut(): Promise<OutResult> {
    throw new Error('LIBUSB_ERROR_NOT_SUPPORTED: a DFU device has no bulk endpoints');
  }

  async controlTransferIn(setup: UsbSetup, length: number): Promise<InResult> {
    this.alive();
    if (setup.requestType === 'standard' && setup.request === GET_DESCRIPTOR) {
      if (this.fault('GET_DESCRIPTOR') === 'stall') return { status: 'stall' };
      return this.reply(this.descriptor(setup.value >> 8, setup.value & 0xff).slice(0, length));
    }
    const name = this.requestName(setup);
    this.log.push(name);
    const fault = this.fault(name);
    if (fault === 'stall' || this.tooEarly()) return this.stall();
    if (name === 'GETSTATUS') return this.reply(this.getStatus(fault === 'wrong-status'));
    if (name === 'GETSTATE') return this.reply(Uint8Array.of(this.state));
    if (name === 'UPLOAD') {
      const bytes = this.upload(setup.value, length);
      if (!bytes) return this.stall();
      if (fault === 'corrupt' && bytes.length > 0) bytes[0] ^= 0xff;
      return this.reply(bytes);
    }
    return this.stall();
  }

  async controlTransferOut(setup: UsbSetup, data?: Uint8Array): Promise<OutResult> {
    this.alive();
    const name = this.requestName(setup);
    this.log.push(name);
    const fault = this.fault(name);
    if (fault === 'stall' || this.tooEarly()) return { ...this.stall(), bytesWritten: 0 };
    const bytes = data ?? new Uint8Array(0);
    const ok = { status: 'ok' as const, bytesWritten: bytes.length };
    const s = DFU_STATE;
    switch (name) {
      case 'DNLOAD':
        if (bytes.length > this.options.transferSize) break;
        if (bytes.length > 0 && (this.state === s.dfuIDLE || this.state === s.dfuDNLOAD_IDLE)) {
          if (this.state === s.dfuIDLE) this.startDownload();
          this.pendingBlock = { block: setup.value, data: Uint8Array.from(bytes) };
          this.state = s.dfuDNLOAD_SYNC;
          return ok;
        }
        if (bytes.length === 0 && this.state === s.dfuDNLOAD_IDLE) {
          this.state = s.dfuMANIFEST_SYNC;
          return ok;
        }
        break;
      case 'ABORT':
        if (this.state === s.dfuIDLE || this.state === s.dfuDNLOAD_IDLE || this.state === s.dfuUPLOAD_IDLE) {
          this.state = s.dfuIDLE;
          return ok;
        }
        break;
      case 'CLRSTATUS':
        if (this.state === s.dfuERROR) {
          this.state = s.dfuIDLE;
          this.status = ERR.OK;
          return ok;
        }
        break;
      case 'DETACH':
        // Run-time mode only; the USB reset that follows brings the device up in DFU mode.
        if (this.state === s.appIDLE) {
          this.state = s.appDETACH;
          return ok;
        }
        break;
    }
    return { ...this.stall(), bytesWritten: 0 };
  }

  // --- what subclasses change -------------------------------------------------------------

  /** A download begins (from dfuIDLE). */
  protected startDownload(): void {
    this.received = [];
    this.nextBlock = 0;
  }
  /** Applies one block; returns a DFU status (OK or an err*). Plain DFU: blocks in order. */
  protected writeBlock(block: number, data: Uint8Array): number {
    if (block !== (this.nextBlock & 0xffff)) return ERR.errADDRESS;
    this.nextBlock++;
    this.received.push(data);
    return ERR.OK;
  }
  /** The zero-length DNLOAD arrived: make the image the firmware. */
  protected manifest(): number {
    const total = this.received.reduce((n, b) => n + b.length, 0);
    if (total === 0) return ERR.errNOTDONE;
    this.firmware = new Uint8Array(total);
    let at = 0;
    for (const b of this.received) {
      this.firmware.set(b, at);
      at += b.length;
    }
    return ERR.OK;
  }
  /** UPLOAD block `block`: the bytes, or undefined to stall. */
  protected readBlock(block: number, length: number): Uint8Array | undefined {
    const start = block * this.options.transferSize;
    return this.firmware.slice(start, Math.min(start + length, this.firmware.length));
  }
  /** Manifestation done on a device that is not tolerant; or a USB reset. */
  protected onReset(): void {
    this.state = DFU_STATE.dfuIDLE;
    this.status = ERR.OK;
  }
  /** The GETSTATUS that starts manifestation is being answered (DfuSe: the device then leaves). */
  protected manifestStarted(): void {}
  /** What GETSTATUS answers once manifestation has run (tolerant: dfuIDLE). */
  protected afterManifest(): number {
    return this.options.manifestationTolerant ? DFU_STATE.dfuIDLE : DFU_STATE.dfuMANIFEST_WAIT_RESET;
  }

  // --- the state machine ------------------------------------------------------------------

  private getStatus(wrong: boolean): Uint8Array {
    const s = DFU_STATE;
    let poll = 0;
    if (wrong) {
      this.state = s.dfuERROR;
      this.status = ERR.errWRITE;
    } else if (this.state === s.dfuDNLOAD_SYNC && this.pendingBlock) {
      // The block is written during bwPollTimeout (dfuDNBUSY), then the device is idle again.
      poll = this.options.pollTimeoutMs;
      this.state = s.dfuDNBUSY;
      this.busyUntil = Date.now() + poll;
      if (poll === 0) this.finishBlock();
    } else if (this.state === s.dfuDNBUSY) {
      this.finishBlock();
    } else if (this.state === s.dfuMANIFEST_SYNC && this.options.quickManifest) {
      this.status = this.manifest();
      this.state = this.status === ERR.OK ? this.afterManifest() : s.dfuERROR;
    } else if (this.state === s.dfuMANIFEST_SYNC) {
      poll = this.options.pollTimeoutMs;
      this.state = s.dfuMANIFEST;
      this.busyUntil = Date.now() + poll;
      this.manifestStarted();
    } else if (this.state === s.dfuMANIFEST) {
      const st = this.manifest();
      this.state = st === ERR.OK ? this.afterManifest() : s.dfuERROR;
      this.status = st;
    }
    return Uint8Array.of(this.status, poll & 0xff, (poll >> 8) & 0xff, (poll >> 16) & 0xff, this.state, 0);
  }

  private finishBlock(): void {
    const { block, data } = this.pendingBlock!;
    this.pendingBlock = undefined;
    const st = this.writeBlock(block, data);
    this.status = st;
    this.state = st === ERR.OK ? DFU_STATE.dfuDNLOAD_IDLE : DFU_STATE.dfuERROR;
  }

  private upload(block: number, length: number): Uint8Array | undefined {
    const s = DFU_STATE;
    if (!this.options.canUpload || (this.state !== s.dfuIDLE && this.state !== s.dfuUPLOAD_IDLE))
      return undefined;
    const bytes = this.readBlock(block, Math.min(length, this.options.transferSize));
    if (!bytes) return undefined;
    this.state = bytes.length < length ? s.dfuIDLE : s.dfuUPLOAD_IDLE;
    return bytes;
  }

  /**
   * A request while the device is busy and the poll timeout has not passed. Node's timers may
   * fire up to a millisecond early by Date.now(), so the deadline has that much slack.
   */
  private tooEarly(): boolean {
    const busy = this.state === DFU_STATE.dfuDNBUSY || this.state === DFU_STATE.dfuMANIFEST;
    return busy && Date.now() < this.busyUntil - 1;
  }

  private stall(): InResult {
    this.state = DFU_STATE.dfuERROR;
    this.status = ERR.errSTALLEDPKT;
    return { status: 'stall' };
  }

  private reply(bytes: Uint8Array): InResult {
    return { status: 'ok', data: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  private requestName(setup: UsbSetup): DfuRequestName {
    const names = Object.keys(DFU_REQUEST) as (keyof typeof DFU_REQUEST)[];
    const name = names.find((k) => DFU_REQUEST[k] === setup.request);
    if (setup.requestType !== 'class' || setup.recipient !== 'interface' || setup.index !== 0 || !name)
      throw new Error(`LIBUSB_ERROR_PIPE: unexpected request ${JSON.stringify(setup)}`);
    return name;
  }

  /** Counts the request and plays a fault scheduled for it (timeouts and unplugs throw here). */
  private fault(name: DfuRequestName): FaultKind | undefined {
    const n = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, n);
    const f = this.options.faults.find((x) => x.request === name && x.nth === n)?.kind;
    if (f === 'timeout') throw new Error('LIBUSB_ERROR_TIMEOUT');
    if (f === 'gone') {
      this.gone = true;
      this.alive();
    }
    return f;
  }

  protected alive(): void {
    if (this.gone) throw new Error('LIBUSB_ERROR_NO_DEVICE');
  }

  private descriptor(type: number, index: number): Uint8Array {
    if (type === 3) {
      if (index === 0) return Uint8Array.of(4, 3, 0x09, 0x04);
      const text = this.options.altNames[index - 1] ?? '';
      const b = new Uint8Array(2 + text.length * 2);
      b[0] = b.length;
      b[1] = 3;
      for (let i = 0; i < text.length; i++) b[2 + 2 * i] = text.charCodeAt(i);
      return b;
    }
    const alts = this.options.altNames.map((_, alt) => [9, 4, 0, alt, 0, 0xfe, 1, 2, alt + 1]);
    const o = this.options;
    const attributes = 1 | (o.canUpload ? 2 : 0) | (o.manifestationTolerant ? 4 : 0);
    const ts = o.transferSize;
    const functional = [
      9,
      0x21,
      attributes,
      0xff,
      0,
      ts & 0xff,
      ts >> 8,
      o.dfuVersion & 0xff,
      o.dfuVersion >> 8,
    ];
    const body = [...alts.flat(), ...functional];
    const total = 9 + body.length;
    return Uint8Array.from([9, 2, total & 0xff, total >> 8, 1, 1, 0, 0x80, 50, ...body]);
  }
}
