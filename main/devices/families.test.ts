import { describe, expect, it } from 'vitest';
import { boardById } from '../engine/deploy/boards';
import { FLASH_FAMILY_IDS } from '../engine/deploy/device-types';
import { FAMILIES, familiesByTarget, familyById, withUsbFlashActions } from './families';
import { resolveFamily } from './flash-model';

describe('device family registry (issue 12)', () => {
  it('has one entry per family id, under its own id, with its link and verification', () => {
    expect(Object.keys(FAMILIES)).toEqual([...FLASH_FAMILY_IDS]);
    for (const [id, f] of Object.entries(FAMILIES)) expect(f.id).toBe(id);
    expect(Object.values(FAMILIES).map((f) => [f.id, f.link, f.verify])).toEqual([
      ['esp32', 'serial', 'md5'],
      ['stm32', 'serial', 'readback'],
      ['uf2', 'drive', 'none'],
      ['dfuse', 'usb', 'readback'],
      ['picoboot', 'usb', 'readback'],
    ]);
    expect(familyById('dfu')).toBeUndefined();
  });

  it('detects ports by the boards behind them, and drives by their mount', () => {
    const found = {
      serial: [
        { path: '/dev/ttyUSB0', source: 'sysfs' as const, boards: ['esp32-devkitc', 'esp32-s3-devkitc-1'] },
        { path: '/dev/ttyACM0', source: 'sysfs' as const, boards: ['nucleo-f446re'] },
        { path: '/dev/ttyS9', source: 'sysfs' as const, boards: [] },
      ],
      usb: [
        { vid: 0x2e8a, pid: 0x0003, bus: '1-2', address: 7, boards: ['raspberry-pi-pico'] },
        { vid: 0x2e8a, pid: 0x000a, bus: '1-3', address: 8, boards: ['raspberry-pi-pico'] },
        { vid: 0x2e8a, pid: 0x000f, bus: '2-1', address: 3, boards: ['raspberry-pi-pico-2'] },
      ],
      warnings: [],
      drives: [
        {
          mount: '/media/u/RPI-RP2',
          boardId: 'RPI-RP2',
          model: 'Raspberry Pi RP2',
          family: 'rp2040' as const,
        },
      ],
    };
    expect(FAMILIES.esp32.detect(found)).toEqual(['/dev/ttyUSB0']);
    expect(FAMILIES.stm32.detect(found)).toEqual(['/dev/ttyACM0']);
    expect(FAMILIES.uf2.detect(found)).toEqual(['/media/u/RPI-RP2']);
    // Issue 14: PICOBOOT by the boot ROM's IDs only (000a is the running application's CDC).
    expect(FAMILIES.picoboot.detect(found)).toEqual(['usb:1-2:7', 'usb:2-1:3']);
    // What `lowbit devices` prints beside each port and drive.
    expect(familiesByTarget(found)).toEqual({
      '/dev/ttyUSB0': ['esp32'],
      '/dev/ttyACM0': ['stm32'],
      '/media/u/RPI-RP2': ['uf2'],
      'usb:1-2:7': ['picoboot'],
      'usb:2-1:3': ['picoboot'],
    });
  });

  it("resolves the family asked for, else the board's; refuses a board flashed only by export", () => {
    expect(resolveFamily('stm32', undefined).id).toBe('stm32');
    expect(resolveFamily(undefined, boardById('raspberry-pi-pico')).id).toBe('uf2');
    expect(() => resolveFamily(undefined, boardById('sparkfun-edge'))).toThrow(/not flashed over serial/);
    expect(() => resolveFamily('jtag', undefined)).toThrow(/unknown device family/);
  });

  it('gives each USB device the flash actions the Devices view offers (issue 14): family, target, board', () => {
    const list = withUsbFlashActions({
      serial: [],
      usb: [
        { vid: 0x2e8a, pid: 0x0003, bus: '1-2', address: 7, boards: ['raspberry-pi-pico'] },
        { vid: 0x0483, pid: 0xdf11, bus: '1-4', address: 9, boards: [] },
        { vid: 0x1a6e, pid: 0x089a, bus: '1-3', address: 4, boards: ['coral-usb-accelerator'] },
      ],
      warnings: [],
    });
    expect(list.usb.map((u) => u.flashWith)).toEqual([
      [{ family: 'picoboot', target: 'usb:1-2:7', board: 'raspberry-pi-pico' }],
      [{ family: 'dfuse', target: 'usb:1-4:9' }],
      undefined,
    ]);
  });
});
