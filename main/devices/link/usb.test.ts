import { describe, expect, it } from 'vitest';
import type { UsbSetup } from './link';
import { WebUsbLink, type WebUsbDevice } from './usb';

/** A stand-in for the `usb` package's WebUSB-style device object (no USB device here). */
function fakeDevice(overrides: Partial<WebUsbDevice> = {}): WebUsbDevice & { calls: string[] } {
  const calls: string[] = [];
  let opened = false;
  const dv = (bytes: number[]) => new DataView(Uint8Array.from(bytes).buffer);
  return {
    calls,
    vendorId: 0x1a6e,
    productId: 0x089a,
    bus: '1',
    ports: [2, 1],
    get opened() {
      return opened;
    },
    open: async () => {
      calls.push('open');
      opened = true;
    },
    close: async () => {
      calls.push('close');
      opened = false;
    },
    claimInterface: async (n) => void calls.push(`claim ${n}`),
    releaseInterface: async (n) => void calls.push(`release ${n}`),
    controlTransferIn: async (s, length) => {
      calls.push(`ctrl-in ${s.requestType}/${s.recipient} ${s.request} ${s.value} ${s.index} ${length}`);
      return { status: 'ok', data: dv([0, 0, 0, 0, 2, 0]) };
    },
    controlTransferOut: async (s, data) => {
      calls.push(`ctrl-out ${s.request} ${s.value} [${data ? [...data].join(',') : ''}]`);
      return { status: 'ok', bytesWritten: data?.length ?? 0 };
    },
    transferIn: async (ep, length) => {
      calls.push(`bulk-in ${ep} ${length}`);
      return { status: 'ok', data: dv([5, 6]) };
    },
    transferOut: async (ep, data) => {
      calls.push(`bulk-out ${ep} [${[...data].join(',')}]`);
      return { status: 'ok', bytesWritten: data.length };
    },
    reset: async () => void calls.push('reset'),
    ...overrides,
  };
}

const getStatus: UsbSetup = { requestType: 'class', recipient: 'interface', request: 3, value: 0, index: 0 };

describe('WebUsbLink over the usb package (issue 12)', () => {
  it('opens, claims, and maps control and bulk transfers onto the WebUSB calls', async () => {
    const dev = fakeDevice();
    const link = await WebUsbLink.open(dev);
    expect(link.path).toBe('usb:1-2.1 (1a6e:089a)');
    await link.claimInterface(0);
    expect([...(await link.controlIn(getStatus, 6))]).toEqual([0, 0, 0, 0, 2, 0]);
    expect(await link.controlOut({ ...getStatus, request: 1, value: 2 }, Uint8Array.of(7, 8))).toBe(2);
    expect([...(await link.bulkIn(1, 64))]).toEqual([5, 6]);
    expect(await link.bulkOut(1, Uint8Array.of(1, 2, 3))).toBe(3);
    await link.releaseInterface(0);
    await link.close();
    expect(dev.calls).toEqual([
      'open',
      'claim 0',
      'ctrl-in class/interface 3 0 0 6',
      'ctrl-out 1 2 [7,8]',
      'bulk-in 1 64',
      'bulk-out 1 [1,2,3]',
      'release 0',
      'close',
    ]);
  });

  it('turns a stall, a vanished device and a permission error into device errors', async () => {
    const stall = await WebUsbLink.open(fakeDevice({ controlTransferIn: async () => ({ status: 'stall' }) }));
    await expect(stall.controlIn(getStatus, 6)).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL' });
    const gone = await WebUsbLink.open(
      fakeDevice({
        transferOut: async () => {
          throw new Error('LIBUSB_ERROR_NO_DEVICE');
        },
      }),
    );
    await expect(gone.bulkOut(1, Uint8Array.of(1))).rejects.toMatchObject({ code: 'DEVICE_DISCONNECTED' });
    await expect(
      WebUsbLink.open(
        fakeDevice({
          open: async () => {
            throw new Error('LIBUSB_ERROR_ACCESS');
          },
        }),
      ),
    ).rejects.toThrow(/permission denied.*udev/);
  });
});
