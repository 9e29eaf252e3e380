/**
 * Issue 14 (items 6–7): PICOBOOT flashing of RP2040 / RP2350 boards, the real driver against a
 * device that implements the boot ROM's state machine at the `usb` package's API boundary
 * (test/devices/sim/picoboot-device.ts), through the real WebUsbLink.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flashModel } from '../../main/devices/flash-model';
import type { FlashProgress } from '../../main/devices/flash-job';
import { WebUsbLink } from '../../main/devices/link/usb';
import { setUsbBackend } from '../../main/devices/link/usb-backend';
import { PicobootConnection } from '../../main/devices/picoboot/connection';
import { flashPicoboot, type PicobootFlashOptions } from '../../main/devices/picoboot/flasher';
import { boardById } from '../../main/engine/deploy/boards';
import { buildContainer } from '../../main/engine/deploy/container';
import { toErrorInfo } from '../../main/engine/errors';
import { ROOT, readBytes, sharedPath } from '../support/shared';
import { PicobootDevice, type PicobootFault } from '../devices/sim/picoboot-device';

const helloWorld = readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite'));
const personDetect = readBytes(sharedPath('models', 'tflite-micro', 'person_detect.tflite'));
/** What the fault matrix flashes: 6 sectors of deterministic bytes, the last one partly. */
const image = Uint8Array.from({ length: 5 * 4096 + 700 }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
const AT = 0x10100000; // raspberry-pi-pico's model address
const FAST = { command: 200, data: 200, status: 200 };

const open = (dev: PicobootDevice) => () => WebUsbLink.open(dev);
const flash = (dev: PicobootDevice, bytes: Uint8Array = image, opts: Partial<PicobootFlashOptions> = {}) =>
  flashPicoboot(open(dev), bytes, { address: AT, timeouts: FAST, ...opts });
const padded = (bytes: Uint8Array) => Math.ceil(bytes.length / 256) * 256;

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return toErrorInfo(e);
  }
  throw new Error('expected the flash to fail, it reported success');
}

afterEach(() => setUsbBackend(undefined));

describe('PICOBOOT flash against the simulated boot ROM', () => {
  it('writes person_detect at 0x10100000: erase, pages, read-back, reboot; flash equals the image', async () => {
    const image = buildContainer(personDetect); // 300,6xx bytes: 74 sectors, 1,175 pages
    const dev = new PicobootDevice({ chip: 'RP2040' });
    const events: FlashProgress[] = [];
    const r = await flash(dev, image, { onProgress: (p) => events.push(p) });
    expect(r).toMatchObject({
      protocol: 'picoboot',
      chip: 'RP2040',
      address: AT,
      bytes: image.length,
      retries: 0,
      verifiedBy: 'readback',
    });
    expect(dev.read(AT, image.length)).toEqual(image);
    // Past the image: the rest of its last page and sector are erased, the next sector untouched.
    const sectors = Math.ceil(image.length / 4096);
    expect(dev.read(AT + image.length, sectors * 4096 - image.length).every((b) => b === 0xff)).toBe(true);
    const count = (name: string) => dev.log.filter((c) => c === name).length;
    expect(dev.log.slice(0, 3)).toEqual(['EXCLUSIVE_ACCESS', 'EXIT_XIP', 'FLASH_ERASE']);
    expect(count('FLASH_ERASE')).toBe(sectors);
    expect(count('WRITE')).toBe(Math.ceil(padded(image) / 4096));
    expect(count('READ')).toBe(Math.ceil(padded(image) / 4096));
    expect(dev.log.at(-1)).toBe('REBOOT');
    expect(dev.rebooted).toBe(1);
    expect(dev.gone).toBe(true); // rebooted into the application: off the bus
    expect([...new Set(events.map((e) => e.phase))]).toEqual(['connect', 'erase', 'write', 'verify', 'done']);
    expect(events.at(-1)).toMatchObject({ phase: 'done', done: padded(image), total: padded(image) });
  });

  it('RP2350 (2e8a:000f) leaves BOOTSEL with REBOOT2, the RP2040 REBOOT being unknown to its ROM', async () => {
    const dev = new PicobootDevice({ chip: 'RP2350', flashBytes: 4 << 20 });
    const small = buildContainer(helloWorld);
    const r = await flash(dev, small, { address: 0x10200000 });
    expect(r.chip).toBe('RP2350');
    expect(dev.read(0x10200000, small.length)).toEqual(small);
    expect(dev.log.at(-1)).toBe('REBOOT2');
    expect(dev.gone).toBe(true);
  });

  it('through flashModel: the picoboot family, the board address and chip, target auto or usb:BUS:ADDRESS', async () => {
    const dev = new PicobootDevice({ chip: 'RP2040' });
    setUsbBackend({ getDevices: async () => (dev.gone ? [] : [dev]) });
    const board = boardById('raspberry-pi-pico')!;
    const r = await flashModel({
      model: helloWorld,
      modelName: 'hello.tflite',
      family: 'picoboot',
      board,
      target: 'auto',
    });
    expect(r).toMatchObject({
      protocol: 'picoboot',
      chip: 'RP2040',
      address: 0x10100000,
      modelBytes: helloWorld.length,
    });
    const container = buildContainer(helloWorld);
    expect(dev.read(0x10100000, container.length)).toEqual(container);
    dev.replug();
    await flashModel({
      model: helloWorld,
      modelName: 'hello.tflite',
      family: 'picoboot',
      board,
      target: 'usb:1-2:7',
    });
    const wrongChip = await failure(
      (dev.replug(),
      flashModel({
        model: helloWorld,
        modelName: 'h.tflite',
        family: 'picoboot',
        board: boardById('raspberry-pi-pico-2')!,
        target: 'auto',
      })),
    );
    expect(wrongChip.code).toBe('DEVICE_WRONG_CHIP');
    expect(wrongChip.message).toMatch(/connected chip is RP2040, the board has an RP2350/);
    const none = await failure(
      flashModel({
        model: helloWorld,
        modelName: 'h.tflite',
        family: 'picoboot',
        board,
        target: 'usb:3-1:9',
      }),
    );
    expect(none).toMatchObject({ code: 'DEVICE_NOT_FOUND' });
  });
});

describe('PICOBOOT fault matrix: a one-line error, never success; a clean retry works', () => {
  const cases: { name: string; fault: PicobootFault; code: string; message: RegExp }[] = [
    {
      name: 'stall on a write (INVALID_ADDRESS)',
      fault: { on: 'WRITE', nth: 3, what: 'stall', code: 4 },
      code: 'DEVICE_PROTOCOL',
      message: /WRITE refused: INVALID_ADDRESS/,
    },
    {
      name: 'stall on an erase',
      fault: { on: 'FLASH_ERASE', nth: 2, what: 'stall' },
      code: 'DEVICE_PROTOCOL',
      message: /FLASH_ERASE refused: UNKNOWN_ERROR/,
    },
    {
      name: 'stall on exclusive access',
      fault: { on: 'EXCLUSIVE_ACCESS', what: 'stall' },
      code: 'DEVICE_PROTOCOL',
      message: /EXCLUSIVE_ACCESS refused/,
    },
    {
      name: 'status with another token',
      fault: { on: 'READ', nth: 2, what: 'wrong-token' },
      code: 'DEVICE_PROTOCOL',
      message: /status answers token \d+ \(sent \d+\)/,
    },
    {
      name: 'timeout in a write data phase',
      fault: { on: 'WRITE', nth: 5, what: 'hang' },
      code: 'DEVICE_TIMEOUT',
      message: /no answer to the WRITE data within 200 ms/,
    },
    {
      name: 'timeout on an erase acknowledgement',
      fault: { on: 'FLASH_ERASE', nth: 4, what: 'hang' },
      code: 'DEVICE_TIMEOUT',
      message: /FLASH_ERASE acknowledgement/,
    },
    {
      name: 'timeout on a read command packet',
      fault: { on: 'READ', nth: 1, what: 'hang', phase: 'command' },
      code: 'DEVICE_TIMEOUT',
      message: /READ command/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dev = new PicobootDevice({ faults: [c.fault] });
      const e = await failure(flash(dev, image, { retries: 0 }));
      expect(e.code).toBe(c.code);
      expect(e.message).toMatch(c.message);
      expect(e.message).not.toContain('\n');
      // With retries the same fault is absorbed: a fresh session repeats the step.
      const again = new PicobootDevice({ faults: [c.fault] });
      const r = await flash(again, image);
      expect(r.retries).toBe(1);
      expect(again.read(AT, image.length)).toEqual(image);
    });
  }

  for (const phase of ['data', 'ack'] as const)
    for (const on of ['WRITE', 'READ', 'FLASH_ERASE'] as const) {
      if (on === 'FLASH_ERASE' && phase === 'data') continue;
      it(`device gone during ${on} ${phase}: disconnected, not retried; replugged, the flash succeeds`, async () => {
        const dev = new PicobootDevice({ faults: [{ on, nth: 2, what: 'gone', phase }] });
        const e = await failure(flash(dev));
        expect(e.code).toBe('DEVICE_DISCONNECTED');
        expect(e.message).not.toContain('\n');
        dev.replug();
        const r = await flash(dev);
        expect(r.retries).toBe(0);
        expect(dev.read(AT, image.length)).toEqual(image);
      });
    }

  it('a board that leaves the bus before acknowledging REBOOT counts as rebooted (the ack races the reset)', async () => {
    const dev = new PicobootDevice({ faults: [{ on: 'REBOOT', what: 'gone', phase: 'ack' }] });
    const r = await flash(dev);
    expect(r.verifiedBy).toBe('readback');
    expect(dev.gone).toBe(true);
    expect(dev.read(AT, image.length)).toEqual(image);
  });

  it('wrong IDs, no PICOBOOT interface, and a stuck flash bit are refused', async () => {
    const other = await failure(flash(new PicobootDevice({ pid: 0x0004 })));
    expect(other).toMatchObject({ code: 'DEVICE_WRONG_CHIP' });
    expect(other.message).toMatch(/2e8a:0004 is not an RP2040 \(2e8a:0003\) or RP2350/);
    const msc = await failure(flash(new PicobootDevice({ withoutPicoboot: true })));
    expect(msc.message).toMatch(/no PICOBOOT interface/);
    const stuck = new PicobootDevice({ stuckZeroAt: AT + 5000 }); // image byte 5000 is 0xab
    const bad = await failure(flash(stuck));
    expect(bad.code).toBe('DEVICE_VERIFY');
    expect(bad.message).toMatch(/read-back differs at 0x10101388/);
    expect(stuck.rebooted).toBe(0); // never left BOOTSEL as if it had worked
  });

  it('a misaligned or out-of-flash address is refused before any command', async () => {
    const dev = new PicobootDevice();
    const e = await failure(flash(dev, image, { address: AT + 256 }));
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(e.message).toMatch(/must be a multiple of 0x1000/);
    expect((await failure(flash(dev, image, { address: 0x101fe000, flashBytes: 2 << 20 }))).message).toMatch(
      /does not fit the flash/,
    );
    expect(dev.log).toEqual([]);
  });

  it('the ROM side: misaligned erase/write, no exclusive access, unknown command; reset recovers', async () => {
    const dev = new PicobootDevice();
    const c = await PicobootConnection.open(await WebUsbLink.open(dev), { timeouts: FAST });
    await expect(c.flashErase(AT, 4096)).rejects.toThrow(/FLASH_ERASE refused: INTERLEAVED_WRITE/);
    await c.reset();
    await c.exclusiveAccess();
    await expect(c.flashErase(AT + 256, 4096)).rejects.toThrow(/refused: BAD_ALIGNMENT/);
    await c.reset();
    await expect(c.write(AT + 128, new Uint8Array(256))).rejects.toThrow(/WRITE refused: BAD_ALIGNMENT/);
    await c.reset();
    await expect(c.write(AT, new Uint8Array(100))).rejects.toThrow(/BAD_ALIGNMENT/);
    await c.reset();
    await expect(c.read(0x20000000, 16)).rejects.toThrow(/INVALID_ADDRESS/);
    await c.reset();
    const status = await c.status();
    expect(status.code).toBe(4);
    // After the reset the same session works: erase, write a page, read it back.
    await c.flashErase(AT, 4096);
    const page = Uint8Array.from({ length: 256 }, (_, i) => i);
    await c.write(AT, page);
    expect(await c.read(AT, 256)).toEqual(page);
    expect((await c.status()).code).toBe(0);
  });

  it('cancel stops between blocks and reports cancelled, not success', async () => {
    const dev = new PicobootDevice();
    const abort = new AbortController();
    const e = await failure(
      flash(dev, image, {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.phase === 'write' && p.done > 0) abort.abort();
        },
      }),
    );
    expect(e.code).toBe('CANCELLED');
    expect(dev.rebooted).toBe(0);
  });
});

describe('lowbit flash --protocol picoboot and lowbit devices, on a simulated bus (LOWBIT_SIMULATED_USB)', () => {
  const run = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/lowbit.mjs'), ...args], {
        cwd: ROOT,
        env: { ...process.env, LOWBIT_SIMULATED_USB: path.join(ROOT, 'test/devices/sim/usb-bus.ts') },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const HELLO = sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite');

  it('lists the BOOTSEL board with its family, flashes it verified (exit 0), and a refused device exits 2 on one line', async () => {
    const listed = await run('devices', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).flashWith).toEqual({ 'usb:1-2:7': ['picoboot'], 'usb:1:10': ['dfuse'] });
    const ok = await run('flash', HELLO, '--protocol', 'picoboot', '--board', 'raspberry-pi-pico', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      protocol: 'picoboot',
      chip: 'RP2040',
      address: 0x10100000,
      bytes: buildContainer(helloWorld).length,
      verifiedBy: 'readback',
      port: 'auto',
    });
    const coral = await run(
      'flash',
      HELLO,
      '--protocol',
      'picoboot',
      '--port',
      'usb:1-3:4',
      '--address',
      '0x10100000',
    );
    expect(coral.code).toBe(2);
    const lines = coral.stderr.split('\n').filter((l) => l.startsWith('lowbit flash:'));
    expect(lines).toEqual([expect.stringMatching(/error \[DEVICE\]: .*1a6e:089a.*permission denied/)]);
    expect(coral.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const noAddress = await run('flash', HELLO, '--protocol', 'picoboot');
    expect(noAddress.code).toBe(1);
    expect(noAddress.stderr).toMatch(/picoboot needs --address HEX or --board ID/);
  });
});
