import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeUsbDevice } from './listing';
import { usbNodeAccess } from './usb-access';

describe('USB devices in the listing: Coral states and permissions (issue 14)', () => {
  it('tells the Coral USB Accelerator apart in both states, with what each needs', () => {
    const w: string[] = [];
    const before = describeUsbDevice(0x1a6e, 0x089a, '2', 5, w, () => 'ok');
    const after = describeUsbDevice(0x18d1, 0x9302, '2', 6, w, () => 'ok');
    expect(before).toMatchObject({
      coral: 'needs-firmware',
      boards: ['coral-usb-accelerator'],
      access: 'ok',
    });
    expect(before.note).toMatch(/lowbit edgetpu firmware/);
    expect(after).toMatchObject({ coral: 'ready', boards: ['coral-usb-accelerator'] });
    expect(after.note).toMatch(/libedgetpu.*Edge TPU delegate/);
    expect(w).toEqual([]);
    expect(describeUsbDevice(0x1d6b, 0x0002, '1', 1, w, () => 'denied').coral).toBeUndefined();
  });

  it('warns with the udev rule and where it goes when a device Lowbit talks to cannot be opened', () => {
    const w: string[] = [];
    expect(describeUsbDevice(0x1a6e, 0x089a, '3', 7, w, () => 'denied').access).toBe('denied');
    describeUsbDevice(0x0483, 0xdf11, '3', 8, w, () => 'denied');
    describeUsbDevice(0x1d6b, 0x0003, '3', 1, w, () => 'denied'); // a root hub: not ours, no noise
    expect(w).toHaveLength(2);
    expect(w[0]).toContain('no permission to open USB device 1a6e:089a on bus 3');
    expect(w[0]).toContain('/etc/udev/rules.d/');
    expect(w[0]).toContain('SUBSYSTEM=="usb", ATTRS{idVendor}=="1a6e", ATTRS{idProduct}=="089a"');
    // The rule printed is the one in the shipped rules file.
    const rules = fs.readFileSync(path.join(__dirname, '../../native-deps/linux/99-lowbit.rules'), 'utf8');
    for (const id of [
      '"1a6e", ATTRS{idProduct}=="089a"',
      '"18d1", ATTRS{idProduct}=="9302"',
      '"0483", ATTRS{idProduct}=="df11"',
    ])
      expect(rules).toContain(
        `SUBSYSTEM=="usb", ATTRS{idVendor}==${id}, MODE="0660", GROUP="plugdev", TAG+="uaccess"`,
      );
  });

  it('reads access from /dev/bus/usb/BBB/DDD', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-usbfs-'));
    fs.mkdirSync(path.join(root, '002'));
    fs.writeFileSync(path.join(root, '002', '005'), '');
    fs.writeFileSync(path.join(root, '002', '006'), '');
    fs.chmodSync(path.join(root, '002', '006'), 0o400);
    expect(usbNodeAccess('2', 5, root)).toBe('ok');
    expect(usbNodeAccess('2', 9, root)).toBeUndefined(); // no node: cannot tell
    if (process.getuid?.() === 0) console.log('skipped the read-only node case: root opens any node');
    else expect(usbNodeAccess('2', 6, root)).toBe('denied');
    fs.rmSync(root, { recursive: true, force: true });
  });
});
