/**
 * The browser-mode wire format, written once: the host (main/host/server.ts) and the browser
 * (renderer/src/lib/ws-bridge.ts) both encode and decode with this module. Pure: it uses only
 * JSON and the atob and TextDecoder globals, which browsers and Node 16+ both provide (no Buffer,
 * no DOM).
 *
 * Every WebSocket message is one JSON text frame:
 *   client -> host  {"id": <int>, "method": "<service.method>", "args": <value>}
 *   host -> client  {"id": <int>, "outcome": {"ok": true, "value": ...} | {"ok": false, "error": {code, message}}}
 *   host -> client  {"event": "<name>", "payload": <value>}
 *
 * JSON has no bytes, so a Uint8Array anywhere in a value (a Node Buffer included) travels as
 * {"$bytes": "<base64>"}. Base64 costs a third more on the wire but keeps every frame
 * self-describing and debuggable; models are at most a few hundred MB, which the host's frame
 * limit allows for. Decoded bytes are plain Uint8Arrays, never Buffers.
 */

export const BYTES_TAG = '$bytes';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGITS = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const PAD = 0x3d; // '='
/** The digits are ASCII, so any single-byte decoder turns them into the same text. */
const ascii = new TextDecoder('latin1');

/**
 * Standard base64 with padding (RFC 4648 section 4). Table-driven into a byte array rather than
 * btoa(String.fromCharCode(...)): about ten times faster, which matters for models of 100 MB.
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = DIGITS[v >>> 18]!;
    out[o++] = DIGITS[(v >>> 12) & 63]!;
    out[o++] = DIGITS[(v >>> 6) & 63]!;
    out[o++] = DIGITS[v & 63]!;
  }
  if (i < n) {
    const two = i + 1 < n;
    const v = (bytes[i]! << 16) | ((two ? bytes[i + 1]! : 0) << 8);
    out[o] = DIGITS[v >>> 18]!;
    out[o + 1] = DIGITS[(v >>> 12) & 63]!;
    out[o + 2] = two ? DIGITS[(v >>> 6) & 63]! : PAD;
    out[o + 3] = PAD;
  }
  return ascii.decode(out);
}

/** Strict: atob throws on characters outside the alphabet, which decode() reports as bad input. */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Replaces Uint8Arrays with tagged base64 objects. A pre-walk rather than a JSON.stringify
 * replacer, because JSON.stringify calls Buffer#toJSON before a replacer sees a Node Buffer.
 * Depth is bounded by the value's own structure (messages are plain trees, never cyclic).
 */
function tagBytes(v: unknown): unknown {
  if (v instanceof Uint8Array) return { [BYTES_TAG]: bytesToBase64(v) };
  if (Array.isArray(v)) return v.map(tagBytes);
  if (v !== null && typeof v === 'object') {
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v; // Date and friends
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = tagBytes(x);
    return out;
  }
  return v;
}

/** JSON text of a message, Uint8Array values tagged. */
export function encode(value: unknown): string {
  return JSON.stringify(tagBytes(value));
}

/** JSON.parse with {"$bytes": ...} objects turned back into Uint8Array. Throws SyntaxError on bad JSON. */
export function decode(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === BYTES_TAG && typeof o[BYTES_TAG] === 'string')
        return base64ToBytes(o[BYTES_TAG]);
    }
    return v;
  });
}
