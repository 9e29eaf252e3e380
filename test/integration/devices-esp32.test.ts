import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLink } from '../../main/devices/link/fake';
import { SerialTransport } from '../../main/devices/link/serial';
import { flashEsp32 } from '../../main/devices/esp32/flasher';
import { OP } from '../../main/devices/esp32/commands';
import { buildContainer, parseContainer } from '../../main/engine/deploy/container';
import { readBytes, sharedPath } from '../support/shared';
import type { Esp32Sim } from '../devices/sim/esp32-sim';
import { MODEL_OFFSET, MODEL_SIZE, esp32WithTable } from '../devices/sim/esp32-fixtures';
import { openPtyPair, type PtyPair } from '../devices/sim/pty';
import { peer } from '../support/peers';

const personDetect = buildContainer(readBytes(sharedPath('models', 'tflite-micro', 'person_detect.tflite')));
const helloWorld = buildContainer(readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite')));

function fakeSession(sim: Esp32Sim) {
  const link = createFakeLink();
  void sim.serve(link.device);
  return link;
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe('ESP32 ROM flasher over the fake link', () => {
  it('finds the "model" partition, writes the deflated container and verifies by MD5', async () => {
    const sim = esp32WithTable();
    const link = fakeSession(sim);
    const r = await flashEsp32(link.host, personDetect, { baud: 115200, flashBaud: 460800 });
    sim.stop();
    expect(r).toMatchObject({
      protocol: 'esp32',
      chip: 'ESP32',
      address: MODEL_OFFSET,
      bytes: personDetect.length,
      verifiedBy: 'md5',
    });
    expect(same(sim.flash.subarray(MODEL_OFFSET, MODEL_OFFSET + personDetect.length), personDetect)).toBe(
      true,
    );
    // Erase covered whole 4 KB sectors of the image only: the byte after the last sector is untouched.
    expect(sim.stats.erasedSectors).toBe(Math.ceil(personDetect.length / 0x1000));
    expect(sim.stats.commands).toContain(OP.FLASH_DEFL_DATA);
    expect(sim.stats.commands).not.toContain(OP.FLASH_DATA);
    expect(sim.stats.bauds).toEqual([460800]);
    expect(sim.flashParams).toEqual({
      totalSize: 4 << 20,
      blockSize: 0x10000,
      sectorSize: 0x1000,
      pageSize: 256,
      statusMask: 0xffff,
    });
    expect(link.stats.bauds).toEqual([460800, 460800]); // host end, then the simulator's end
    // Classic reset: EN low, then IO0 low with EN released, then IO0 released; hard reset at the end.
    expect(link.stats.signals.slice(0, 3)).toEqual([
      { dtr: false, rts: true },
      { dtr: true, rts: false },
      { dtr: false },
    ]);
    expect(link.stats.signals.slice(3)).toEqual([{ dtr: false, rts: true }, { rts: false }]);
    expect(parseContainer(sim.flash.subarray(MODEL_OFFSET, MODEL_OFFSET + MODEL_SIZE)).payloadLength).toBe(
      300568,
    );
  });

  it('writes uncompressed (FLASH_BEGIN/DATA/END) at an explicit address', async () => {
    const sim = esp32WithTable();
    const link = fakeSession(sim);
    const r = await flashEsp32(link.host, helloWorld, {
      baud: 115200,
      address: 0x300000,
      compress: false,
      reset: 'none',
    });
    sim.stop();
    expect(r.address).toBe(0x300000);
    expect(same(sim.flash.subarray(0x300000, 0x300000 + helloWorld.length), helloWorld)).toBe(true);
    // The last ROM block is padded with 0xFF.
    expect(sim.flash.subarray(0x300000 + helloWorld.length, 0x300000 + 0x1000).every((b) => b === 0xff)).toBe(
      true,
    );
    expect(sim.stats.commands).toContain(OP.FLASH_DATA);
    expect(link.stats.signals.slice(0, 1)).toEqual([{ dtr: false, rts: true }]); // only the final hard reset
  });

  it('announces the flash size with SPI_SET_PARAMS; an explicit address past its end is refused', async () => {
    const sim = esp32WithTable();
    const link = fakeSession(sim);
    await expect(
      flashEsp32(link.host, personDetect, {
        baud: 115200,
        reset: 'none',
        address: 0x1ff000,
        flashSize: 2 << 20,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/past the end of the flash/),
    });
    const r = await flashEsp32(link.host, helloWorld, {
      baud: 115200,
      reset: 'none',
      address: 0x1f0000,
      flashSize: 2 << 20,
    });
    sim.stop();
    expect(r.address).toBe(0x1f0000);
    expect(sim.flashParams?.totalSize).toBe(2 << 20);
  });

  it('refuses a model larger than its partition, before erasing anything', async () => {
    const sim = esp32WithTable();
    const link = fakeSession(sim);
    await expect(
      flashEsp32(link.host, personDetect, { baud: 115200, partition: 'tiny' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/holds 4096/),
    });
    await expect(
      flashEsp32(link.host, helloWorld, { baud: 115200, partition: 'nope' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/no partition named "nope".*model, tiny/),
    });
    sim.stop();
    expect(sim.stats.erasedSectors).toBe(0);
  });

  it('ESP32-S3: detects the chip, sends the 5-word FLASH_DEFL_BEGIN, needs --address (ROM cannot read flash)', async () => {
    const sim = esp32WithTable('esp32s3');
    const link = fakeSession(sim);
    await expect(flashEsp32(link.host, helloWorld, { baud: 115200 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    const r = await flashEsp32(link.host, helloWorld, {
      baud: 115200,
      address: MODEL_OFFSET,
      expectChip: 'esp32s3',
    });
    sim.stop();
    expect(r.chip).toBe('ESP32-S3');
    expect(same(sim.flash.subarray(MODEL_OFFSET, MODEL_OFFSET + helloWorld.length), helloWorld)).toBe(true);
  });

  it('cancels through the AbortSignal during the write', async () => {
    const sim = esp32WithTable();
    const link = fakeSession(sim);
    const ac = new AbortController();
    const p = flashEsp32(link.host, personDetect, {
      baud: 115200,
      reset: 'none',
      signal: ac.signal,
      onProgress: (e) => {
        if (e.phase === 'write' && e.done > 20_000) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    sim.stop();
    expect(sim.stats.blocks).toBeLessThan(Math.ceil(personDetect.length / 1024));
  });

  it('names an ESP8266 (2 status bytes) as the wrong chip instead of timing out', async () => {
    const sim = esp32WithTable();
    sim.faults = { magic: 0xfff0c101, statusLength: 2 };
    const link = fakeSession(sim);
    await expect(flashEsp32(link.host, helloWorld, { baud: 115200, reset: 'none' })).rejects.toMatchObject({
      code: 'DEVICE_WRONG_CHIP',
      message: expect.stringMatching(/ESP8266/),
    });
    sim.stop();
  });

  it('reports a failing flash cell as DEVICE_VERIFY (MD5 mismatch), never success', async () => {
    const sim = esp32WithTable();
    sim.faults.stuckByteAt = MODEL_OFFSET; // the container's first byte, 'L' (0x4C)
    const link = fakeSession(sim);
    await expect(flashEsp32(link.host, helloWorld, { baud: 115200 })).rejects.toMatchObject({
      code: 'DEVICE_VERIFY',
    });
    sim.stop();
  });
});

// Generous limit: these run thousands of round trips through socat, slow on a loaded machine.
const socat = peer('socat');

describe.skipIf(!socat.ok)(
  `ESP32 ROM over socat PTYs through serialport ${socat.why}`,
  { timeout: 120_000 },
  () => {
    let pty: PtyPair;
    beforeAll(async () => {
      pty = await openPtyPair();
    });
    afterAll(async () => {
      await pty?.kill();
    });

    async function flashOverPty(image: Uint8Array) {
      const sim = esp32WithTable();
      const dev = new SerialTransport(pty.b, { baud: 115200 });
      const host = new SerialTransport(pty.a, { baud: 115200 });
      await dev.open();
      await host.open();
      const served = sim.serve(dev);
      const log: string[] = [];
      try {
        const r = await flashEsp32(host, image, {
          baud: 115200,
          flashBaud: 921600,
          onLog: (l) => log.push(l),
        });
        return { r, sim, log };
      } finally {
        sim.stop();
        await served;
        await host.close();
        await dev.close();
      }
    }

    it('flashes the person_detect container into the model partition; MD5 verified, bytes exact', async () => {
      const { r, sim, log } = await flashOverPty(personDetect);
      expect(r.address).toBe(MODEL_OFFSET);
      expect(same(sim.flash.subarray(MODEL_OFFSET, MODEL_OFFSET + personDetect.length), personDetect)).toBe(
        true,
      );
      // PTYs have no modem lines: the reset is skipped with a note instead of failing.
      expect(log.some((l) => /no DTR\/RTS/.test(l))).toBe(true);
    });

    it('flashes the hello_world_int8 container', async () => {
      const { r, sim } = await flashOverPty(helloWorld);
      expect(r.verifiedBy).toBe('md5');
      expect(same(sim.flash.subarray(MODEL_OFFSET, MODEL_OFFSET + helloWorld.length), helloWorld)).toBe(true);
    });
  },
);
