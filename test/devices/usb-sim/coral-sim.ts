/**
 * The Coral USB Accelerator before its firmware (1a6e:089a), as libedgetpu's loader sees it: a
 * DFU 1.1 interface that answers dfuIDLE right after the zero-length block and uploads what
 * was downloaded. A USB port reset re-enumerates it on the fake bus: as 18d1:9302 when the
 * downloaded image is the firmware it expects, else as 1a6e:089a again (it did not boot), or
 * with `comeBackAs` IDs when a test wants wrong ones.
 */
import { DfuSimDevice, type DfuSimOptions } from './dfu-sim';
import type { FakeUsbBus } from './fake-bus';

export interface CoralSimOptions extends Partial<DfuSimOptions> {
  /** The image that boots (anything else leaves it needing firmware). */
  bootsWith: Uint8Array;
  /** Milliseconds between the reset and the new device appearing (default 30). */
  reenumerateMs?: number;
  /** IDs it comes back with after a good load (default 18d1:9302); undefined: never. */
  comeBackAs?: { vid: number; pid: number } | null;
}

export class CoralSimDevice extends DfuSimDevice {
  resets = 0;
  constructor(
    private readonly fakeBus: FakeUsbBus,
    private readonly coral: CoralSimOptions,
  ) {
    super({ vid: 0x1a6e, pid: 0x089a, transferSize: 256, pollTimeoutMs: 0, quickManifest: true, ...coral });
  }

  protected override onReset(): void {
    this.resets++;
    this.gone = true;
    const booted =
      this.firmware.length === this.coral.bootsWith.length &&
      this.firmware.every((b, i) => b === this.coral.bootsWith[i]);
    const ids = booted
      ? this.coral.comeBackAs === undefined
        ? { vid: 0x18d1, pid: 0x9302 }
        : this.coral.comeBackAs
      : { vid: 0x1a6e, pid: 0x089a };
    const next = ids === null ? undefined : new DfuSimDevice({ vid: ids.vid, pid: ids.pid });
    this.fakeBus.replace(this, next, this.coral.reenumerateMs ?? 30);
  }
}
