/**
 * The browser-mode wire format, host side. The browser's twin is renderer/src/lib/wire.ts, which
 * documents the format; the two are checked against each other in test/integration/host-wire.test.ts.
 *
 *   client -> host  {"id": <int>, "method": "<service.method>", "args": <value>}
 *   host -> client  {"id": <int>, "outcome": Outcome}  and  {"event": "<name>", "payload": <value>}
 *
 * A Uint8Array anywhere in a value travels as {"$bytes": "<base64>"}.
 */
import { Buffer } from 'node:buffer';

export const BYTES_TAG = '$bytes';

/**
 * Replaces Uint8Arrays (including Node Buffers) with tagged base64 objects. A pre-walk rather than
 * a JSON.stringify replacer, because JSON.stringify calls Buffer#toJSON before the replacer sees it.
 * Depth is bounded by the value's own structure (results are plain trees, never cyclic).
 */
function toWire(v: unknown): unknown {
  if (v instanceof Uint8Array)
    return { [BYTES_TAG]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (Array.isArray(v)) return v.map(toWire);
  if (v !== null && typeof v === 'object') {
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v; // Date and friends
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toWire(x);
    return out;
  }
  return v;
}

export function encode(value: unknown): string {
  return JSON.stringify(toWire(value));
}

/** Throws SyntaxError on bad JSON. Decoded bytes are plain Uint8Arrays, not Buffers. */
export function decode(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === BYTES_TAG && typeof o[BYTES_TAG] === 'string') {
        const b = Buffer.from(o[BYTES_TAG], 'base64');
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      }
    }
    return v;
  });
}
