import { describe, expect, it } from 'vitest';
import catalogue from '../../../assets/boards.json';
import { ACCELERATORS, BOARDS, boardById, boardsForUsb, flashFamilyOf, parseBoards } from './boards';

describe('board catalogue', () => {
  it('lists the required boards with typed figures', () => {
    expect(BOARDS.map((b) => b.id)).toEqual([
      'arduino-nano-33-ble-sense',
      'esp32-devkitc',
      'esp32-s3-devkitc-1',
      'xiao-esp32s3',
      'stm32f746g-disco',
      'nucleo-f446re',
      'nucleo-h743zi',
      'raspberry-pi-pico',
      'raspberry-pi-pico-2',
      'sparkfun-edge',
    ]);
    expect(boardById('nucleo-f446re')).toMatchObject({
      clockMHz: 180,
      flashKB: 512,
      ramKB: 128,
      stm32Pid: 0x421,
      model: { address: 0x08020000 },
    });
    expect(boardById('raspberry-pi-pico')).toMatchObject({
      flashKB: 2048,
      ramKB: 264,
      model: { uf2Family: 'rp2040', address: 0x10100000 },
    });
    expect(boardById('esp32-devkitc')?.usb[0]).toMatchObject({ vid: 0x10c4, pid: 0xea60 });
  });

  it('guesses boards from USB IDs', () => {
    expect(boardsForUsb(0x2e8a, 0x0003).map((b) => b.id)).toEqual(['raspberry-pi-pico']);
    expect(boardsForUsb(0x2e8a, 0x000f).map((b) => b.id)).toEqual(['raspberry-pi-pico-2']);
    expect(boardsForUsb(0x0483, 0x374b).map((b) => b.id)).toEqual([
      'stm32f746g-disco',
      'nucleo-f446re',
      'nucleo-h743zi',
    ]);
    expect(boardsForUsb(0x1234, 0x5678)).toEqual([]);
  });

  it('rejects a catalogue with a missing source or a bad hex field', () => {
    const bad = structuredClone(catalogue) as { boards: Record<string, unknown>[] };
    delete (bad.boards[0].sources as Record<string, string>).ramKB;
    expect(() => parseBoards(bad)).toThrow(/sources\.ramKB/);
    const bad2 = structuredClone(catalogue) as { boards: Record<string, unknown>[] };
    (bad2.boards[1].usb as { vid: string }[])[0].vid = '10c4';
    expect(() => parseBoards(bad2)).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT' }));
  });

  it('keeps accelerators apart from microcontroller boards (issue 12)', () => {
    expect(ACCELERATORS.map((a) => a.id)).toEqual(['coral-usb-accelerator']);
    expect(ACCELERATORS[0]).toMatchObject({ kind: 'accelerator', parameterMemoryKB: 8192, deploy: [] });
    expect(BOARDS.every((b) => b.kind === 'mcu')).toBe(true);
    expect(boardById('coral-usb-accelerator')).toBeUndefined();
    // Before its firmware is loaded (DFU) and after: both IDs name the accelerator.
    expect(boardsForUsb(0x1a6e, 0x089a).map((b) => b.id)).toEqual(['coral-usb-accelerator']);
    expect(boardsForUsb(0x18d1, 0x9302).map((b) => b.id)).toEqual(['coral-usb-accelerator']);
  });

  it('says which flash family and export formats reach each board', () => {
    expect(BOARDS.map((b) => [b.id, flashFamilyOf(b) ?? null])).toEqual([
      ['arduino-nano-33-ble-sense', null],
      ['esp32-devkitc', 'esp32'],
      ['esp32-s3-devkitc-1', 'esp32'],
      ['xiao-esp32s3', 'esp32'],
      ['stm32f746g-disco', 'stm32'],
      ['nucleo-f446re', 'stm32'],
      ['nucleo-h743zi', 'stm32'],
      ['raspberry-pi-pico', 'uf2'],
      ['raspberry-pi-pico-2', 'uf2'],
      ['sparkfun-edge', null],
    ]);
    expect(BOARDS.every((b) => b.deploy.includes('tflm'))).toBe(true);
    const bad = structuredClone(catalogue) as { boards: Record<string, unknown>[] };
    bad.boards[1].deploy = ['esp32', 'stm32'];
    expect(() => parseBoards(bad)).toThrow(/at most one flash family/);
    // Issue 14: PICOBOOT reaches the same boot ROM as the UF2 drive, so it may sit beside uf2.
    expect(BOARDS.filter((b) => b.deploy.includes('picoboot')).map((b) => b.id)).toEqual([
      'raspberry-pi-pico',
      'raspberry-pi-pico-2',
    ]);
    bad.boards[1].deploy = ['esp32', 'picoboot'];
    expect(() => parseBoards(bad)).toThrow(/at most one flash family/);
  });
});
