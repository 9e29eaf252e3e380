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
  const load = () =>
    readTflite(readBytes(sharedModelPaths().find((p) => p.endsWith('hello_world_int8.tflite'))!));

  it("leaves empty vectors out, as TFLite's C++ object API does, without changing the model", () => {
    const m = load();
    const before = writeTflite(m).length;
    m.subgraphs[0]!.operators[0]!.intermediates = [];
    expect(writeTflite(m).length).toBe(before);
    m.subgraphs[0]!.operators[0]!.intermediates = [9, 8, 7];
    const withList = writeTflite(m);
    expect(withList.length).toBeGreaterThan(before);
    expect(readTflite(withList).subgraphs[0]!.operators[0]!.intermediates).toEqual([9, 8, 7]);
  });

  it('writes an identical small vector once and references it twice', () => {
    const m = load();
    const ops = m.subgraphs[0]!.operators;
    ops[0]!.intermediates = [9, 8, 7];
    const one = writeTflite(m).length;
    ops[1]!.intermediates = [6, 5, 4];
    const different = writeTflite(m).length;
    ops[1]!.intermediates = [9, 8, 7];
    const two = writeTflite(m);
    // A second, identical list costs only its field: 16 bytes (length + 3 ints) less than a new one.
    expect(different - two.length).toBe(16);
    expect(two.length).toBeGreaterThan(one);
    const again = readTflite(two).subgraphs[0]!.operators;
    expect(again[0]!.intermediates).toEqual([9, 8, 7]);
    expect(again[1]!.intermediates).toEqual([9, 8, 7]);
  });

  it('shares wide-element vectors of any size (per-channel parameters), not large byte buffers', () => {
    const m = load();
    const ops = m.subgraphs[0]!.operators;
    const big = Array.from({ length: 3000 }, (_v, i) => i % 7);
    ops[0]!.intermediates = big;
    const one = writeTflite(m).length;
    ops[1]!.intermediates = [...big];
    // 12,004 bytes of int32 list (> the 4 KB byte-vector limit) written once: the second costs 0.
    expect(writeTflite(m).length).toBe(one);
    ops[1]!.intermediates = big.map((v, i) => (i === 2999 ? v + 1 : v));
    // A list differing in one element is written in full (12,004 bytes, give or take padding).
    expect(Math.abs(writeTflite(m).length - (one + 12_004))).toBeLessThanOrEqual(8);
    // Weight buffers (byte vectors over 4 KB) are not compared: equal ones are both written.
    ops[1]!.intermediates = [];
    const data = new Uint8Array(5000).fill(3);
    m.buffers.push({ data }, { data: data.slice() });
    const copy = readTflite(writeTflite(m));
    expect(writeTflite(m).length).toBeGreaterThan(one + 10_000);
    expect(copy.buffers.at(-1)!.data).toEqual(data);
  });

  it('never shares vectors of offsets (their bytes are position-relative)', () => {
    const m = load();
    // Two subgraph-level lists of tables with identical relative offsets must stay distinct.
    const copy = readTflite(writeTflite(m));
    expect(copy.subgraphs[0]!.operators.map((o) => o.inputs)).toEqual(
      m.subgraphs[0]!.operators.map((o) => o.inputs),
    );
    expect(copy.operatorCodes).toEqual(m.operatorCodes);
  });
});
