import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../main/cli/command';
import { command as flash } from '../../main/cli/commands/flash';
import { command as uf2 } from '../../main/cli/commands/uf2';
import { command as devices } from '../../main/cli/commands/devices';
import { SerialTransport } from '../../main/devices/link/serial';
import { listSerialPortsSysfs, listDevices, watchDevices } from '../../main/devices/listing';
import { copyToUf2Drive, findUf2Drives } from '../../main/devices/uf2/drive';
import { buildContainer, parseContainer } from '../../main/engine/deploy/container';
import { parseUf2 } from '../../main/engine/deploy/uf2';
import { ROOT, readBytes, sharedPath } from '../support/shared';
import { openPtyPair, type PtyPair } from '../devices/sim/pty';
import { Stm32Sim } from '../devices/sim/stm32-sim';
import { esp32WithTable, MODEL_OFFSET } from '../devices/sim/esp32-fixtures';

const HELLO = sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite');
const hello = readBytes(HELLO);
const container = buildContainer(hello);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-devcli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function ctx(): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    log: (l) => stderr.push(l),
    progress: (label, done, total) => stderr.push(`${label}: ${done}/${total}`),
    out: (t) => stdout.push(t),
    signal: new AbortController().signal,
    cwd: tmp,
  };
}

describe('lowbit uf2', () => {
  it('writes the container as RP2040 UF2 blocks at the address', async () => {
    const c = ctx();
    expect(await uf2.run([HELLO, '--address', '0x10100000', '--out', 'hello.uf2', '--json'], c)).toBe(0);
    const r = JSON.parse(c.stdout[0]);
    expect(r).toMatchObject({
      address: 0x10100000,
      family: 'rp2040',
      familyId: 0xe48bff56,
      blocks: Math.ceil(container.length / 256),
    });
    const blocks = parseUf2(readBytes(path.join(tmp, 'hello.uf2')));
    expect(blocks.map((b) => b.blockNo)).toEqual(blocks.map((_, i) => i));
    expect(
      blocks.every((b) => b.payload.length === 256 && b.numBlocks === blocks.length && b.flags === 0x2000),
    ).toBe(true);
    const joined = Uint8Array.from(blocks.flatMap((b) => Array.from(b.payload))).subarray(
      0,
      container.length,
    );
    expect(parseContainer(joined).payloadLength).toBe(hello.length);
  });

  it('rp2350 family; usage errors for a missing address or a bad family', async () => {
    const c = ctx();
    expect(
      await uf2.run([HELLO, '--address', '0x10200000', '--out', 'h2.uf2', '--family', 'rp2350'], c),
    ).toBe(0);
    expect(parseUf2(readBytes(path.join(tmp, 'h2.uf2')))[0].familyId).toBe(0xe48bff59);
    await expect(uf2.run([HELLO, '--out', 'x.uf2'], ctx())).rejects.toThrow(/--address is required/);
    await expect(
      uf2.run([HELLO, '--address', '0x10000000', '--out', 'x.uf2', '--family', 'esp'], ctx()),
    ).rejects.toThrow(/unknown --family/);
  });
});

describe('lowbit flash over PTYs (in process)', { timeout: 120_000 }, () => {
  let pty: PtyPair;
  beforeAll(async () => {
    pty = await openPtyPair();
  });
  afterAll(async () => {
    await pty?.kill();
  });

  it('stm32 with --board nucleo-f446re: container at the board default address, read-back verified', async () => {
    const sim = new Stm32Sim(0x421);
    const dev = new SerialTransport(pty.b, { baud: 115200 });
    await dev.open();
    const served = sim.serve(dev);
    const c = ctx();
    try {
      expect(await flash.run([HELLO, '--port', pty.a, '--board', 'nucleo-f446re', '--json'], c)).toBe(0);
    } finally {
      sim.stop();
      await served;
      await dev.close();
    }
    const r = JSON.parse(c.stdout[0]);
    expect(r).toMatchObject({
      protocol: 'stm32',
      chip: 'STM32F446xx',
      address: 0x08020000,
      bytes: container.length,
      modelBytes: hello.length,
      verifiedBy: 'readback',
    });
    expect(
      Buffer.compare(Buffer.from(sim.region(0x08020000, container.length)), Buffer.from(container)),
    ).toBe(0);
    expect(
      c.stderr.some((l) => l.startsWith('verify') && l.endsWith(`: ${container.length}/${container.length}`)),
    ).toBe(true);
  });

  it('esp32 --protocol esp32 --partition model', async () => {
    const sim = esp32WithTable();
    const dev = new SerialTransport(pty.b, { baud: 115200 });
    await dev.open();
    const served = sim.serve(dev);
    const c = ctx();
    try {
      expect(
        await flash.run([HELLO, '--port', pty.a, '--protocol', 'esp32', '--partition', 'model', '--json'], c),
      ).toBe(0);
    } finally {
      sim.stop();
      await served;
      await dev.close();
    }
    expect(JSON.parse(c.stdout[0])).toMatchObject({
      protocol: 'esp32',
      address: MODEL_OFFSET,
      verifiedBy: 'md5',
    });
    expect(
      Buffer.compare(
        Buffer.from(sim.flash.subarray(MODEL_OFFSET, MODEL_OFFSET + container.length)),
        Buffer.from(container),
      ),
    ).toBe(0);
  });

  it('refuses stm32 without an address, and a board that is not flashed over serial', async () => {
    await expect(flash.run([HELLO, '--port', pty.a, '--protocol', 'stm32'], ctx())).rejects.toThrow(
      /needs --address/,
    );
    await expect(flash.run([HELLO, '--port', pty.a, '--board', 'sparkfun-edge'], ctx())).rejects.toThrow(
      /not flashed over serial/,
    );
  });

  it('uf2 protocol without a mounted drive saves the image with --out', async () => {
    const c = ctx();
    expect(
      await flash.run(
        [HELLO, '--protocol', 'uf2', '--board', 'raspberry-pi-pico-2', '--out', 'p2.uf2', '--json'],
        c,
      ),
    ).toBe(0);
    expect(JSON.parse(c.stdout[0])).toMatchObject({
      copiedToDrive: false,
      address: 0x10200000,
      family: 'rp2350-arm-s',
    });
    expect(parseUf2(readBytes(path.join(tmp, 'p2.uf2')))[0]).toMatchObject({
      address: 0x10200000,
      familyId: 0xe48bff59,
    });
  });
});

describe('lowbit via the real CLI entry point', { timeout: 120_000 }, () => {
  function lowbit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [path.join(ROOT, 'bin', 'lowbit.mjs'), ...args], {
        cwd: tmp,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('error', reject);
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('exit 2 with DEVICE_NOT_FOUND for a port that does not exist; exit 2 for a file that is not a model', async () => {
    const r = await lowbit([
      'flash',
      HELLO,
      '--port',
      '/dev/lowbit-no-such-port',
      '--protocol',
      'stm32',
      '--address',
      '0x08020000',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DEVICE_NOT_FOUND.*lowbit-no-such-port/);
    fs.writeFileSync(path.join(tmp, 'junk.tflite'), 'not a model at all');
    const bad = await lowbit(['uf2', 'junk.tflite', '--address', '0x10100000', '--out', 'j.uf2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/MODEL_FORMAT.*junk\.tflite/);
  });
});

describe('device listing', () => {
  it('reads USB IDs from a sysfs tree without udevadm, and guesses the board', () => {
    const root = path.join(tmp, 'sys');
    const usbDev = path.join(root, 'devices', 'pci0000:00', 'usb1', '1-1');
    const iface = path.join(usbDev, '1-1:1.0', 'ttyUSB0');
    fs.mkdirSync(iface, { recursive: true });
    fs.writeFileSync(path.join(usbDev, 'idVendor'), '10c4\n');
    fs.writeFileSync(path.join(usbDev, 'idProduct'), 'ea60\n');
    fs.writeFileSync(path.join(usbDev, 'manufacturer'), 'Silicon Labs\n');
    fs.writeFileSync(path.join(usbDev, 'serial'), '0001\n');
    const stm = path.join(root, 'devices', 'pci0000:00', 'usb1', '1-2');
    fs.mkdirSync(path.join(stm, '1-2:1.2', 'tty', 'ttyACM0'), { recursive: true });
    fs.writeFileSync(path.join(stm, 'idVendor'), '0483\n');
    fs.writeFileSync(path.join(stm, 'idProduct'), '374b\n');
    const tty = path.join(root, 'class', 'tty');
    for (const n of ['ttyUSB0', 'ttyACM0', 'tty1']) fs.mkdirSync(path.join(tty, n), { recursive: true });
    fs.symlinkSync(path.join(usbDev, '1-1:1.0'), path.join(tty, 'ttyUSB0', 'device'));
    fs.symlinkSync(path.join(stm, '1-2:1.2'), path.join(tty, 'ttyACM0', 'device'));
    const ports = listSerialPortsSysfs(tty);
    expect(ports).toEqual([
      {
        path: '/dev/ttyACM0',
        vid: 0x0483,
        pid: 0x374b,
        manufacturer: undefined,
        product: undefined,
        serialNumber: undefined,
        source: 'sysfs',
        boards: ['stm32f746g-disco', 'nucleo-f446re', 'nucleo-h743zi'],
      },
      {
        path: '/dev/ttyUSB0',
        vid: 0x10c4,
        pid: 0xea60,
        manufacturer: 'Silicon Labs',
        product: undefined,
        serialNumber: '0001',
        source: 'sysfs',
        boards: ['esp32-devkitc', 'esp32-s3-devkitc-1'],
      },
    ]);
    expect(listSerialPortsSysfs(path.join(tmp, 'no-such-sysfs'))).toEqual([]);
  });

  it('lists without throwing here (no USB bus in the sandbox becomes a warning) and `devices --json` prints it', async () => {
    const l = await listDevices();
    expect(Array.isArray(l.serial) && Array.isArray(l.usb) && Array.isArray(l.warnings)).toBe(true);
    const c = ctx();
    expect(await devices.run(['--json'], c)).toBe(0);
    expect(Object.keys(JSON.parse(c.stdout[0]))).toEqual([
      'serial',
      'usb',
      'warnings',
      'uf2Drives',
      'flashWith',
    ]);
  });

  it('watchDevices reports the first listing, then only changes, and stops', async () => {
    const seen: number[] = [];
    const first = new Promise<void>((resolve) => {
      const stop = watchDevices((l) => {
        seen.push(l.serial.length);
        stop();
        resolve();
      }, 20);
    });
    await first;
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.length).toBe(1);
  });

  it('finds an RP2040 BOOTSEL drive by its INFO_UF2.TXT and copies onto it', () => {
    const drive = path.join(tmp, 'RPI-RP2');
    fs.mkdirSync(drive);
    fs.writeFileSync(
      path.join(drive, 'INFO_UF2.TXT'),
      'UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n',
    );
    const other = path.join(tmp, 'usbstick');
    fs.mkdirSync(other);
    const found = findUf2Drives([drive, other]);
    expect(found).toEqual([
      { mount: drive, boardId: 'RPI-RP2', model: 'Raspberry Pi RP2', family: 'rp2040' },
    ]);
    const target = copyToUf2Drive(found[0], 'm.uf2', Uint8Array.of(1, 2, 3));
    expect(Array.from(readBytes(target))).toEqual([1, 2, 3]);
  });
});
