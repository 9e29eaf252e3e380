/**
 * A USB bus for tests at the `usb` package's boundary: it holds simulated WebUSB devices, finds
 * them by VID:PID as `usb.findDeviceByIds` does, and lets a device leave and come back with other
 * IDs (re-enumeration after a firmware load).
 */
import type { OpenUsbLink } from '../../../main/devices/link/link';
import { openUsbLink, type UsbBus } from '../../../main/devices/link/usb-backend';
import type { WebUsbDevice } from '../../../main/devices/link/usb';

export class FakeUsbBus implements UsbBus {
  constructor(readonly devices: WebUsbDevice[] = []) {}

  async findDevice(vid: number, pid: number): Promise<WebUsbDevice | undefined> {
    return this.devices.find((d) => d.vendorId === vid && d.productId === pid);
  }

  /** Takes `gone` off the bus and, after `afterMs`, plugs `next` in (if any). */
  replace(gone: WebUsbDevice, next: WebUsbDevice | undefined, afterMs: number): void {
    const i = this.devices.indexOf(gone);
    if (i >= 0) this.devices.splice(i, 1);
    if (next) setTimeout(() => this.devices.push(next), afterMs);
  }

  /** What the drivers call instead of the real `openUsbLink`. */
  readonly open: OpenUsbLink = (vid, pid) => openUsbLink(vid, pid, this);
}
