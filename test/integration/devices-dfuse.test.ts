import { describe, expect, it } from 'vitest';
import { flashModel } from '../../main/devices/flash-model';
import type { FlashProgress } from '../../main/devices/flash-job';
import { flashDfuse } from '../../main/devices/dfuse/flasher';
import { WebUsbLink } from '../../main/devices/link/usb';
import { setUsbBackend } from '../../main/devices/link/usb-backend';
import { boardById, BOARDS, boardsForUsb } from '../../main/engine/deploy/boards';
import { buildContainer } from '../../main/engine/deploy/container';
import type { Fault } from '../devices/usb-sim/dfu-sim';
import { DfuSimDevice } from '../devices/usb-sim/dfu-sim';
import { DfuseSimDevice } from '../devices/usb-sim/dfuse-sim';
import { FakeUsbBus } from '../devices/usb-sim/fake-bus';
import { readBytes, sharedPath } from '../support/shared';

const model = readBytes(sharedPath('models', 'tflite-micro', 'hello_world_int8.tflite'));
const image = buildContainer(model);
const MODEL_AT = 0x08020000; // F446 sector 5 (128 KiB)

const flash = (
  sim: DfuseSimDevice,
  opts: { onProgress?: (p: FlashProgress) => void; retries?: number } = {},
) =>
  flashModel({
    model,
    modelName: 'hello_world_int8.tflite',
    family: 'dfuse',
    target: 'auto',
    address: MODEL_AT,
    openUsb: new FakeUsbBus([sim]).open,
    ...opts,
  });

describe('STM32 over USB: DfuSe flasher against an AN3156 state machine (issue 14)', () => {
  it('flashes the same container as the serial path into sector 5 only, verifies by upload and leaves', async () => {
    const sim = new DfuseSimDevice();
    const events: FlashProgress[] = [];
    const r = await flash(sim, { onProgress: (p) => events.push(p) });
    expect(r).toMatchObject({
      protocol: 'dfuse',
      address: MODEL_AT,
      bytes: image.length,
      modelBytes: model.length,
      retries: 0,
      verifiedBy: 'readback',
    });
    expect([...sim.read(MODEL_AT, image.length)]).toEqual([...image]);
    expect(sim.erased).toEqual([MODEL_AT]);
    // The rest of sector 5 is erased; the sectors around it are untouched (old pattern).
    expect(sim.read(MODEL_AT + image.length, 0x20000 - image.length).every((b) => b === 0xff)).toBe(true);
    expect(sim.read(MODEL_AT - 16, 16).every((b) => b === 0x5a)).toBe(true);
    expect(sim.read(0x08040000, 16).every((b) => b === 0x5a)).toBe(true);
    // Left into the application at the start of flash, not into the model.
    expect(sim.leftTo).toBe(0x08000000);
    expect(events.map((e) => e.phase).filter((p, i, a) => p !== a[i - 1])).toEqual([
      'connect',
      'erase',
      'write',
      'verify',
      'done',
    ]);
    expect(events.filter((e) => e.phase === 'write').at(-1)?.done).toBe(image.length);
  });

  it('refuses writes outside writable memory before sending anything', async () => {
    const sim = new DfuseSimDevice({ altNames: ['@Internal Flash  /0x08000000/02*016Ka,02*016Kg'] });
    const link = await WebUsbLink.open(sim);
    await expect(flashDfuse(link, image, { address: 0x08004000 })).rejects.toThrow(
      /not erasable and writable/,
    );
    await expect(flashDfuse(link, image, { address: 0x0800fc00 })).rejects.toThrow(/do not lie within/);
    expect(sim.log.filter((r) => r === 'DNLOAD')).toEqual([]);
  });

  it('refuses a plain DFU device (bcdDFU 0x0110) as not an STM32 bootloader', async () => {
    const link = await WebUsbLink.open(new DfuSimDevice({ vid: 0x0483, pid: 0xdf11 }));
    await expect(flashDfuse(link, image, { address: MODEL_AT })).rejects.toMatchObject({
      code: 'DEVICE_WRONG_CHIP',
    });
  });

  it('cancels between blocks and reports nothing as success', async () => {
    const controller = new AbortController();
    const sim = new DfuseSimDevice();
    const p = flashModel({
      model,
      modelName: 'm.tflite',
      family: 'dfuse',
      target: 'auto',
      address: MODEL_AT,
      openUsb: new FakeUsbBus([sim]).open,
      signal: controller.signal,
      onProgress: (e) => e.phase === 'write' && e.done > 0 && controller.abort(),
    });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(sim.leftTo).toBeUndefined();
  });

  // Faults at several points: during erase, a data block, the read-back and the address commands.
  const retried: Fault[] = [
    { request: 'DNLOAD', nth: 2, kind: 'stall' }, // the erase command
    { request: 'GETSTATUS', nth: 4, kind: 'wrong-status' }, // erase busy → errWRITE
    { request: 'DNLOAD', nth: 6, kind: 'stall' }, // a data block
    { request: 'GETSTATUS', nth: 12, kind: 'timeout' },
    { request: 'UPLOAD', nth: 1, kind: 'stall' }, // the read-back
  ];
  it.each(retried)('retries %j and still writes exactly the image', async (fault) => {
    const sim = new DfuseSimDevice({ faults: [fault] });
    const r = await flash(sim);
    expect(r.retries).toBe(1);
    expect([...sim.read(MODEL_AT, image.length)]).toEqual([...image]);
  });

  const fatal: [Fault, string, RegExp][] = [
    [{ request: 'DNLOAD', nth: 5, kind: 'gone' }, 'DEVICE_DISCONNECTED', /gone during control OUT/],
    [{ request: 'UPLOAD', nth: 2, kind: 'gone' }, 'DEVICE_DISCONNECTED', /gone during control IN/],
    [{ request: 'UPLOAD', nth: 1, kind: 'corrupt' }, 'DEVICE_VERIFY', /read-back differs at 0x8020000/],
    [{ request: 'GET_DESCRIPTOR', nth: 1, kind: 'stall' }, 'DEVICE_PROTOCOL', /stall/],
  ];
  it.each(fatal)(
    'fails %j with %s in one line, nothing reported as success, and a clean retry works',
    async (fault, code, text) => {
      const sim = new DfuseSimDevice({ faults: [fault] });
      const err = await flash(sim, { retries: 0 }).then(
        () => undefined,
        (e: unknown) => e as Error & { code: string },
      );
      expect(err?.code).toBe(code);
      expect(err?.message).toMatch(text);
      expect(err?.message).not.toContain('\n');
      expect(sim.leftTo).toBeUndefined();
      // The user replugs (a fresh device, same flash contents) and runs the flash again.
      const again = new DfuseSimDevice();
      again.memory.set(sim.memory);
      await flash(again);
      expect([...again.read(MODEL_AT, image.length)]).toEqual([...image]);
    },
  );

  it('fails on persistent wrong status after the retries, naming the DFU status', async () => {
    const faults: Fault[] = [4, 5, 6, 7].map((nth) => ({ request: 'GETSTATUS', nth, kind: 'wrong-status' }));
    await expect(flash(new DfuseSimDevice({ faults }), { retries: 1 })).rejects.toThrow(/errWRITE/);
  });

  it('refuses a target that is not a VID:PID', async () => {
    await expect(
      flashModel({
        model,
        modelName: 'm.tflite',
        family: 'dfuse',
        target: '/dev/ttyACM0',
        address: MODEL_AT,
      }),
    ).rejects.toThrow(/not a USB VID:PID/);
  });

  it("takes the address from a board whose USB reaches the bootloader's DfuSe (STM32F746G-DISCO: sector 6)", async () => {
    expect(BOARDS.filter((b) => b.deploy.includes('dfuse')).map((b) => b.id)).toEqual([
      'stm32f746g-disco',
      'nucleo-h743zi',
    ]);
    expect(boardsForUsb(0x0483, 0xdf11).map((b) => b.id)).toEqual(['stm32f746g-disco', 'nucleo-h743zi']);
    // The F74x system bootloader's layout: 4 × 32 KiB, 1 × 128 KiB, 3 × 256 KiB.
    const sim = new DfuseSimDevice({ altNames: ['@Internal Flash  /0x08000000/04*032Kg,01*128Kg,03*256Kg'] });
    const r = await flashModel({
      model,
      modelName: 'hello_world_int8.tflite',
      family: 'dfuse',
      board: boardById('stm32f746g-disco'),
      target: 'auto',
      openUsb: new FakeUsbBus([sim]).open,
    });
    expect(r.address).toBe(0x08080000);
    expect(sim.erased).toEqual([0x08080000]);
    expect([...sim.read(0x08080000, image.length)]).toEqual([...image]);
  });

  it('finds the bootloader by its listing target, and says so when it is not there (wrong IDs)', async () => {
    const sim = new DfuseSimDevice();
    const other = new DfuSimDevice({ vid: 0x0483, pid: 0x374b }); // an ST-LINK, not the bootloader
    const bus = new FakeUsbBus([other, sim]);
    setUsbBackend(bus);
    try {
      const target = `usb:${sim.bus}:${sim.address}`;
      const r = await flashModel({
        model,
        modelName: 'm.tflite',
        family: 'dfuse',
        target,
        address: MODEL_AT,
      });
      expect(r.bytes).toBe(image.length);
      expect([...sim.read(MODEL_AT, image.length)]).toEqual([...image]);
      bus.devices.splice(bus.devices.indexOf(sim), 1);
      const gone = flashModel({
        model,
        modelName: 'm.tflite',
        family: 'dfuse',
        target: 'auto',
        address: MODEL_AT,
      });
      await expect(gone).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND' });
      await expect(gone).rejects.toThrow(/no USB device 0483:df11 is plugged in/);
    } finally {
      setUsbBackend(undefined);
    }
  });
});
