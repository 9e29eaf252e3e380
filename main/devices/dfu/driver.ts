/**
 * The DFU 1.1 host side: open a device in DFU mode, bring it to dfuIDLE, download an image in
 * blocks of wTransferSize (GETSTATUS after each, waiting bwPollTimeout while the device is
 * busy), end with a zero-length DNLOAD through manifestation, and upload to read back.
 *
 * Rules from the spec that shape this code:
 * - A device in dfuDNBUSY or dfuMANIFEST answers nothing until bwPollTimeout has passed: the
 *   host sleeps exactly that long before the next GETSTATUS (capped per block, so a device
 *   asking for hours is a timeout, not a hang).
 * - Any failed request leaves the device in dfuERROR; CLRSTATUS returns it to dfuIDLE. ABORT
 *   returns dfuDNLOAD-IDLE and dfuUPLOAD-IDLE to dfuIDLE. `toIdle` does whichever applies,
 *   after letting a block still in progress finish.
 * - A plain DFU download cannot resume: after an error it starts again from block 0. (DfuSe
 *   blocks carry addresses, so ../dfuse/ retries single blocks.)
 */
import {
  DeviceDisconnectedError,
  DeviceProtocolError,
  DeviceTimeoutError,
  InvalidArgumentError,
  throwIfAborted,
} from '../../engine/errors';
import { sleep } from '../flash-job';
import type { UsbLink } from '../link/link';
import { readDfuDescriptors, type DfuFunctional, type DfuInterface } from './descriptors';
import {
  DFU_STATE,
  DFU_STATUS_OK,
  DfuRequests,
  dfuStateName,
  dfuStatusName,
  type DfuStatus,
} from './protocol';

export interface DfuOpenOptions {
  /** Alternate setting to use (DfuSe: the memory region); default the first DFU interface. */
  alternateSetting?: number;
  signal?: AbortSignal;
  /** Longest total wait for one busy block or manifestation (default 30 s). */
  busyLimitMs?: number;
}

/** What the end of a download led to. */
export type ManifestOutcome = 'idle' | 'wait-reset';

const BUSY_STATES: readonly number[] = [
  DFU_STATE.dfuDNBUSY,
  DFU_STATE.dfuMANIFEST,
  DFU_STATE.dfuDNLOAD_SYNC,
  DFU_STATE.dfuMANIFEST_SYNC,
];

export class DfuDevice {
  readonly requests: DfuRequests;
  private constructor(
    readonly link: UsbLink,
    readonly iface: DfuInterface,
    readonly functional: DfuFunctional,
    readonly allInterfaces: readonly DfuInterface[],
    private readonly signal: AbortSignal | undefined,
    private readonly busyLimitMs: number,
  ) {
    this.requests = new DfuRequests(link, iface.interfaceNumber);
  }

  /** Reads the descriptors and claims the DFU interface (the device may be in any state). */
  static async open(link: UsbLink, opts: DfuOpenOptions = {}): Promise<DfuDevice> {
    const { interfaces, functional } = await readDfuDescriptors(link);
    const iface =
      opts.alternateSetting === undefined
        ? interfaces[0]
        : interfaces.find((i) => i.alternateSetting === opts.alternateSetting);
    if (!iface)
      throw new InvalidArgumentError(
        `${link.path} has no DFU alternate setting ${opts.alternateSetting} (it has ${interfaces.map((i) => i.alternateSetting).join(', ')})`,
      );
    await link.claimInterface(iface.interfaceNumber);
    return new DfuDevice(link, iface, functional, interfaces, opts.signal, opts.busyLimitMs ?? 30_000);
  }

  get transferSize(): number {
    return this.functional.transferSize;
  }

  /**
   * GETSTATUS, then while the device reports a busy state, wait its bwPollTimeout and ask again.
   * A status other than OK is a DeviceProtocolError naming the status and the state.
   */
  async settle(what: string): Promise<DfuStatus> {
    let waited = 0;
    for (;;) {
      throwIfAborted(this.signal);
      const st = await this.requests.getStatus();
      if (st.status !== DFU_STATUS_OK)
        throw new DeviceProtocolError(
          `${this.link.path}: ${what}: the device reports ${dfuStatusName(st.status)} in ${dfuStateName(st.state)}`,
        );
      if (!BUSY_STATES.includes(st.state)) return st;
      if (waited + st.pollTimeoutMs > this.busyLimitMs)
        throw new DeviceTimeoutError(
          `${this.link.path}: ${what}: still busy after ${waited} ms (it asks for ${st.pollTimeoutMs} ms more)`,
        );
      await sleep(st.pollTimeoutMs, this.signal);
      waited += st.pollTimeoutMs;
    }
  }

  /** Brings the device to dfuIDLE from any DFU-mode state (CLRSTATUS after an error, else ABORT). */
  async toIdle(): Promise<void> {
    let st = await this.requests.getStatus();
    // A block or manifestation still in progress (its GETSTATUS got lost): let it finish first.
    for (let waited = 0; BUSY_STATES.includes(st.state) && waited <= this.busyLimitMs;) {
      await sleep(st.pollTimeoutMs, this.signal);
      waited += st.pollTimeoutMs + 1;
      st = await this.requests.getStatus();
    }
    if (st.state === DFU_STATE.appIDLE || st.state === DFU_STATE.appDETACH)
      throw new DeviceProtocolError(
        `${this.link.path} is in run-time mode (${dfuStateName(st.state)}), not DFU mode: detach it first`,
      );
    if (st.state === DFU_STATE.dfuERROR) await this.requests.clearStatus();
    else if (st.state !== DFU_STATE.dfuIDLE) await this.requests.abort();
    if (st.state !== DFU_STATE.dfuIDLE) st = await this.requests.getStatus();
    if (st.state !== DFU_STATE.dfuIDLE || st.status !== DFU_STATUS_OK)
      throw new DeviceProtocolError(
        `${this.link.path}: cannot return to dfuIDLE (${dfuStatusName(st.status)} in ${dfuStateName(st.state)})`,
      );
  }

  /**
   * Run-time mode to DFU mode (DFU 1.1 section 5.1): DFU_DETACH with the descriptor's
   * wDetachTimeOut, then a USB reset unless the device detaches by itself (bitWillDetach). The
   * device re-enumerates in DFU mode: open a new link to it afterwards.
   */
  async detach(): Promise<void> {
    const state = await this.requests.getState();
    if (state !== DFU_STATE.appIDLE)
      throw new DeviceProtocolError(
        `${this.link.path}: DETACH needs run-time mode (appIDLE); the device is in ${dfuStateName(state)}`,
      );
    await this.requests.detach(this.functional.detachTimeoutMs);
    if (this.functional.willDetach) return;
    try {
      await this.link.reset();
    } catch (e) {
      // The device drops off the bus to re-enumerate in DFU mode: that is the reset working.
      if (!(e instanceof DeviceDisconnectedError)) throw e;
    }
  }

  /** One DNLOAD of block `block`, then GETSTATUS until the device is back in dfuDNLOAD-IDLE. */
  async downloadBlock(block: number, data: Uint8Array, what = `block ${block}`): Promise<void> {
    if (data.length === 0 || data.length > this.transferSize)
      throw new InvalidArgumentError(
        `a DNLOAD block holds 1..${this.transferSize} bytes, not ${data.length}`,
      );
    await this.requests.download(block, data);
    const st = await this.settle(what);
    if (st.state !== DFU_STATE.dfuDNLOAD_IDLE)
      throw new DeviceProtocolError(
        `${this.link.path}: ${what}: expected dfuDNLOAD-IDLE, the device is in ${dfuStateName(st.state)}`,
      );
  }

  /**
   * The zero-length DNLOAD that ends a download, then manifestation: a manifestation-tolerant
   * device comes back to dfuIDLE; another waits for a USB reset ('wait-reset').
   */
  async endDownload(block: number): Promise<ManifestOutcome> {
    await this.requests.download(block, new Uint8Array(0));
    const st = await this.settle('end of download (manifestation)');
    if (st.state === DFU_STATE.dfuIDLE) return 'idle';
    if (st.state === DFU_STATE.dfuMANIFEST_WAIT_RESET) return 'wait-reset';
    throw new DeviceProtocolError(
      `${this.link.path}: after the last block the device is in ${dfuStateName(st.state)}, expected dfuIDLE or dfuMANIFEST-WAIT-RESET`,
    );
  }

  /**
   * Downloads a whole image from dfuIDLE: blocks 0, 1, 2… of wTransferSize, then the zero-length
   * block. `onBlock` gets the bytes sent so far.
   */
  async download(image: Uint8Array, onBlock?: (done: number) => void): Promise<ManifestOutcome> {
    if (!this.functional.canDownload)
      throw new DeviceProtocolError(`${this.link.path} cannot download (bitCanDnload is 0)`);
    if (image.length === 0) throw new InvalidArgumentError('nothing to download: the image is empty');
    let block = 0;
    for (let off = 0; off < image.length; off += this.transferSize, block++) {
      throwIfAborted(this.signal);
      const end = Math.min(off + this.transferSize, image.length);
      await this.downloadBlock(block, image.subarray(off, end));
      onBlock?.(end);
    }
    return this.endDownload(block);
  }

  /**
   * Reads up to `length` bytes by UPLOAD from block `firstBlock` on, stopping at a short block
   * (the device's end) or when `length` bytes are in; then returns the device to dfuIDLE.
   */
  async upload(length: number, firstBlock = 0, onBlock?: (done: number) => void): Promise<Uint8Array> {
    if (!this.functional.canUpload)
      throw new DeviceProtocolError(`${this.link.path} cannot upload (bitCanUpload is 0)`);
    const out = new Uint8Array(length);
    let got = 0;
    let shortBlock = false;
    for (let block = firstBlock; got < length; block++) {
      throwIfAborted(this.signal);
      const want = Math.min(this.transferSize, length - got);
      const chunk = await this.requests.upload(block, this.transferSize);
      out.set(chunk.subarray(0, want), got);
      got += Math.min(chunk.length, want);
      onBlock?.(got);
      if (chunk.length < this.transferSize) {
        shortBlock = true;
        break;
      }
    }
    // A short block ended the upload (dfuIDLE); otherwise the device waits in dfuUPLOAD-IDLE.
    if (!shortBlock) await this.requests.abort();
    return out.subarray(0, got);
  }
}
