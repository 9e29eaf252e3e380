import { describe, expect, it } from 'vitest';
import { describeLayout, parseMemoryLayout, sectorsToWrite } from './memory-layout';

describe('DfuSe memory layout from the interface string (issue 14, AN3156 section 4.3)', () => {
  it("reads the STM32F4's internal flash: 4×16 KiB, 1×64 KiB, 7×128 KiB, all readable, erasable, writable", () => {
    const l = parseMemoryLayout('@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
    expect(l.name).toBe('Internal Flash');
    expect(l.sectors).toHaveLength(12);
    expect(l.sectors[4]).toEqual({
      start: 0x08010000,
      size: 0x10000,
      readable: true,
      erasable: true,
      writable: true,
    });
    expect(l.sectors[11].start + l.sectors[11].size).toBe(0x08100000);
    expect(describeLayout(l)).toBe('0x08000000..0x08100000');
  });

  it('reads type letters as bits (a readable, b erasable, d writable), byte units and several segments', () => {
    const l = parseMemoryLayout('@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEC000/01*016 a');
    expect(l.sectors).toEqual([
      { start: 0x1fffc000, size: 16, readable: true, erasable: false, writable: true },
      { start: 0x1ffec000, size: 16, readable: true, erasable: false, writable: false },
    ]);
    expect(parseMemoryLayout('@X /0x0/2*1Mb').sectors[1]).toMatchObject({
      start: 0x100000,
      erasable: true,
      writable: false,
    });
  });

  it('gives the sectors a write covers and refuses read-only or unmapped memory', () => {
    const l = parseMemoryLayout('@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg');
    expect(sectorsToWrite(l, 0x08020000, 3000).map((s) => s.start)).toEqual([0x08020000]);
    expect(sectorsToWrite(l, 0x0800f000, 0x2000).map((s) => s.start)).toEqual([0x0800c000, 0x08010000]);
    expect(() => sectorsToWrite(l, 0x080ff000, 0x2000)).toThrow(
      /do not lie within Internal Flash \(0x08000000\.\.0x08100000\)/,
    );
    expect(() => sectorsToWrite(l, 0x07fff000, 0x2000)).toThrow(/do not lie within/);
    const ro = parseMemoryLayout('@Flash /0x08000000/01*016Ka,01*016Kg');
    expect(() => sectorsToWrite(ro, 0x08000000, 16)).toThrow(/not erasable and writable/);
  });

  it('refuses malformed layouts from the device in one line', () => {
    for (const bad of [
      'Internal Flash',
      '@Flash /0x08000000',
      '@F /08000000/1*1Kg',
      '@F /0x0/1*1Kz',
      '@F /0xFFFFF000/2*4Kg',
      '@F /0x0/99999*1Kg',
    ])
      expect(() => parseMemoryLayout(bad)).toThrow(/^DfuSe memory layout "[^\n]*": /);
  });
});
