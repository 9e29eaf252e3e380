import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLink } from '../../main/devices/link/fake';
import { SerialTransport } from '../../main/devices/link/serial';
import { flashStm32 } from '../../main/devices/stm32/flasher';
import { Stm32Bootloader, addressFrame } from '../../main/devices/stm32/protocol';
import type { FlashProgress } from '../../main/devices/flash-job';
import { buildContainer, parseContainer } from '../../main/engine/deploy/container';
import { readBytes, sharedPath } from '../support/shared';
import { openPtyPair, type PtyPair } from '../devices/sim/pty';
import { Stm32Sim } from '../devices/sim/stm32-sim';
import { peer } from '../support/peers';

const personDetect = buildContainer(readBytes(sharedPath('models', 'tflite-micro', 'person_detect.tflite')));
const helloWorld = buildContainer(readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite')));
const MODEL_AT = 0x08020000; // F446 sector 5

describe('STM32 flasher over the fake link', () => {
  it('writes hello_world_int8 into sector 5 only, erasing exactly that sector', async () => {
    const sim = new Stm32Sim(0x421);
    const link = createFakeLink();
    void sim.serve(link.device);
    await link.host.open();
    await link.device.open();
    const events: FlashProgress[] = [];
    const r = await flashStm32(link.host, helloWorld, {
      baud: 115200,
      address: MODEL_AT,
      onProgress: (p) => events.push(p),
    });
    sim.stop();
    expect(r).toMatchObject({
      protocol: 'stm32',
      chip: 'STM32F446xx',
      bytes: helloWorld.length,
      retries: 0,
      verifiedBy: 'readback',
    });
    expect(Array.from(sim.region(MODEL_AT, helloWorld.length))).toEqual(Array.from(helloWorld));
    expect(sim.stats.erasedSectors).toEqual([5]);
    // Everything outside the image is still erased flash.
    expect(sim.region(0x08000000, MODEL_AT - 0x08000000).every((b) => b === 0xff)).toBe(true);
    expect(sim.region(MODEL_AT + helloWorld.length, 1024).every((b) => b === 0xff)).toBe(true);
    expect(parseContainer(sim.region(MODEL_AT, helloWorld.length)).payloadLength).toBe(2704);
    // Progress: every phase ends at its total; write progress is monotonic.
    const writes = events.filter((e) => e.phase === 'write').map((e) => e.done);
    expect(writes[writes.length - 1]).toBe(helloWorld.length);
    expect(writes.every((d, i) => i === 0 || d >= writes[i - 1])).toBe(true);
    expect(events.at(-1)?.phase).toBe('done');
  });

  it('a write without erase is visible: programming only clears bits', async () => {
    const sim = new Stm32Sim(0x421);
    sim.region(MODEL_AT, 4).set([0x0f, 0xf0, 0x00, 0xff]);
    const link = createFakeLink();
    void sim.serve(link.device);
    await link.host.open();
    const bl = new Stm32Bootloader(link.host, 115200);
    await bl.sync();
    await bl.writeMemory(MODEL_AT, Uint8Array.of(0xff, 0xff, 0xaa, 0x55));
    expect(Array.from(await bl.readMemory(MODEL_AT, 4))).toEqual([0x0f, 0xf0, 0x00, 0x55]);
    // The flasher erases first, so the same dirty flash ends up holding exactly the image.
    const r = await flashStm32(link.host, helloWorld, { baud: 115200, address: MODEL_AT });
    expect(r.bytes).toBe(helloWorld.length);
    expect(Array.from(sim.region(MODEL_AT, 8))).toEqual(Array.from(helloWorld.subarray(0, 8)));
    sim.stop();
  });

  it('recovers a bootloader left in the middle of a Write Memory by an earlier session', async () => {
    const sim = new Stm32Sim(0x421);
    const link = createFakeLink();
    void sim.serve(link.device);
    const bl = new Stm32Bootloader(link.host, 115200);
    await bl.sync();
    // A crashed host: Write Memory command, address, length byte and 10 of 256 data bytes.
    await link.host.write(Uint8Array.of(0x31, 0xce));
    await link.host.read(1, 500);
    await link.host.write(addressFrame(MODEL_AT));
    await link.host.read(1, 500);
    await link.host.write(Uint8Array.of(0xff, ...new Array(10).fill(0x00)));
    const r = await flashStm32(link.host, helloWorld, {
      baud: 115200,
      address: MODEL_AT,
      replyTimeoutMs: 100,
    });
    sim.stop();
    expect(r.bytes).toBe(helloWorld.length);
    expect(sim.stats.naks).toBeGreaterThanOrEqual(1); // the half-written block was rejected, never programmed
    expect(Array.from(sim.region(MODEL_AT, helloWorld.length))).toEqual(Array.from(helloWorld));
  });

  it('uses legacy Erase (0x43) when Get does not offer Extended Erase', async () => {
    const sim = new Stm32Sim(0x421, { legacyErase: true });
    const link = createFakeLink();
    void sim.serve(link.device);
    await link.host.open();
    await flashStm32(link.host, helloWorld, { baud: 115200, address: 0x08004000 });
    sim.stop();
    expect(sim.stats.erasedSectors).toEqual([1]);
    expect(Array.from(sim.region(0x08004000, helloWorld.length))).toEqual(Array.from(helloWorld));
  });

  it('H743 (32-byte flash words) and L4x6 (2 KB pages, 8-byte words): pads to whole words, erases exactly the covered units', async () => {
    for (const [pid, address, units] of [
      [0x450, 0x08100000, [8]],
      [0x415, 0x08080000, [256, 257]],
    ] as const) {
      const sim = new Stm32Sim(pid);
      const link = createFakeLink();
      void sim.serve(link.device);
      const r = await flashStm32(link.host, helloWorld.subarray(0, 2708), {
        baud: 115200,
        address,
        expectPid: pid,
      });
      sim.stop();
      expect(r.bytes).toBe(2708);
      expect(sim.stats.erasedSectors).toEqual(units);
      const unit = pid === 0x450 ? 32 : 8;
      const padded = Math.ceil(2708 / unit) * unit;
      expect(Array.from(sim.region(address, 2708))).toEqual(Array.from(helloWorld.subarray(0, 2708)));
      expect(sim.region(address + 2708, padded - 2708).every((b) => b === 0xff)).toBe(true);
    }
  });

  it('warns before erasing a sector that starts before the model', async () => {
    const sim = new Stm32Sim(0x421);
    const link = createFakeLink();
    void sim.serve(link.device);
    const log: string[] = [];
    await flashStm32(link.host, helloWorld, {
      baud: 115200,
      address: MODEL_AT + 256,
      onLog: (l) => log.push(l),
    });
    sim.stop();
    expect(log).toContain('warning: 0x8020100 is inside sector 5; its first 256 bytes will be erased too');
    expect(log).toContain(
      `note: ${128 * 1024 - helloWorld.length} bytes of the erased sectors lie outside the model and end up blank`,
    );
  });

  it('refuses an image that runs past the end of flash, before touching the device flash', async () => {
    const sim = new Stm32Sim(0x423); // F401xB/C: 256 KB
    const link = createFakeLink();
    void sim.serve(link.device);
    await link.host.open();
    await expect(
      flashStm32(link.host, personDetect, { baud: 115200, address: 0x08020000 }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    sim.stop();
    expect(sim.stats.erasedSectors).toEqual([]);
  });

  it('cancels between blocks through the AbortSignal', async () => {
    const sim = new Stm32Sim(0x421);
    const link = createFakeLink();
    void sim.serve(link.device);
    await link.host.open();
    const ac = new AbortController();
    const p = flashStm32(link.host, personDetect, {
      baud: 115200,
      address: MODEL_AT,
      signal: ac.signal,
      onProgress: (e) => {
        if (e.phase === 'write' && e.done >= 10 * 256) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    sim.stop();
  });
});

// Generous limit: these run thousands of round trips through socat, slow on a loaded machine.
const socat = peer('socat');
const stm32flash = peer('stm32flash');

describe.skipIf(!socat.ok)(
  `STM32 over socat PTYs through serialport ${socat.why}`,
  { timeout: 120_000 },
  () => {
    let pty: PtyPair;
    beforeAll(async () => {
      pty = await openPtyPair();
    });
    afterAll(async () => {
      await pty?.kill();
    });

    async function flashOverPty(image: Uint8Array, address: number) {
      const sim = new Stm32Sim(0x421);
      const dev = new SerialTransport(pty.b, { baud: 115200 });
      const host = new SerialTransport(pty.a, { baud: 115200, parity: 'even' });
      await dev.open();
      await host.open();
      const served = sim.serve(dev);
      try {
        const r = await flashStm32(host, image, { baud: 115200, address });
        return { r, sim };
      } finally {
        sim.stop();
        await served;
        await host.close();
        await dev.close();
      }
    }

    it('flashes the person_detect container; the simulated flash holds exactly its bytes', async () => {
      const { r, sim } = await flashOverPty(personDetect, MODEL_AT);
      expect(r.bytes).toBe(personDetect.length);
      expect(sim.stats.erasedSectors).toEqual([5, 6, 7]);
      expect(
        Buffer.compare(Buffer.from(sim.region(MODEL_AT, personDetect.length)), Buffer.from(personDetect)),
      ).toBe(0);
      expect(parseContainer(sim.region(MODEL_AT, personDetect.length)).payloadLength).toBe(300568);
    });

    it('flashes the hello_world_int8 container', async () => {
      const { r, sim } = await flashOverPty(helloWorld, MODEL_AT);
      expect(r.verifiedBy).toBe('readback');
      expect(
        Buffer.compare(Buffer.from(sim.region(MODEL_AT, helloWorld.length)), Buffer.from(helloWorld)),
      ).toBe(0);
    });

    it.skipIf(!stm32flash.ok)(
      `accepts Debian stm32flash's write + verify + go (-m 8n1) ${stm32flash.why}`,
      async () => {
        const sim = new Stm32Sim(0x421);
        const dev = new SerialTransport(pty.b, { baud: 115200 });
        await dev.open();
        const served = sim.serve(dev);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-stm32flash-'));
        const file = path.join(dir, 'model.bin');
        fs.writeFileSync(file, personDetect);
        try {
          const { code, out } = await run('stm32flash', [
            '-b',
            '115200',
            '-m',
            '8n1',
            '-w',
            file,
            '-v',
            '-g',
            '0x08000000',
            pty.a,
          ]);
          expect(out).toMatch(/Device ID\s*:\s*0x0421/);
          expect(code).toBe(0);
        } finally {
          sim.stop();
          await served;
          await dev.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
        expect(
          Buffer.compare(Buffer.from(sim.region(0x08000000, personDetect.length)), Buffer.from(personDetect)),
        ).toBe(0);
        // 300,600 bytes from 0x08000000 span sectors 0..6 (4 × 16 K + 64 K + 128 K + part of 128 K).
        expect([...new Set(sim.stats.erasedSectors)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        expect(sim.stats.wentTo).toBe(0x08000000);
      },
    );
  },
);

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
  });
}
