import { describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { readTflite } from './reader';
import { writeTflite } from './writer';
import { ModelFormatError } from '../errors';
import { sharedModelPaths, readBytes } from '../../../test/support/shared';

describe('TFLite read/write (issue 2)', () => {
  for (const path of sharedModelPaths()) {
    it(`rewrites ${path.split('/').slice(-2).join('/')} to an identical model`, () => {
      const m = readTflite(readBytes(path));
      const again = readTflite(writeTflite(m));
      expect(isDeepStrictEqual(again, m)).toBe(true);
      const appended = readTflite(writeTflite(m, { appendBuffers: true }));
      expect(isDeepStrictEqual(appended, m)).toBe(true);
    });
  }

  it('rejects a file without the TFL3 identifier', () => {
    const bytes = readBytes(sharedModelPaths()[0]!).slice();
    bytes[4] = 0x58;
    expect(() => readTflite(bytes)).toThrow(ModelFormatError);
    expect(() => readTflite(bytes)).toThrow(/identifier/);
  });

  it('reads buffers stored past the flatbuffer (models over 2 GB)', () => {
    const m = readTflite(readBytes(sharedModelPaths().find((p) => p.includes('person_detect'))!));
    const bytes = writeTflite(m, { appendBuffers: true });
    const big = m.buffers.reduce((a, b) => (b.data.length > a.data.length ? b : a));
    // The largest weight buffer must sit after the flatbuffer proper, 16-byte aligned.
    const at = indexOf(bytes, big.data);
    expect(at).toBeGreaterThan(0);
    expect(at % 16).toBe(0);
    expect(readTflite(bytes).buffers.map((b) => b.data.length)).toEqual(m.buffers.map((b) => b.data.length));
  });
});

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = hay.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < 16; j++) if (hay[i + j] !== needle[j]) continue outer;
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('compact writing (issue 2)', () => {
  it("leaves empty vectors out, as TFLite's C++ object API does, without changing the model", () => {
    const m = readTflite(readBytes(sharedModelPaths().find((p) => p.endsWith('hello_world_int8.tflite'))!));
    const t = m.subgraphs[0]!.tensors[0]!;
    expect(t.shapeSignature.length).toBeGreaterThanOrEqual(0);
    const before = writeTflite(m).length;
    // An extra empty list costs nothing: the field is simply absent.
    m.subgraphs[0]!.operators[0]!.intermediates = [];
    expect(writeTflite(m).length).toBe(before);
    // A non-empty one is written and read back.
    m.subgraphs[0]!.operators[0]!.intermediates = [0];
    const withList = writeTflite(m);
    expect(withList.length).toBeGreaterThan(before);
    expect(readTflite(withList).subgraphs[0]!.operators[0]!.intermediates).toEqual([0]);
  });
});
