/**
 * May this user open a USB device? On Linux libusb opens /dev/bus/usb/BBB/DDD, which udev creates
 * root-owned unless a rule grants access; Lowbit's rules (native-deps/linux/99-lowbit.rules, one
 * line per device it talks to) go to /etc/udev/rules.d/. Listing never opens a device, so it
 * checks the node's permissions instead, and says which rule to install when they are missing.
 */
import fs from 'node:fs';
import path from 'node:path';

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** 'ok' or 'denied' from the device node; undefined off Linux or when the node is not there. */
export function usbNodeAccess(
  bus: string,
  address: number,
  devRoot = '/dev/bus/usb',
): 'ok' | 'denied' | undefined {
  const busNumber = parseInt(bus, 10);
  if (process.platform !== 'linux' || !Number.isInteger(busNumber)) return undefined;
  const node = path.join(devRoot, String(busNumber).padStart(3, '0'), String(address).padStart(3, '0'));
  if (!fs.existsSync(node)) return undefined;
  try {
    fs.accessSync(node, fs.constants.R_OK | fs.constants.W_OK);
    return 'ok';
  } catch {
    return 'denied';
  }
}

/** The udev rule that gives the logged-in user (and group plugdev) access to one VID:PID. */
export const udevRule = (vid: number, pid: number) =>
  `SUBSYSTEM=="usb", ATTRS{idVendor}=="${hex4(vid)}", ATTRS{idProduct}=="${hex4(pid)}", MODE="0660", GROUP="plugdev", TAG+="uaccess"`;

/** One line: what to install, where it goes, and how to make udev apply it. */
export const udevAdvice = (vid: number, pid: number) =>
  `install Lowbit's udev rules: sudo cp native-deps/linux/99-lowbit.rules /etc/udev/rules.d/ (packaged app: resources/native-deps/99-lowbit.rules), sudo udevadm control --reload && sudo udevadm trigger, then replug; the rule for this device is ${udevRule(vid, pid)}`;
