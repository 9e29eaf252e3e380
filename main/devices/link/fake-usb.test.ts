import { describe, expect, it } from 'vitest';
import { FakeUsbLink } from './fake-usb';
import type { UsbSetup } from './link';

const getStatus: UsbSetup = { requestType: 'class', recipient: 'interface', request: 3, value: 0, index: 0 };
const dnload = (block: number): UsbSetup => ({
  requestType: 'class',
  recipient: 'interface',
  request: 1,
  value: block,
  index: 0,
});

describe('FakeUsbLink (issue 12: a scripted USB device for protocol tests)', () => {
  it('plays control and bulk transfers in order and returns the scripted replies', async () => {
    const link = new FakeUsbLink([
      { kind: 'claim', interfaceNumber: 0 },
      { kind: 'controlOut', setup: dnload(0), data: Uint8Array.of(1, 2, 3) },
      { kind: 'controlIn', setup: getStatus, reply: Uint8Array.of(0, 10, 0, 0, 5, 0) },
      { kind: 'bulkOut', endpoint: 1 },
      { kind: 'bulkIn', endpoint: 1, reply: Uint8Array.of(9, 8, 7, 6) },
      { kind: 'release', interfaceNumber: 0 },
    ]);
    await link.claimInterface(0);
    expect(await link.controlOut(dnload(0), Uint8Array.of(1, 2, 3))).toBe(3);
    expect([...(await link.controlIn(getStatus, 6))]).toEqual([0, 10, 0, 0, 5, 0]);
    expect(await link.bulkOut(1, new Uint8Array(64))).toBe(64);
    expect([...(await link.bulkIn(1, 2))]).toEqual([9, 8]); // at most `length` bytes
    await link.releaseInterface(0);
    expect(link.remaining).toBe(0);
  });

  it('fails a call out of script, a wrong payload, a stall and a call after unplug', async () => {
    const link = new FakeUsbLink([
      { kind: 'controlOut', setup: dnload(2), data: Uint8Array.of(1) },
      { kind: 'controlIn', setup: getStatus, reply: 'stall' },
      { kind: 'bulkIn', endpoint: 1, reply: Uint8Array.of(1) },
    ]);
    await expect(link.controlIn(getStatus, 6)).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL' });
    await expect(link.controlOut(dnload(2), Uint8Array.of(2))).rejects.toThrow(/expected/);
    expect(await link.controlOut(dnload(2), Uint8Array.of(1))).toBe(1);
    await expect(link.controlIn(getStatus, 6)).rejects.toThrow(/stall/);
    link.unplug();
    await expect(link.bulkIn(1, 1)).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
  });
});
