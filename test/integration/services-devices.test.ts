/**
 * Issue 7 (app half): devices.list, deploy.export and the deploy.flash job through the services,
 * flashing the STM32 bootloader simulator over the real serialport stack on a socat PTY pair,
 * and over the in-memory fake link for cancel.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceList, FlashOutcome, ModelHandle } from '../../main/contract/types';
import { SerialTransport } from '../../main/devices/link/serial';
import { parseContainer } from '../../main/engine/deploy/container';
import { createServices } from '../../main/services';
import { openPtyPair, type PtyPair } from '../devices/sim/pty';
import { Stm32Sim } from '../devices/sim/stm32-sim';
import { SHARED, sharedPath } from '../support/shared';
import { collect, servicesWithFakeStm32, value } from '../support/services-harness';
import { peer } from '../support/peers';

const HELLO = sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite');
const MODEL_AT = 0x08020000; // F446 sector 5, as the nucleo-f446re catalogue entry

describe('devices.list and deploy.export', () => {
  const services = createServices({ mode: 'browser', version: 't', allowedFolders: [SHARED] });
  afterAll(() => services.dispose());

  it('lists serial ports and USB devices without throwing (warnings instead)', async () => {
    const l = value<DeviceList>(await services.handle('devices.list', {}));
    expect(Array.isArray(l.serial)).toBe(true);
    expect(Array.isArray(l.usb)).toBe(true);
    for (const p of l.serial) expect(p.path).toMatch(/^\/dev\//);
    expect(l.warnings.every((w) => typeof w === 'string')).toBe(true);
  });

  it('exports the container (header + exact model bytes) and TFLM sources', async () => {
    const h = value<ModelHandle>(await services.handle('model.open', { path: HELLO }));
    const c = value<{ files: { name: string; bytes: Uint8Array }[] }>(
      await services.handle('deploy.export', { modelId: h.id, format: 'container' }),
    );
    expect(c.files.map((f) => f.name)).toEqual(['hello_world_int8.lbm']);
    const info = parseContainer(c.files[0]!.bytes);
    expect(info.payloadLength).toBe(fs.statSync(HELLO).size);
    const t = value<{ files: { name: string; bytes: Uint8Array }[] }>(
      await services.handle('deploy.export', { modelId: h.id, format: 'tflm' }),
    );
    const names = t.files.map((f) => f.name);
    expect(names.length).toBeGreaterThanOrEqual(2);
    const text = t.files.map((f) => new TextDecoder().decode(f.bytes)).join('\n');
    expect(text).toContain(`${fs.statSync(HELLO).size}`);
    expect(text).toMatch(/FullyConnected/i);
    const bad = await services.handle('deploy.export', { modelId: h.id, format: 'zip' });
    expect(!bad.ok && bad.error.code).toBe('INVALID_ARGUMENT');
    // A flash image (needs an address) is not a plain export; the registry says which are.
    const uf2 = await services.handle('deploy.export', { modelId: h.id, format: 'uf2' });
    expect(!uf2.ok && uf2.error).toEqual({
      code: 'INVALID_ARGUMENT',
      message: '"uf2" is not an export format for a model alone (tflm, arduino, container)',
    });
  });
});

const socat = peer('socat');

describe.skipIf(!socat.ok)(`deploy.flash over a PTY to the STM32 simulator ${socat.why}`, () => {
  let pty: PtyPair;
  beforeAll(async () => {
    pty = await openPtyPair();
  });
  afterAll(async () => {
    await pty?.kill();
  });

  it('flashes hello_world into sector 5 with progress, verified by read-back', async () => {
    const services = createServices({ mode: 'browser', version: 't', allowedFolders: [SHARED] });
    const { progress, waitFor } = collect(services);
    const sim = new Stm32Sim(0x421);
    const dev = new SerialTransport(pty.b, { baud: 115200 });
    await dev.open();
    const served = sim.serve(dev);
    try {
      const h = value<ModelHandle>(await services.handle('model.open', { path: HELLO }));
      const { jobId } = value<{ jobId: string }>(
        await services.handle('jobs.start', {
          kind: 'deploy.flash',
          params: { modelId: h.id, port: pty.a, protocol: 'stm32', board: 'nucleo-f446re' },
        }),
      );
      const f = await waitFor(jobId);
      expect(f.status).toBe('succeeded');
      const r = (f as { result: FlashOutcome }).result;
      const model = new Uint8Array(fs.readFileSync(HELLO));
      expect(r).toMatchObject({
        protocol: 'stm32',
        chip: 'STM32F446xx',
        address: MODEL_AT,
        modelBytes: model.length,
        verifiedBy: 'readback',
      });
      const flashed = sim.region(MODEL_AT, r.bytes);
      expect(parseContainer(flashed).payloadLength).toBe(model.length);
      expect(Buffer.from(flashed.subarray(r.bytes - model.length)).equals(Buffer.from(model))).toBe(true);
      expect(sim.stats.erasedSectors).toEqual([5]);
      const writes = progress.filter((p) => p.stage.startsWith('write'));
      expect(writes.at(-1)?.done).toBe(r.bytes);
    } finally {
      sim.stop();
      await served;
      await dev.close();
      await services.dispose();
    }
  });
});

describe('deploy.flash cancel and refusals (fake link)', () => {
  it('cancel stops the flash: status cancelled, the region past the first blocks stays erased', async () => {
    const { services, sim } = await servicesWithFakeStm32();
    const { progress, waitFor } = collect(services);
    try {
      const h = value<ModelHandle>(
        await services.handle('model.open', {
          path: sharedPath('models', 'tflite-micro', 'person_detect.tflite'),
        }),
      );
      const { jobId } = value<{ jobId: string }>(
        await services.handle('jobs.start', {
          kind: 'deploy.flash',
          params: { modelId: h.id, port: 'fake', protocol: 'stm32', address: MODEL_AT },
        }),
      );
      while (!progress.some((p) => p.stage.startsWith('write') && p.done > 0))
        await new Promise((r) => setTimeout(r, 2));
      value(await services.handle('jobs.cancel', { jobId }));
      const f = await waitFor(jobId);
      expect(f.status).toBe('cancelled');
      // person_detect's container is ~300 KB; a cancelled write leaves its tail erased.
      expect(sim.region(MODEL_AT + 250_000, 1024).every((b) => b === 0xff)).toBe(true);
      const noAddr = await services.handle('jobs.start', {
        kind: 'deploy.flash',
        params: { modelId: h.id, port: 'fake', protocol: 'stm32' },
      });
      const f2 = await waitFor(value<{ jobId: string }>(noAddr).jobId);
      expect(f2.status !== 'succeeded' && f2.error.code).toBe('INVALID_ARGUMENT');
      const both = await services.handle('jobs.start', {
        kind: 'deploy.flash',
        params: { modelId: h.id, port: 'x', protocol: 'esp32', partition: 'model', address: 0x10000 },
      });
      expect(!both.ok && both.error.code).toBe('INVALID_ARGUMENT');
      // The schema checks an id's shape; the family registry refuses one it does not have.
      const unknown = await services.handle('jobs.start', {
        kind: 'deploy.flash',
        params: { modelId: h.id, port: 'x', protocol: 'nrf52', address: 0x10000 },
      });
      expect(!unknown.ok && unknown.error).toEqual({
        code: 'INVALID_ARGUMENT',
        message: 'unknown device family "nrf52"',
      });
    } finally {
      sim.stop();
      await services.dispose();
    }
  });
});

describe('deploy.flash uf2 onto a BOOTSEL drive (a folder with INFO_UF2.TXT)', () => {
  it('writes <model>.uf2 with 256-byte payload blocks at the board address', async () => {
    const drive = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-rpi-rp2-'));
    fs.writeFileSync(
      path.join(drive, 'INFO_UF2.TXT'),
      'UF2 Bootloader v3.0\nModel: Raspberry Pi RP2\nBoard-ID: RPI-RP2\n',
    );
    // A drive given by path is a folder the caller writes into: `lowbit serve --allow <tmp>` (the
    // drive, and the temp folder that is no drive, below).
    const services = createServices({
      mode: 'browser',
      version: 't',
      allowedFolders: [SHARED, os.tmpdir()],
    });
    const { waitFor } = collect(services);
    try {
      const h = value<ModelHandle>(await services.handle('model.open', { path: HELLO }));
      const { jobId } = value<{ jobId: string }>(
        await services.handle('jobs.start', {
          kind: 'deploy.flash',
          params: { modelId: h.id, port: drive, protocol: 'uf2', board: 'raspberry-pi-pico' },
        }),
      );
      const f = await waitFor(jobId);
      expect(f.status).toBe('succeeded');
      const r = (f as { result: FlashOutcome }).result;
      expect(r).toMatchObject({ protocol: 'uf2', chip: 'RPI-RP2', verifiedBy: 'none' });
      expect(r.file).toBe(path.join(drive, 'hello_world_int8.uf2'));
      const uf2 = fs.readFileSync(r.file!);
      expect(uf2.length).toBe(512 * Math.ceil(r.bytes / 256));
      expect(uf2.readUInt32LE(0)).toBe(0x0a324655); // UF2 first magic
      expect(uf2.readUInt32LE(12)).toBe(r.address); // first block's target address
      expect(uf2.readUInt32LE(28)).toBe(0xe48bff56); // RP2040 family
      const none = await services.handle('jobs.start', {
        kind: 'deploy.flash',
        params: { modelId: h.id, port: os.tmpdir(), protocol: 'uf2', board: 'raspberry-pi-pico' },
      });
      const f2 = await waitFor(value<{ jobId: string }>(none).jobId);
      expect(f2.status !== 'succeeded' && f2.error.code).toBe('DEVICE_NOT_FOUND');
    } finally {
      await services.dispose();
      fs.rmSync(drive, { recursive: true, force: true });
    }
  });
});
