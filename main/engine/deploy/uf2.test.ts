import { describe, expect, it } from 'vitest';
import { UF2_FAMILIES, buildUf2, parseUf2 } from './uf2';

describe('UF2', () => {
  const data = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
  const uf2 = buildUf2(data, 0x10100000, UF2_FAMILIES.rp2040);

  it('writes 512-byte blocks with the exact header words, 256-byte payloads and numbering', () => {
    expect(uf2.length).toBe(3 * 512);
    const v = new DataView(uf2.buffer);
    for (let i = 0; i < 3; i++) {
      const o = i * 512;
      const words = Array.from({ length: 8 }, (_, k) => v.getUint32(o + 4 * k, true));
      expect(words).toEqual([
        0x0a324655,
        0x9e5d5157,
        0x00002000,
        0x10100000 + 256 * i,
        256,
        i,
        3,
        0xe48bff56,
      ]);
      expect(v.getUint32(o + 508, true)).toBe(0x0ab16f30);
      // the unused tail of the data area is zero
      expect(uf2.subarray(o + 32 + 256, o + 508).every((b) => b === 0)).toBe(true);
    }
    // first bytes on disk: "UF2\n"
    expect(Array.from(uf2.subarray(0, 4))).toEqual([0x55, 0x46, 0x32, 0x0a]);
    expect(Array.from(uf2.subarray(32, 36))).toEqual([0, 1, 2, 3]);
    // last block: 88 data bytes then 0xFF padding up to 256
    expect(uf2[1024 + 32 + 87]).toBe(599 & 0xff);
    expect(uf2.subarray(1024 + 32 + 88, 1024 + 32 + 256).every((b) => b === 0xff)).toBe(true);
  });

  it('round-trips and carries the RP2350 family', () => {
    const blocks = parseUf2(buildUf2(data, 0x10200000, UF2_FAMILIES['rp2350-arm-s']));
    expect(blocks.map((b) => b.familyId)).toEqual([0xe48bff59, 0xe48bff59, 0xe48bff59]);
    const joined = Uint8Array.from(blocks.flatMap((b) => Array.from(b.payload)));
    expect(Array.from(joined.subarray(0, 600))).toEqual(Array.from(data));
    expect(UF2_FAMILIES.absolute).toBe(0xe48bff57);
    expect(UF2_FAMILIES.data).toBe(0xe48bff58);
  });

  it('refuses unaligned addresses and malformed files', () => {
    expect(() => buildUf2(data, 0x10000010, UF2_FAMILIES.rp2040)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => buildUf2(new Uint8Array(0), 0x10000000, UF2_FAMILIES.rp2040)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const bad = uf2.slice();
    bad[512 + 508] = 0;
    expect(() => parseUf2(bad)).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT' }));
    expect(() => parseUf2(uf2.subarray(0, 500))).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT' }));
  });
});
