import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadCoralFirmware,
  readCoralFirmware,
  type CoralFirmwareOptions,
} from '../../main/devices/coral/firmware';
import type { FlashProgress } from '../../main/devices/flash-job';
import type { CoralFirmwareOutcome, JobFinished } from '../../main/contract/types';
import { setUsbBackend } from '../../main/devices/link/usb-backend';
import { createServices } from '../../main/services';
import { CoralSimDevice, type CoralSimOptions } from '../devices/usb-sim/coral-sim';
import { DfuSimDevice, type Fault } from '../devices/usb-sim/dfu-sim';
import { FakeUsbBus } from '../devices/usb-sim/fake-bus';
import { collect, value } from '../support/services-harness';

const firmware = readCoralFirmware();

function setUp(options: Partial<CoralSimOptions> = {}) {
  const bus = new FakeUsbBus();
  const sim = new CoralSimDevice(bus, { bootsWith: firmware, ...options });
  bus.devices.push(sim);
  const load = (more: Partial<CoralFirmwareOptions> = {}) =>
    loadCoralFirmware({ firmware, bus, reenumerateTimeoutMs: 500, pollMs: 10, ...more });
  const ids = () => bus.devices.map((d) => `${d.vendorId.toString(16)}:${d.productId.toString(16)}`);
  return { bus, sim, load, ids };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error & { code: string },
  );

describe('Coral USB Accelerator firmware load by DFU (issue 14)', () => {
  it('ships libedgetpu apex_latest_single_ep.bin: 10,783 bytes with the recorded SHA-256', () => {
    expect(firmware.length).toBe(10783);
    const tampered = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-coral-')), 'fw.bin');
    fs.writeFileSync(
      tampered,
      Uint8Array.from(firmware, (b, i) => (i === 100 ? b ^ 1 : b)),
    );
    expect(() => readCoralFirmware(tampered)).toThrow(/SHA-256 .* is not the recorded firmware's/);
  });

  it('downloads in wTransferSize blocks with one GETSTATUS each, verifies by upload, resets, and waits for 18d1:9302', async () => {
    const { sim, load, ids } = setUp();
    const events: FlashProgress[] = [];
    const r = await load({ onProgress: (p) => events.push(p) });
    expect(r).toMatchObject({ state: 'loaded', bytes: 10783, retries: 0, verifiedBy: 'readback' });
    expect([...sim.firmware]).toEqual([...firmware]);
    // 42 full blocks of 256, one of 31, the zero-length block: each DNLOAD answered by one GETSTATUS.
    const dfuRequests = sim.log.filter((x) => x === 'DNLOAD' || x === 'GETSTATUS');
    expect(dfuRequests.filter((x) => x === 'DNLOAD')).toHaveLength(44);
    expect(sim.log.slice(1, 5)).toEqual(['DNLOAD', 'GETSTATUS', 'DNLOAD', 'GETSTATUS']);
    expect(sim.log.filter((x) => x === 'UPLOAD')).toHaveLength(43);
    expect(sim.resets).toBe(1);
    expect(ids()).toEqual(['18d1:9302']);
    expect(events.map((e) => e.phase).filter((p, i, a) => p !== a[i - 1])).toEqual([
      'connect',
      'write',
      'verify',
      'done',
    ]);
  });

  it('says so and sends nothing when the device is 18d1:9302 already; refuses when neither is plugged in', async () => {
    const ready = new DfuSimDevice({ vid: 0x18d1, pid: 0x9302 });
    const r = await loadCoralFirmware({ firmware, bus: new FakeUsbBus([ready]) });
    expect(r.state).toBe('already-loaded');
    expect(ready.log).toEqual([]);
    const none = await failure(loadCoralFirmware({ firmware, bus: new FakeUsbBus([]) }));
    expect(none?.code).toBe('DEVICE_NOT_FOUND');
    expect(none?.message).toMatch(/neither 1a6e:089a nor 18d1:9302/);
  });

  it('reports wrong IDs after the reset: back as 1a6e:089a, other IDs, or nothing', async () => {
    const wrongImage = setUp({ bootsWith: new Uint8Array(10) });
    expect((await failure(wrongImage.load()))?.message).toMatch(/came back as 1a6e:089a again/);
    const other = setUp({ comeBackAs: { vid: 0x18d1, pid: 0x9303 } });
    const e = await failure(other.load());
    expect(e?.code).toBe('DEVICE_TIMEOUT');
    expect(e?.message).toMatch(/did not come back as 18d1:9302 within 1 s/);
    expect((await failure(setUp({ comeBackAs: null }).load()))?.code).toBe('DEVICE_TIMEOUT');
    // A slow re-enumeration within the timeout is fine.
    expect((await setUp({ reenumerateMs: 200 }).load()).state).toBe('loaded');
  });

  it('cancels during the download without resetting the device', async () => {
    const { sim, load } = setUp();
    const c = new AbortController();
    const e = await failure(
      load({ signal: c.signal, onProgress: (p) => p.phase === 'write' && p.done > 2000 && c.abort() }),
    );
    expect(e?.code).toBe('CANCELLED');
    expect(sim.resets).toBe(0);
  });

  // The fault matrix: at the start, mid-download, at the end of the download, in the read-back, at the reset.
  const retryable: Fault[] = [
    { request: 'DNLOAD', nth: 1, kind: 'stall' },
    { request: 'GETSTATUS', nth: 20, kind: 'wrong-status' },
    { request: 'DNLOAD', nth: 44, kind: 'stall' },
    { request: 'GETSTATUS', nth: 30, kind: 'timeout' },
    { request: 'UPLOAD', nth: 40, kind: 'stall' },
  ];
  it.each(retryable)('%j: retried within the load, the firmware still arrives whole', async (fault) => {
    const { sim, load, ids } = setUp({ faults: [fault] });
    const r = await load();
    expect(r.retries).toBe(1);
    expect([...sim.firmware]).toEqual([...firmware]);
    expect(ids()).toEqual(['18d1:9302']);
  });

  const fatal: [Fault, string, RegExp, number][] = [
    [{ request: 'DNLOAD', nth: 3, kind: 'stall' }, 'DEVICE_PROTOCOL', /stall/, 0],
    [{ request: 'GETSTATUS', nth: 10, kind: 'wrong-status' }, 'DEVICE_PROTOCOL', /errWRITE/, 0],
    [{ request: 'GETSTATUS', nth: 44, kind: 'timeout' }, 'DEVICE_TIMEOUT', /timed out/, 0],
    [{ request: 'DNLOAD', nth: 20, kind: 'gone' }, 'DEVICE_DISCONNECTED', /gone during control OUT/, 2],
    [{ request: 'UPLOAD', nth: 5, kind: 'gone' }, 'DEVICE_DISCONNECTED', /gone during control IN/, 2],
    [{ request: 'UPLOAD', nth: 7, kind: 'corrupt' }, 'DEVICE_VERIFY', /differs at byte 1536/, 2],
    [{ request: 'GET_DESCRIPTOR', nth: 2, kind: 'stall' }, 'DEVICE_PROTOCOL', /stall/, 2],
  ];
  it.each(fatal)(
    '%j: fails with %s in one line, no reset, nothing reported as loaded; a clean retry works',
    async (fault, code, text, retries) => {
      const { sim, load, bus, ids } = setUp({ faults: [fault] });
      const e = await failure(load({ retries }));
      expect(e?.code).toBe(code);
      expect(e?.message).toMatch(text);
      expect(e?.message).not.toContain('\n');
      expect(sim.resets).toBe(0);
      expect(ids()).not.toContain('18d1:9302');
      // Replugged: a fresh device in the same place; the load runs clean.
      bus.devices.splice(0, bus.devices.length, new CoralSimDevice(bus, { bootsWith: firmware }));
      expect((await load()).state).toBe('loaded');
      expect(ids()).toEqual(['18d1:9302']);
    },
  );

  it('counts the device vanishing during the port reset (libusb NO_DEVICE) as the reset working', async () => {
    const { load, ids, sim } = setUp({ faults: [{ request: 'RESET', nth: 1, kind: 'gone' }] });
    expect((await load()).state).toBe('loaded');
    expect(sim.resets).toBe(1);
    expect(ids()).toEqual(['18d1:9302']);
  });
});

describe("the app's devices.coralFirmware job (issue 14)", () => {
  it('loads the firmware with progress, lists the device ready afterwards, and validates its params', async () => {
    const bus = new FakeUsbBus();
    bus.devices.push(new CoralSimDevice(bus, { bootsWith: firmware }));
    setUsbBackend(bus);
    const services = createServices({ mode: 'browser', version: 't', allowedFolders: [os.tmpdir()] });
    try {
      const before = value<{ usb: { coral?: string }[] }>(await services.handle('devices.list', {}));
      expect(before.usb.map((u) => u.coral)).toEqual(['needs-firmware']);
      const { progress, waitFor } = collect(services);
      const { jobId } = value<{ jobId: string }>(
        await services.handle('jobs.start', { kind: 'devices.coralFirmware', params: { timeoutSec: 5 } }),
      );
      const done = (await waitFor(jobId)) as JobFinished & { result: CoralFirmwareOutcome };
      expect(done).toMatchObject({
        kind: 'devices.coralFirmware',
        status: 'succeeded',
        result: { state: 'loaded', bytes: 10783 },
      });
      expect(progress.filter((p) => p.jobId === jobId).some((p) => p.stage.startsWith('write'))).toBe(true);
      const after = value<{ usb: { coral?: string }[] }>(await services.handle('devices.list', {}));
      expect(after.usb.map((u) => u.coral)).toEqual(['ready']);
      const bad = await services.handle('jobs.start', {
        kind: 'devices.coralFirmware',
        params: { timeoutSec: 0 },
      });
      expect(!bad.ok && bad.error.code).toBe('INVALID_ARGUMENT');
      // Nothing plugged in: the job fails with the device error, not a crash.
      bus.devices.length = 0;
      const none = value<{ jobId: string }>(
        await services.handle('jobs.start', { kind: 'devices.coralFirmware', params: {} }),
      );
      expect(await waitFor(none.jobId)).toMatchObject({
        status: 'failed',
        error: { code: 'DEVICE_NOT_FOUND' },
      });
    } finally {
      setUsbBackend(undefined);
      await services.dispose();
    }
  });
});
