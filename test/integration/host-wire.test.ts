// Issue 2: the browser-mode wire format. The renderer and the host share one codec
// (main/contract/wire.ts, issue 12); it must agree byte for byte with Node's Buffer base64,
// including for large and awkward byte arrays.
import { describe, expect, it } from 'vitest';
import * as browser from '../../main/contract/wire';
import * as host from '../../main/contract/wire';

function pattern(n: number, seed: number): Uint8Array {
  // xorshift32: every byte value appears, no long runs, deterministic.
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Byte equality without vitest's element-by-element deep diff (slow for 300 kB). */
function same(a: unknown, b: Uint8Array): boolean {
  return (
    a instanceof Uint8Array &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    )
  );
}

describe('wire codec (renderer <-> host)', () => {
  const sizes = [0, 1, 2, 3, 4, 0x7fff, 0x8000, 0x8001, 300_568];
  for (const n of sizes) {
    it(`round-trips ${n} bytes in both directions`, () => {
      const bytes = pattern(n, n + 7);
      const msg = { id: 3, method: 'model.load', args: { name: 'm.tflite', bytes } };
      const fromBrowser = host.decode(browser.encode(msg)) as typeof msg;
      expect(fromBrowser.args.bytes).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(fromBrowser.args.bytes)).toBe(false);
      expect(same(fromBrowser.args.bytes, bytes)).toBe(true);
      expect(fromBrowser.args.name).toBe('m.tflite');
      const fromHost = browser.decode(
        host.encode({ id: 3, outcome: { ok: true, value: { nested: [bytes] } } }),
      ) as {
        outcome: { value: { nested: Uint8Array[] } };
      };
      expect(same(fromHost.outcome.value.nested[0], bytes)).toBe(true);
      // Same text either way: one format, two implementations.
      expect(host.encode(msg)).toBe(browser.encode(msg));
    });
  }

  it('encodes a view at its offset, and Node Buffers as bytes rather than {type:"Buffer"}', () => {
    const backing = pattern(64, 1);
    const view = backing.subarray(10, 20);
    expect(host.decode(host.encode({ v: view }))).toEqual({ v: backing.slice(10, 20) });
    expect(browser.decode(browser.encode({ v: view }))).toEqual({ v: backing.slice(10, 20) });
    expect(host.encode({ b: Buffer.from([1, 2, 255]) })).toBe('{"b":{"$bytes":"AQL/"}}');
  });

  it('leaves ordinary objects, including ones with a $bytes key beside others, alone', () => {
    const v = { a: 1, s: 'x', n: null, arr: [1, 'two'], o: { $bytes: 'AQI=', extra: 1 } };
    expect(host.decode(host.encode(v))).toEqual(v);
    expect(browser.decode(browser.encode(v))).toEqual(v);
  });

  it('rejects malformed JSON with SyntaxError', () => {
    expect(() => host.decode('{"id": 1,')).toThrow(SyntaxError);
    expect(() => browser.decode('nope')).toThrow(SyntaxError);
  });
});
