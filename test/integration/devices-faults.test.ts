/**
 * Fault matrix for both flashing protocols: a dropped link at 10 points of the transfer, a
 * corrupted checksum, a NAK, a silent device and a wrong chip each end in the documented
 * Device…Error (never a success), and a clean retry on the same simulated board succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLink, type FakeLinkFaults } from '../../main/devices/link/fake';
import { SerialTransport } from '../../main/devices/link/serial';
import { flashStm32, type Stm32FlashOptions } from '../../main/devices/stm32/flasher';
import { flashEsp32, type Esp32FlashOptions } from '../../main/devices/esp32/flasher';
import { OP } from '../../main/devices/esp32/commands';
import type { FlashProgress, FlashResult } from '../../main/devices/flash-job';
import { buildContainer } from '../../main/engine/deploy/container';
import { readBytes, sharedPath } from '../support/shared';
import { Stm32Sim } from '../devices/sim/stm32-sim';
import { Esp32Sim } from '../devices/sim/esp32-sim';
import { openPtyPair, type PtyPair } from '../devices/sim/pty';
import { esp32WithTable } from '../devices/sim/esp32-fixtures';
import { peer } from '../support/peers';

// 16 KB of person_detect's container: 64 STM32 blocks, 16 ESP32 ROM blocks before deflate.
const image = buildContainer(readBytes(sharedPath('models', 'tflite-micro', 'person_detect.tflite'))).slice(
  0,
  16 * 1024,
);
const STM_AT = 0x08020000;
const ESP_AT = 0x210000;
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

type Attempt = {
  result?: FlashResult;
  error?: { code: string; message: string };
  events: FlashProgress[];
  hostBytes: number;
  stream: number[];
};

async function stmAttempt(
  sim: Stm32Sim,
  faults: FakeLinkFaults = {},
  opts: Partial<Stm32FlashOptions> = {},
): Promise<Attempt> {
  const link = createFakeLink(faults);
  const served = sim.serve(link.device);
  const events: FlashProgress[] = [];
  const out: Attempt = { events, hostBytes: 0, stream: [] };
  try {
    out.result = await flashStm32(link.host, image, {
      baud: 115200,
      address: STM_AT,
      replyTimeoutMs: 150,
      onProgress: (e) => events.push(e),
      ...opts,
    });
  } catch (e) {
    out.error = e as Attempt['error'];
  }
  link.drop();
  await served;
  out.hostBytes = link.stats.hostBytes;
  out.stream = link.stats.hostStream;
  return out;
}

async function espAttempt(
  sim: Esp32Sim,
  faults: FakeLinkFaults = {},
  opts: Partial<Esp32FlashOptions> = {},
): Promise<Attempt> {
  const link = createFakeLink(faults);
  const served = sim.serve(link.device);
  const events: FlashProgress[] = [];
  const out: Attempt = { events, hostBytes: 0, stream: [] };
  try {
    out.result = await flashEsp32(link.host, image, {
      baud: 115200,
      reset: 'none',
      resetAfter: false,
      replyTimeoutMs: 150,
      onProgress: (e) => events.push(e),
      ...opts,
    });
  } catch (e) {
    out.error = e as Attempt['error'];
  }
  link.drop();
  await served;
  out.hostBytes = link.stats.hostBytes;
  out.stream = link.stats.hostStream;
  return out;
}

function expectFailure(a: Attempt, code: string, message?: RegExp) {
  expect(a.result).toBeUndefined();
  expect(a.error?.code).toBe(code);
  if (message) expect(a.error?.message).toMatch(message);
  expect(a.events.some((e) => e.phase === 'done')).toBe(false);
}

describe('STM32 fault matrix (fake link)', () => {
  async function expectCleanRetry(sim: Stm32Sim) {
    sim.faults = {};
    const again = await stmAttempt(sim);
    expect(again.error).toBeUndefined();
    expect(again.result?.verifiedBy).toBe('readback');
    expect(same(sim.region(STM_AT, image.length), image)).toBe(true);
  }

  it('link dropped at 10 points of the transfer → DEVICE_DISCONNECTED each time; a retry succeeds', async () => {
    const clean = await stmAttempt(new Stm32Sim(0x421));
    expect(clean.error).toBeUndefined();
    const total = clean.hostBytes;
    const sim = new Stm32Sim(0x421);
    for (let k = 1; k <= 10; k++) {
      const at = Math.floor((total * k) / 11);
      const a = await stmAttempt(sim, { dropAfterHostBytes: at });
      expectFailure(a, 'DEVICE_DISCONNECTED');
      expect(a.hostBytes).toBe(at);
      await expectCleanRetry(sim);
    }
  });

  it('corrupted block checksum on the wire → the device NACKs; one retry fixes it, without retries it is DEVICE_PROTOCOL', async () => {
    const probe = await stmAttempt(new Stm32Sim(0x421), { record: true });
    // Locate the checksum byte of the 5th Write Memory frame: 31 CE, 5 address bytes, N-1, 256 data, checksum.
    let seen = 0;
    let cks = -1;
    for (let i = 0; i + 1 < probe.stream.length; i++) {
      if (probe.stream[i] === 0x31 && probe.stream[i + 1] === 0xce && ++seen === 5) {
        cks = i + 2 + 5 + 1 + 256;
        break;
      }
    }
    expect(cks).toBeGreaterThan(0);
    const sim = new Stm32Sim(0x421);
    const strict = await stmAttempt(sim, { corruptHostByte: { index: cks } }, { retries: 0 });
    expectFailure(strict, 'DEVICE_PROTOCOL', /NACK/);
    expect(sim.stats.naks).toBe(1);
    const healed = await stmAttempt(sim, { corruptHostByte: { index: cks } });
    expect(healed.result?.retries).toBe(1);
    expect(same(sim.region(STM_AT, image.length), image)).toBe(true);
  });

  it('NAK on a write block (persistent) → DEVICE_PROTOCOL after the retries; a retry succeeds', async () => {
    const sim = new Stm32Sim(0x421, { nakWriteAt: { address: STM_AT + 7 * 256, times: 100 } });
    const a = await stmAttempt(sim);
    expectFailure(a, 'DEVICE_PROTOCOL', /NACK/);
    expect(sim.faults.nakWriteAt!.times).toBe(96); // first try + 3 retries
    await expectCleanRetry(sim);
  });

  it('silent device → DEVICE_TIMEOUT; silence mid-transfer → DEVICE_TIMEOUT; a retry succeeds', async () => {
    const sim = new Stm32Sim(0x421);
    expectFailure(await stmAttempt(sim, { silent: true }), 'DEVICE_TIMEOUT', /did not answer the 0x7F sync/);
    sim.faults = { silentAfterWrites: 20 };
    expectFailure(await stmAttempt(sim), 'DEVICE_TIMEOUT');
    expect(sim.stats.writes).toBe(20);
    await expectCleanRetry(sim);
  });

  it('wrong chip ID → DEVICE_WRONG_CHIP (unknown PID, or not the expected one); a retry succeeds', async () => {
    const sim = new Stm32Sim(0x421, { pid: 0x413 });
    expectFailure(await stmAttempt(sim), 'DEVICE_WRONG_CHIP', /0x413/);
    sim.faults = {};
    expectFailure(await stmAttempt(sim, {}, { expectPid: 0x449 }), 'DEVICE_WRONG_CHIP', /STM32F446xx/);
    expect(sim.stats.erasedSectors).toEqual([]);
    await expectCleanRetry(sim);
  });
});

describe('ESP32 fault matrix (fake link)', () => {
  async function expectCleanRetry(sim: Esp32Sim) {
    sim.faults = {};
    const again = await espAttempt(sim);
    expect(again.error).toBeUndefined();
    expect(again.result?.verifiedBy).toBe('md5');
    expect(same(sim.flash.subarray(ESP_AT, ESP_AT + image.length), image)).toBe(true);
  }

  it('link dropped at 10 points of the transfer → DEVICE_DISCONNECTED each time; a retry succeeds', async () => {
    const clean = await espAttempt(esp32WithTable());
    expect(clean.error).toBeUndefined();
    const total = clean.hostBytes;
    const sim = esp32WithTable();
    for (let k = 1; k <= 10; k++) {
      const at = Math.floor((total * k) / 11);
      const a = await espAttempt(sim, { dropAfterHostBytes: at });
      expectFailure(a, 'DEVICE_DISCONNECTED');
      expect(a.hostBytes).toBe(at);
      await expectCleanRetry(sim);
    }
  });

  it('corrupted data block on the wire → ROM "invalid CRC"; one retry fixes it, without retries it is DEVICE_PROTOCOL', async () => {
    const probe = await espAttempt(esp32WithTable(), { record: true });
    // The second FLASH_DEFL_DATA request: C0 00 11 <len> <chk> <len> <seq=1> 0 0 data…; pick a data byte
    // whose flip cannot touch SLIP framing (neither it nor the result is C0/DB).
    let seen = 0;
    let at = -1;
    const s = probe.stream;
    for (let i = 0; i + 2 < s.length; i++) {
      if (s[i] === 0xc0 && s[i + 1] === 0x00 && s[i + 2] === OP.FLASH_DEFL_DATA && ++seen === 2) {
        for (let j = i + 1 + 8 + 16 + 40; ; j++)
          if (
            ![0xc0, 0xc1, 0xdb, 0xda, 0xdc, 0xdd].includes(s[j]) &&
            ![0xc0, 0xc1, 0xdb, 0xda].includes(s[j - 1])
          ) {
            at = j;
            break;
          }
        break;
      }
    }
    expect(at).toBeGreaterThan(0);
    const sim = esp32WithTable();
    const strict = await espAttempt(sim, { corruptHostByte: { index: at } }, { retries: 0 });
    expectFailure(strict, 'DEVICE_PROTOCOL', /invalid CRC/);
    const healed = await espAttempt(sim, { corruptHostByte: { index: at } });
    expect(healed.result?.retries).toBe(1);
    expect(same(sim.flash.subarray(ESP_AT, ESP_AT + image.length), image)).toBe(true);
  });

  it('NAK (failure status) on data blocks → DEVICE_PROTOCOL after the retries; a retry succeeds', async () => {
    const sim = esp32WithTable();
    sim.faults = { failOp: { op: OP.FLASH_DEFL_DATA, times: 100 } };
    expectFailure(await espAttempt(sim), 'DEVICE_PROTOCOL', /failed to act/);
    expect(sim.faults.failOp!.times).toBe(96);
    await expectCleanRetry(sim);
  });

  it('silent device → DEVICE_TIMEOUT; silence mid-transfer → DEVICE_TIMEOUT; a retry succeeds', async () => {
    const sim = esp32WithTable();
    expectFailure(await espAttempt(sim, { silent: true }), 'DEVICE_TIMEOUT', /did not answer SYNC/);
    sim.faults = { silentAfterBlocks: 3 };
    expectFailure(await espAttempt(sim), 'DEVICE_TIMEOUT');
    await expectCleanRetry(sim);
  });

  it('wrong chip → DEVICE_WRONG_CHIP (ESP32-S2 magic, or not the expected chip); a retry succeeds', async () => {
    const sim = esp32WithTable();
    sim.faults = { magic: 0x000007c6 };
    expectFailure(await espAttempt(sim), 'DEVICE_WRONG_CHIP', /ESP32-S2/);
    sim.faults = {};
    expectFailure(
      await espAttempt(sim, {}, { expectChip: 'esp32s3' }),
      'DEVICE_WRONG_CHIP',
      /ESP32, the board expects esp32s3/,
    );
    expect(sim.stats.erasedSectors).toBe(0);
    await expectCleanRetry(sim);
  });
});

describe('a device that answers garbage', () => {
  /** Replies to every chunk with seeded pseudo-random bytes (xorshift32), as a wrong device at the wrong baud would. */
  function garbageDevice(link: ReturnType<typeof createFakeLink>, seed: number) {
    let x = seed >>> 0 || 1;
    const next = () => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x & 0xff;
    };
    let stopped = false;
    void (async () => {
      while (!stopped) {
        try {
          const got = await link.device.readSome(50);
          await link.device.write(Uint8Array.from({ length: got.length + (next() & 15) }, next));
        } catch (e) {
          if ((e as { code?: string }).code === 'DEVICE_DISCONNECTED') return;
        }
      }
    })();
    return () => {
      stopped = true;
      link.drop();
    };
  }

  it('never reports success and ends in a device error, for 5 seeds and both protocols', async () => {
    for (const seed of [1, 7, 42, 1234, 99991]) {
      for (const proto of ['stm32', 'esp32'] as const) {
        const link = createFakeLink();
        const stop = garbageDevice(link, seed);
        const t0 = Date.now();
        const p =
          proto === 'stm32'
            ? flashStm32(link.host, image, { baud: 115200, address: STM_AT, replyTimeoutMs: 100, retries: 1 })
            : flashEsp32(link.host, image, { baud: 115200, reset: 'none', replyTimeoutMs: 100, retries: 1 });
        const err = await p.then(
          () => undefined,
          (e: { code?: string }) => e,
        );
        stop();
        expect(err?.code, `${proto} seed ${seed}`).toMatch(/^DEVICE_(TIMEOUT|PROTOCOL|WRONG_CHIP)$/);
        expect(Date.now() - t0).toBeLessThan(15_000);
      }
    }
  });
});

const socat = peer('socat');

describe.skipIf(!socat.ok)(
  `faults over a socat PTY (real serialport stack) ${socat.why}`,
  { timeout: 120_000 },
  () => {
    let pty: PtyPair;
    beforeAll(async () => {
      pty = await openPtyPair();
    });
    afterAll(async () => {
      await pty?.kill();
    });

    it('STM32: NAK and wrong chip give their errors through serialport, then a retry succeeds', async () => {
      const sim = new Stm32Sim(0x421, { nakWriteAt: { address: STM_AT, times: 100 } });
      const dev = new SerialTransport(pty.b, { baud: 115200 });
      const host = new SerialTransport(pty.a, { baud: 115200, parity: 'even' });
      await dev.open();
      await host.open();
      const served = sim.serve(dev);
      try {
        const opts = { baud: 115200, address: STM_AT, replyTimeoutMs: 200 };
        await expect(flashStm32(host, image, opts)).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL' });
        sim.faults = { pid: 0x440 };
        await expect(flashStm32(host, image, opts)).rejects.toMatchObject({ code: 'DEVICE_WRONG_CHIP' });
        sim.faults = {};
        const r = await flashStm32(host, image, opts);
        expect(r.verifiedBy).toBe('readback');
        expect(same(sim.region(STM_AT, image.length), image)).toBe(true);
      } finally {
        sim.stop();
        await served;
        await host.close();
        await dev.close();
      }
    });

    it('ESP32: the adapter vanishing mid-transfer (socat killed) → DEVICE_DISCONNECTED, never success', async () => {
      const own = await openPtyPair();
      const sim = esp32WithTable();
      // Goes quiet after 4 blocks so the transfer cannot finish before the kill lands.
      sim.faults = { silentAfterBlocks: 4 };
      const dev = new SerialTransport(own.b, { baud: 115200 });
      const host = new SerialTransport(own.a, { baud: 115200 });
      await dev.open();
      await host.open();
      const served = sim.serve(dev);
      const flashing = flashEsp32(host, image, {
        baud: 115200,
        reset: 'none',
        replyTimeoutMs: 5000,
        onProgress: (e) => {
          if (e.phase === 'write' && e.done > 0 && own.proc.exitCode === null) void own.kill();
        },
      });
      await expect(flashing).rejects.toMatchObject({
        code: 'DEVICE_DISCONNECTED',
      });
      sim.stop();
      await served.catch(() => {});
      await host.close();
      await dev.close();
    });
  },
);
