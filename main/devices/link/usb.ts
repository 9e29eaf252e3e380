/// <reference types="w3c-web-usb" />
/**
 * A UsbLink over the `usb` package (v3), through its WebUSB-style device API: promises,
 * `{ requestType, recipient, request, value, index }` setup packets, and transfer results with
 * a status. The legacy libusb-style API is not used. (The reference above loads the WebUSB
 * typings the package's UsbDevice extends; tsconfig loads only Node's by default.)
 * Outgoing data is copied into a fresh ArrayBuffer, as WebUSB's BufferSource requires.
 */
import {
  DeviceDisconnectedError,
  DeviceError,
  DeviceProtocolError,
  DeviceTimeoutError,
} from '../../engine/errors';
import type { UsbLink, UsbSetup } from './link';
import { udevAdvice } from '../usb-access';

/** A transfer's outcome as WebUSB reports it. */
type TransferStatus = 'ok' | 'stall' | 'babble';
interface WebUsbInResult {
  data?: DataView;
  status?: TransferStatus;
}
interface WebUsbOutResult {
  bytesWritten: number;
  status?: TransferStatus;
}

/** The part of a WebUSB device this link uses (the `usb` package's UsbDevice has all of it). */
export interface WebUsbDevice {
  readonly vendorId: number;
  readonly productId: number;
  readonly opened: boolean;
  readonly bus?: string;
  readonly ports?: number[];
  open(): Promise<void>;
  close(): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  controlTransferIn(setup: UsbSetup, length: number): Promise<WebUsbInResult>;
  controlTransferOut(setup: UsbSetup, data?: Uint8Array<ArrayBuffer>): Promise<WebUsbOutResult>;
  transferIn(endpointNumber: number, length: number): Promise<WebUsbInResult>;
  transferOut(endpointNumber: number, data: Uint8Array<ArrayBuffer>): Promise<WebUsbOutResult>;
  reset(): Promise<void>;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** libusb reports a vanished device as LIBUSB_ERROR_NO_DEVICE (or an I/O error on the way out). */
const GONE = /NO_DEVICE|No such device|LIBUSB_ERROR_IO/i;
/** A transfer the device did not answer within the package's timeout. */
const TIMED_OUT = /TIMEOUT|timed out/i;

export class WebUsbLink implements UsbLink {
  readonly vid: number;
  readonly pid: number;
  readonly path: string;

  private constructor(private readonly device: WebUsbDevice) {
    this.vid = device.vendorId;
    this.pid = device.productId;
    const where = device.ports?.length
      ? `${device.bus ?? '?'}-${device.ports.join('.')}`
      : (device.bus ?? '?');
    this.path = `usb:${where} (${hex4(this.vid)}:${hex4(this.pid)})`;
  }

  /** Opens the device (once) and wraps it. */
  static async open(device: WebUsbDevice): Promise<WebUsbLink> {
    const link = new WebUsbLink(device);
    if (!device.opened) await link.call('open', () => device.open());
    return link;
  }

  claimInterface(n: number): Promise<void> {
    return this.call(`claim interface ${n}`, () => this.device.claimInterface(n));
  }
  releaseInterface(n: number): Promise<void> {
    return this.call(`release interface ${n}`, () => this.device.releaseInterface(n));
  }
  async controlIn(setup: UsbSetup, length: number): Promise<Uint8Array> {
    const what = `control IN request 0x${setup.request.toString(16)}`;
    return this.bytesOf(what, await this.call(what, () => this.device.controlTransferIn(setup, length)));
  }
  async controlOut(setup: UsbSetup, data?: Uint8Array): Promise<number> {
    const what = `control OUT request 0x${setup.request.toString(16)}`;
    return this.written(
      what,
      await this.call(what, () => this.device.controlTransferOut(setup, data && new Uint8Array(data))),
    );
  }
  async bulkIn(endpoint: number, length: number): Promise<Uint8Array> {
    const what = `bulk IN on endpoint ${endpoint}`;
    return this.bytesOf(what, await this.call(what, () => this.device.transferIn(endpoint, length)));
  }
  async bulkOut(endpoint: number, data: Uint8Array): Promise<number> {
    const what = `bulk OUT on endpoint ${endpoint}`;
    return this.written(
      what,
      await this.call(what, () => this.device.transferOut(endpoint, new Uint8Array(data))),
    );
  }
  reset(): Promise<void> {
    return this.call('port reset', () => this.device.reset());
  }
  async close(): Promise<void> {
    if (this.device.opened) await this.device.close().catch(() => undefined);
  }

  private bytesOf(what: string, r: WebUsbInResult): Uint8Array {
    if ((r.status ?? 'ok') !== 'ok')
      throw new DeviceProtocolError(`${this.path}: ${what}: the device answered ${r.status}`);
    const d = r.data;
    return d ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(0);
  }

  private written(what: string, r: WebUsbOutResult): number {
    if ((r.status ?? 'ok') !== 'ok')
      throw new DeviceProtocolError(`${this.path}: ${what}: the device answered ${r.status}`);
    return r.bytesWritten;
  }

  /** Runs one call, turning libusb failures into domain errors that name the device. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      const msg = (e as Error)?.message ?? String(e);
      if (GONE.test(msg)) throw new DeviceDisconnectedError(`${this.path}: gone during ${what} (${msg})`);
      if (TIMED_OUT.test(msg))
        throw new DeviceTimeoutError(
          `${this.path}: ${what} timed out (${msg})`,
          'replug the device and try again',
        );
      if (/ACCESS/i.test(msg))
        throw new DeviceError(
          'DEVICE',
          `${this.path}: permission denied (${what})`,
          udevAdvice(this.vid, this.pid),
        );
      throw new DeviceError(
        'DEVICE',
        `${this.path}: ${what} failed (${msg})`,
        'replug the device and try again',
      );
    }
  }
}
