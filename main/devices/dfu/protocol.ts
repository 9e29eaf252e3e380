/**
 * USB DFU 1.1 (USB Device Class Specification for Device Firmware Upgrade, version 1.1): the
 * class requests, states and status codes, and one method per request over a UsbLink. Nothing
 * here decides what to do next; the driver (driver.ts) walks the state machine, and ST's DfuSe
 * (../dfuse/) and the Coral loader (../coral/) build on the driver.
 *
 * Every request goes to the DFU interface (class request, recipient interface, wIndex =
 * interface number). Extend: a new request is one method here and its number in DFU_REQUEST.
 */
import { DeviceProtocolError } from '../../engine/errors';
import type { UsbLink, UsbSetup } from '../link/link';

/** bRequest values (DFU 1.1 table 3.2). */
export const DFU_REQUEST = {
  DETACH: 0,
  DNLOAD: 1,
  UPLOAD: 2,
  GETSTATUS: 3,
  CLRSTATUS: 4,
  GETSTATE: 5,
  ABORT: 6,
} as const;

/** bState values (DFU 1.1 section 6.1.2). */
export const DFU_STATE = {
  appIDLE: 0,
  appDETACH: 1,
  dfuIDLE: 2,
  dfuDNLOAD_SYNC: 3,
  dfuDNBUSY: 4,
  dfuDNLOAD_IDLE: 5,
  dfuMANIFEST_SYNC: 6,
  dfuMANIFEST: 7,
  dfuMANIFEST_WAIT_RESET: 8,
  dfuUPLOAD_IDLE: 9,
  dfuERROR: 10,
} as const;
export type DfuState = (typeof DFU_STATE)[keyof typeof DFU_STATE];

/** bStatus values (DFU 1.1 section 6.1.2), by number, as the spec names them. */
const STATUS_NAMES = [
  'OK',
  'errTARGET (file is not for this device)',
  'errFILE (file failed a vendor check)',
  'errWRITE (device cannot write memory)',
  'errERASE (memory erase failed)',
  'errCHECK_ERASED (memory erase check failed)',
  'errPROG (program memory failed)',
  'errVERIFY (programmed memory failed verification)',
  'errADDRESS (address out of range)',
  'errNOTDONE (download ended before the firmware was complete)',
  'errFIRMWARE (firmware is corrupt)',
  'errVENDOR (vendor-specific error)',
  'errUSBR (unexpected USB reset)',
  'errPOR (unexpected power-on reset)',
  'errUNKNOWN',
  'errSTALLEDPKT (device stalled an unexpected request)',
];
export const DFU_STATUS_OK = 0;

const STATE_NAMES = Object.fromEntries(Object.entries(DFU_STATE).map(([k, v]) => [v, k])) as Record<
  number,
  string
>;

export const dfuStateName = (s: number): string => STATE_NAMES[s] ?? `state ${s}`;
export const dfuStatusName = (s: number): string => STATUS_NAMES[s] ?? `status ${s}`;

/** The six bytes GETSTATUS answers. */
export interface DfuStatus {
  status: number;
  /** Milliseconds the host must wait before the next GETSTATUS (bwPollTimeout, 24 bits). */
  pollTimeoutMs: number;
  state: number;
  stringIndex: number;
}

export function parseDfuStatus(bytes: Uint8Array, where: string): DfuStatus {
  if (bytes.length !== 6)
    throw new DeviceProtocolError(`${where}: GETSTATUS answered ${bytes.length} bytes, expected 6`);
  return {
    status: bytes[0],
    pollTimeoutMs: bytes[1] | (bytes[2] << 8) | (bytes[3] << 16),
    state: bytes[4],
    stringIndex: bytes[5],
  };
}

/** The DFU class requests on one interface of one link. */
export class DfuRequests {
  constructor(
    readonly link: UsbLink,
    readonly interfaceNumber: number,
  ) {}

  private setup(request: number, value = 0): UsbSetup {
    return { requestType: 'class', recipient: 'interface', request, value, index: this.interfaceNumber };
  }

  /** DFU_DETACH: the device leaves run-time mode within `timeoutMs` after a USB reset. */
  async detach(timeoutMs: number): Promise<void> {
    await this.link.controlOut(this.setup(DFU_REQUEST.DETACH, timeoutMs));
  }
  /** DFU_DNLOAD block `block` (wValue); an empty block ends the download. */
  async download(block: number, data: Uint8Array): Promise<void> {
    const accepted = await this.link.controlOut(this.setup(DFU_REQUEST.DNLOAD, block & 0xffff), data);
    if (accepted !== data.length)
      throw new DeviceProtocolError(
        `${this.link.path}: DNLOAD block ${block}: the device took ${accepted} of ${data.length} bytes`,
      );
  }
  /** DFU_UPLOAD block `block`: at most `length` bytes; fewer means the end of the upload. */
  upload(block: number, length: number): Promise<Uint8Array> {
    return this.link.controlIn(this.setup(DFU_REQUEST.UPLOAD, block & 0xffff), length);
  }
  async getStatus(): Promise<DfuStatus> {
    return parseDfuStatus(await this.link.controlIn(this.setup(DFU_REQUEST.GETSTATUS), 6), this.link.path);
  }
  async clearStatus(): Promise<void> {
    await this.link.controlOut(this.setup(DFU_REQUEST.CLRSTATUS));
  }
  async getState(): Promise<number> {
    const b = await this.link.controlIn(this.setup(DFU_REQUEST.GETSTATE), 1);
    if (b.length !== 1)
      throw new DeviceProtocolError(`${this.link.path}: GETSTATE answered ${b.length} bytes, expected 1`);
    return b[0];
  }
  async abort(): Promise<void> {
    await this.link.controlOut(this.setup(DFU_REQUEST.ABORT));
  }
}
