import { describe, expect, it } from 'vitest';
import { DfuSimDevice, type DfuSimOptions, type Fault } from '../../../test/devices/usb-sim/dfu-sim';
import { WebUsbLink } from '../link/usb';
import { parseDfuDescriptors } from './descriptors';
import { DfuDevice } from './driver';
import { DFU_STATE } from './protocol';

const image = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 0xff);

async function open(options: Partial<DfuSimOptions> = {}) {
  const sim = new DfuSimDevice(options);
  const dfu = await DfuDevice.open(await WebUsbLink.open(sim));
  return { sim, dfu };
}

describe('USB DFU 1.1 driver against a spec state machine (issue 14)', () => {
  it('downloads in blocks of wTransferSize with GETSTATUS after each, ends with a zero-length block, uploads the same bytes', async () => {
    const { sim, dfu } = await open({ transferSize: 64, pollTimeoutMs: 1 });
    expect(dfu.transferSize).toBe(64);
    await dfu.toIdle();
    sim.log.length = 0;
    const progress: number[] = [];
    expect(await dfu.download(image, (n) => progress.push(n))).toBe('idle');
    expect([...sim.firmware]).toEqual([...image]);
    expect(progress).toHaveLength(16);
    expect(progress.at(-1)).toBe(1000);
    // Each block: DNLOAD, GETSTATUS (dfuDNBUSY, poll), GETSTATUS (dfuDNLOAD-IDLE); then the end.
    expect(sim.log.slice(0, 3)).toEqual(['DNLOAD', 'GETSTATUS', 'GETSTATUS']);
    expect(sim.log.filter((r) => r === 'DNLOAD')).toHaveLength(17);
    expect([...(await dfu.upload(image.length))]).toEqual([...image]);
    expect(sim.state).toBe(DFU_STATE.dfuIDLE);
  });

  it('waits bwPollTimeout while the device is busy (an early GETSTATUS would be stalled)', async () => {
    const { dfu } = await open({ transferSize: 256, pollTimeoutMs: 25 });
    const t0 = Date.now();
    await dfu.download(image.subarray(0, 512));
    // Two blocks and the manifestation, each 25 ms busy.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
  });

  it('reports dfuMANIFEST-WAIT-RESET for a device that is not manifestation tolerant', async () => {
    const { dfu } = await open({ manifestationTolerant: false });
    expect(await dfu.download(image)).toBe('wait-reset');
  });

  it('returns to dfuIDLE from dfuERROR (CLRSTATUS) and from dfuDNLOAD-IDLE (ABORT)', async () => {
    const { sim, dfu } = await open();
    sim.state = DFU_STATE.dfuERROR;
    sim.status = 3;
    await dfu.toIdle();
    expect(sim.log).toEqual(['GETSTATUS', 'CLRSTATUS', 'GETSTATUS']);
    await dfu.downloadBlock(0, image.subarray(0, 64));
    await dfu.toIdle();
    expect(sim.log.slice(-3)).toEqual(['GETSTATUS', 'ABORT', 'GETSTATUS']);
    expect(sim.state).toBe(DFU_STATE.dfuIDLE);
  });

  it('detaches a run-time device into DFU mode (DETACH, then a USB reset) and refuses to download before that', async () => {
    const { sim, dfu } = await open();
    sim.state = DFU_STATE.appIDLE;
    await expect(dfu.toIdle()).rejects.toThrow(/run-time mode \(appIDLE\), not DFU mode: detach it first/);
    sim.log.length = 0;
    await dfu.detach();
    expect(sim.log).toEqual(['GETSTATE', 'DETACH']);
    expect(sim.state).toBe(DFU_STATE.dfuIDLE); // after the reset
    await expect(dfu.detach()).rejects.toThrow(/DETACH needs run-time mode/);
  });

  const faults: [Fault, RegExp, string][] = [
    [{ request: 'DNLOAD', nth: 3, kind: 'stall' }, /DNLOAD|stall/, 'DEVICE_PROTOCOL'],
    [{ request: 'GETSTATUS', nth: 5, kind: 'wrong-status' }, /errWRITE.*dfuERROR/, 'DEVICE_PROTOCOL'],
    [{ request: 'GETSTATUS', nth: 2, kind: 'timeout' }, /timed out/, 'DEVICE_TIMEOUT'],
    [{ request: 'DNLOAD', nth: 17, kind: 'stall' }, /stall/, 'DEVICE_PROTOCOL'],
    [{ request: 'GETSTATUS', nth: 33, kind: 'wrong-status' }, /errWRITE/, 'DEVICE_PROTOCOL'],
    [{ request: 'DNLOAD', nth: 9, kind: 'gone' }, /gone/, 'DEVICE_DISCONNECTED'],
  ];
  it.each(faults)('fails %j with one clear line, and a clean retry then works', async (fault, text, code) => {
    const { sim, dfu } = await open({ faults: [fault] });
    const err = await dfu.download(image).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err?.code).toBe(code);
    expect(err?.message).toMatch(text);
    expect(err?.message).not.toContain('\n');
    if (fault.kind === 'gone') return; // a vanished device needs a replug: nothing to retry on
    await dfu.toIdle();
    expect(await dfu.download(image)).toBe('idle');
    expect([...sim.firmware]).toEqual([...image]);
  });

  it('refuses malformed descriptors with a one-line error', () => {
    expect(() => parseDfuDescriptors(Uint8Array.of(9, 2, 9, 0, 1, 1, 0, 0x80, 50), 'dev')).toThrow(
      /no DFU interface/,
    );
    expect(() => parseDfuDescriptors(Uint8Array.of(9, 2, 20, 0, 1, 1, 0, 0x80, 50, 0, 4), 'dev')).toThrow(
      /length 0/,
    );
    expect(() => parseDfuDescriptors(Uint8Array.of(1, 2), 'dev')).toThrow(/malformed/);
  });
});
