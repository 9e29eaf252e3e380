/**
 * Where USB devices come from: the `usb` package's device list (WebUSB-style objects), or a
 * simulated bus installed with setUsbBackend (`lowbit serve` under LOWBIT_SIMULATED_USB, for the
 * e2e tests; unit tests). The listing and every USB opener go through `usbBackend()`, so a
 * simulated device is listed, opened and flashed by the same code as a real one.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeviceError, DeviceNotFoundError } from '../../engine/errors';
import type { UsbLink } from './link';
import { WebUsbLink, type WebUsbDevice } from './usb';

/** A device as the backend lists it: the WebUSB object plus where it sits on the bus. */
export interface ListedUsbDevice extends WebUsbDevice {
  readonly bus: string;
  readonly address: number;
  /** Whether this user may open it, when the backend knows (a simulated bus); else the listing checks. */
  readonly access?: 'ok' | 'denied';
}

export interface UsbBackend {
  getDevices(): Promise<ListedUsbDevice[]>;
}

let simulated: UsbBackend | undefined;

/** Replaces the `usb` package (undefined: back to it). */
export function setUsbBackend(backend: UsbBackend | undefined): void {
  simulated = backend;
}

/**
 * The simulated bus if one is set, else the one named by LOWBIT_SIMULATED_USB (a module whose
 * default export is a UsbBackend: how `lowbit serve` and the CLI run against simulated devices
 * in the e2e and CLI tests; never honoured inside Electron, whose fuses keep such switches
 * off), else the `usb` package.
 */
export async function usbBackend(): Promise<UsbBackend> {
  const module = process.env.LOWBIT_SIMULATED_USB;
  if (!simulated && module && !process.versions.electron)
    simulated = ((await import(pathToFileURL(path.resolve(module)).href)) as { default: UsbBackend }).default;
  if (simulated) return simulated;
  const { usb } = await import('usb');
  return usb;
}

/** How the listing and the flash target name one device: "usb:BUS:ADDRESS". */
export const usbTargetOf = (d: { bus: string; address: number }): string => `usb:${d.bus}:${d.address}`;

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/**
 * Opens a listed device by target ("usb:BUS:ADDRESS", whatever its IDs: the protocol checks
 * them), or the first with one of `ids` ("auto").
 */
export async function openUsbTarget(
  target: string,
  ids: readonly { vid: number; pid: number }[],
): Promise<UsbLink> {
  const devices = await (await usbBackend()).getDevices();
  const device =
    target === 'auto'
      ? devices.find((d) => ids.some((i) => i.vid === d.vendorId && i.pid === d.productId))
      : devices.find((d) => usbTargetOf(d) === target);
  if (!device)
    throw new DeviceNotFoundError(
      target === 'auto'
        ? `no USB device ${ids.map((i) => `${hex4(i.vid)}:${hex4(i.pid)}`).join(' or ')} is plugged in`
        : `no USB device at ${target} (it may have been unplugged or re-enumerated: list the devices again)`,
    );
  return WebUsbLink.open(device);
}

/**
 * Finds a device by VID:PID. The Coral loader needs this beyond opening: it waits for the device
 * to come back with a new identity. Tests pass a fake bus; the default reads `usbBackend()`.
 */
export interface UsbBus {
  findDevice(vid: number, pid: number): Promise<WebUsbDevice | undefined>;
}

export const backendUsbBus: UsbBus = {
  async findDevice(vid, pid) {
    let devices: ListedUsbDevice[];
    try {
      devices = await (await usbBackend()).getDevices();
    } catch (e) {
      // No USB stack here (a container without /sys/bus/usb, no libusb backend).
      throw new DeviceError(
        'DEVICE',
        `USB devices cannot be searched here (${(e as Error)?.message ?? String(e)})`,
        'run Lowbit on the machine the device is plugged into, with /sys/bus/usb and /dev/bus/usb available',
      );
    }
    return devices.find((d) => d.vendorId === vid && d.productId === pid);
  },
};

/** Opens the first device with this VID:PID. */
export async function openUsbLink(vid: number, pid: number, bus: UsbBus = backendUsbBus): Promise<UsbLink> {
  const device = await bus.findDevice(vid, pid);
  if (!device) throw new DeviceNotFoundError(`no USB device ${hex4(vid)}:${hex4(pid)} is plugged in`);
  return WebUsbLink.open(device);
}
