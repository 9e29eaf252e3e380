import { describe, expect, it } from 'vitest';
import { SlipDecoder, slipEncode } from './slip';

describe('SLIP', () => {
  it('encodes with exact escapes', () => {
    expect(Array.from(slipEncode(Uint8Array.of(0x01, 0xc0, 0x02, 0xdb, 0x03)))).toEqual([
      0xc0, 0x01, 0xdb, 0xdc, 0x02, 0xdb, 0xdd, 0x03, 0xc0,
    ]);
    expect(Array.from(slipEncode(new Uint8Array(0)))).toEqual([0xc0, 0xc0]);
  });

  it('decodes a stream split at every byte, with boot noise before and between frames', () => {
    const a = Uint8Array.of(0x01, 0x08, 0xc0, 0xdb, 0x00);
    const b = Uint8Array.of(0xdb, 0xdb, 0xc0, 0xc0);
    const noise = Uint8Array.from('ets Jun  8 2016 00:22:57\r\n', (c) => c.charCodeAt(0));
    const stream = Uint8Array.from([...noise, ...slipEncode(a), ...slipEncode(b)]);
    const d = new SlipDecoder();
    const frames: number[][] = [];
    for (const byte of stream) for (const f of d.push(Uint8Array.of(byte))) frames.push(Array.from(f));
    expect(frames).toEqual([Array.from(a), Array.from(b)]);
  });

  it('keeps real frames intact around garbage between them and drops frames with a bad escape', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = Uint8Array.of(4, 5, 6);
    const d = new SlipDecoder();
    // garbage "xy" between two frames comes out as its own candidate frame
    const frames = d.push(Uint8Array.from([...slipEncode(a), 0x78, 0x79, ...slipEncode(b)]));
    expect(frames.map((f) => Array.from(f))).toEqual([
      [1, 2, 3],
      [0x78, 0x79],
      [4, 5, 6],
    ]);
    // DB followed by anything but DC/DD invalidates the whole frame
    const bad = d.push(Uint8Array.of(0xc0, 0x01, 0xdb, 0x05, 0x02, 0xc0, ...slipEncode(a)));
    expect(bad.map((f) => Array.from(f))).toEqual([[1, 2, 3]]);
    expect(d.dropped).toBe(1);
  });

  it('drops an unterminated frame longer than the limit instead of growing without bound', () => {
    const d = new SlipDecoder(16);
    expect(d.push(Uint8Array.from([0xc0, ...new Array(100).fill(7), 0xc0]))).toEqual([]);
    expect(d.dropped).toBe(1);
    expect(d.push(slipEncode(Uint8Array.of(9))).map((f) => Array.from(f))).toEqual([[9]]);
  });
});
