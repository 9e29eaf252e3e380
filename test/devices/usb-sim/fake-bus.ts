/**
 * A USB bus for tests at the `usb` package's boundary: it holds simulated WebUSB devices, lists
 * them (a UsbBackend, for setUsbBackend), finds them by VID:PID, and lets a device leave and come
 * back with other IDs (re-enumeration after a firmware load).
 */
import type { OpenUsbLink } from '../../../main/devices/link/link';
import {
  openUsbLink,
  type ListedUsbDevice,
  type UsbBackend,
  type UsbBus,
} from '../../../main/devices/link/usb-backend';

export class FakeUsbBus implements UsbBus, UsbBackend {
  constructor(readonly devices: ListedUsbDevice[] = []) {}

  async getDevices(): Promise<ListedUsbDevice[]> {
    return [...this.devices];
  }

  async findDevice(vid: number, pid: number): Promise<ListedUsbDevice | undefined> {
    return this.devices.find((d) => d.vendorId === vid && d.productId === pid);
  }

  /** Takes `gone` off the bus and, after `afterMs`, plugs `next` in (if any). */
  replace(gone: ListedUsbDevice, next: ListedUsbDevice | undefined, afterMs: number): void {
    const i = this.devices.indexOf(gone);
    if (i >= 0) this.devices.splice(i, 1);
    if (next) setTimeout(() => this.devices.push(next), afterMs);
  }

  /** What the drivers call instead of the real `openUsbLink`. */
  readonly open: OpenUsbLink = (vid, pid) => openUsbLink(vid, pid, this);
}
