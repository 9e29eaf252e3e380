/**
 * What is plugged in: serial ports (with the USB IDs behind them) and USB devices, each with a
 * board guess from the catalogue. Listing never throws: a missing udevadm, a sandbox without
 * /sys, or a USB stack without permissions shrink the answer and add a warning instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { boardsForUsb } from '../engine/deploy/boards';
import type { DeviceList, SerialPortEntry, UsbDeviceEntry } from '../engine/deploy/device-types';
import { usbBackend } from './link/usb-backend';
import { CORAL_STATE_TEXT, coralStateOf } from './coral/usb-ids';
import { STM32_DFU_PID, STM32_DFU_VID } from './dfuse/family';
import { udevAdvice, udevRule, usbNodeAccess } from './usb-access';

const guess = (vid?: number, pid?: number) =>
  vid === undefined || pid === undefined ? [] : boardsForUsb(vid, pid).map((b) => b.id);

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Serial ports from sysfs, without udevadm: /sys/class/tty/<name>/device points at the USB
 * interface (or a platform device); the USB device directory above it holds idVendor and
 * idProduct. TTYs without a USB ancestor (virtual consoles, legacy 8250 ports) are skipped,
 * as serialport skips them.
 */
export function listSerialPortsSysfs(root = '/sys/class/tty', devDir = '/dev'): SerialPortEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const out: SerialPortEntry[] = [];
  for (const name of names.sort()) {
    let dir: string;
    try {
      dir = fs.realpathSync(path.join(root, name, 'device'));
    } catch {
      continue; // no device link: a virtual tty
    }
    for (let d = dir, i = 0; i < 6 && d !== path.dirname(d); d = path.dirname(d), i++) {
      const vid = readText(path.join(d, 'idVendor'));
      const pid = readText(path.join(d, 'idProduct'));
      if (!vid || !pid) continue;
      const v = parseInt(vid, 16);
      const p = parseInt(pid, 16);
      if (!Number.isFinite(v) || !Number.isFinite(p)) break;
      out.push({
        path: path.join(devDir, name),
        vid: v,
        pid: p,
        manufacturer: readText(path.join(d, 'manufacturer')),
        product: readText(path.join(d, 'product')),
        serialNumber: readText(path.join(d, 'serial')),
        source: 'sysfs',
        boards: guess(v, p),
      });
      break;
    }
  }
  return out;
}

async function listSerialPortsNative(timeoutMs: number): Promise<SerialPortEntry[]> {
  const { SerialPort } = await import('serialport');
  const list = SerialPort.list();
  // udevadm can hang in odd containers: never wait on it forever.
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('serialport list timed out')), timeoutMs).unref(),
  );
  const ports = await Promise.race([list, timeout]);
  return ports.map((p) => {
    const vid = p.vendorId ? parseInt(p.vendorId, 16) : undefined;
    const pid = p.productId ? parseInt(p.productId, 16) : undefined;
    return {
      path: p.path,
      vid,
      pid,
      manufacturer: p.manufacturer,
      serialNumber: p.serialNumber,
      source: 'serialport' as const,
      boards: guess(vid, pid),
    };
  });
}

/**
 * Ports a test adds to the listing (`lowbit serve` under LOWBIT_SIMULATED_SERIAL, a JSON file of
 * [{path, vid, pid, product}], e.g. a socat PTY with a simulated ESP32 behind it), as
 * LOWBIT_SIMULATED_USB adds a USB bus. Empty when unset or unreadable.
 */
function simulatedSerialPorts(warnings: string[]): SerialPortEntry[] {
  const file = process.env.LOWBIT_SIMULATED_SERIAL;
  if (!file) return [];
  try {
    const list = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      path: string;
      vid: number;
      pid: number;
      product?: string;
    }[];
    return list.map((p) => ({
      path: p.path,
      vid: p.vid,
      pid: p.pid,
      product: p.product,
      source: 'simulated' as const,
      boards: guess(p.vid, p.pid),
    }));
  } catch (e) {
    warnings.push(`LOWBIT_SIMULATED_SERIAL ${file}: ${(e as Error).message}`);
    return [];
  }
}

/** serialport's list first (udevadm on Linux); sysfs fills the gaps or replaces it when it fails. */
export async function listSerialPorts(
  warnings: string[] = [],
  opts: { sysfsRoot?: string } = {},
): Promise<SerialPortEntry[]> {
  return [...(await listRealSerialPorts(warnings, opts)), ...simulatedSerialPorts(warnings)];
}

async function listRealSerialPorts(
  warnings: string[],
  opts: { sysfsRoot?: string },
): Promise<SerialPortEntry[]> {
  const sys = listSerialPortsSysfs(opts.sysfsRoot);
  let native: SerialPortEntry[];
  try {
    native = await listSerialPortsNative(3000);
  } catch (e) {
    warnings.push(`serial port listing via serialport failed (${(e as Error).message}); used /sys instead`);
    return sys;
  }
  const bySys = new Map(sys.map((s) => [s.path, s]));
  const merged = native.map((n) => {
    const s = bySys.get(n.path);
    bySys.delete(n.path);
    if (!s || n.vid !== undefined) return n;
    return {
      ...s,
      ...Object.fromEntries(Object.entries(n).filter(([, v]) => v !== undefined)),
      vid: s.vid,
      pid: s.pid,
      source: 'serialport+sysfs' as const,
      boards: s.boards,
    };
  });
  return [...merged, ...bySys.values()];
}

/**
 * USB devices through the `usb` package (v3: a WebUSB-style API; `usb` allows all devices).
 * Reads the enumeration data only, never opens a device, so missing permissions do not matter.
 */
export async function listUsbDevices(warnings: string[] = []): Promise<UsbDeviceEntry[]> {
  try {
    const devices = await (await usbBackend()).getDevices();
    return devices.map((d) =>
      describeUsbDevice(
        d.vendorId,
        d.productId,
        String(d.bus),
        d.address,
        warnings,
        (bus, address) =>
          // A simulated bus says whether its device may be opened; real ones are checked on /dev.
          d.access ?? usbNodeAccess(bus, address),
      ),
    );
  } catch (e) {
    warnings.push(`USB listing unavailable (${(e as Error).message})`);
    return [];
  }
}

/**
 * One USB device as the listing shows it: the board guess, whether this user may open it (a
 * warning with the udev rule when not, for the devices Lowbit talks to), and the Coral's state.
 */
export function describeUsbDevice(
  vid: number,
  pid: number,
  bus: string,
  address: number,
  warnings: string[],
  accessOf: typeof usbNodeAccess = usbNodeAccess,
): UsbDeviceEntry {
  const entry: UsbDeviceEntry = { vid, pid, bus, address, boards: guess(vid, pid) };
  const access = accessOf(bus, address);
  if (access) entry.access = access;
  const coral = coralStateOf(vid, pid);
  if (coral) {
    entry.coral = coral;
    entry.note = CORAL_STATE_TEXT[coral];
  }
  const stm32Dfu = vid === STM32_DFU_VID && pid === STM32_DFU_PID;
  const ours = coral !== undefined || stm32Dfu || entry.boards.length > 0;
  if (access === 'denied' && ours) entry.udevRule = udevRule(vid, pid);
  if (access === 'denied' && ours)
    warnings.push(
      `no permission to open USB device ${vid.toString(16).padStart(4, '0')}:${pid.toString(16).padStart(4, '0')} on bus ${bus}: ${udevAdvice(vid, pid)}`,
    );
  return entry;
}

export async function listDevices(): Promise<DeviceList> {
  const warnings: string[] = [];
  const [serial, usb] = await Promise.all([listSerialPorts(warnings), listUsbDevices(warnings)]);
  return { serial, usb, warnings };
}

/**
 * Polls the listing and calls `onChange` when the set of ports or USB devices changes (plug /
 * unplug). Returns a stop function. Polling, not hotplug events, because serial ports have no
 * portable event source and libusb hotplug needs permissions that are often missing.
 */
export function watchDevices(onChange: (l: DeviceList) => void, intervalMs = 2000): () => void {
  let last = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const l = await listDevices();
    const key = JSON.stringify([
      l.serial.map((s) => s.path),
      l.usb.map((u) => `${u.bus}:${u.address}:${u.vid}:${u.pid}`),
    ]);
    if (!stopped && key !== last) {
      last = key;
      onChange(l);
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
