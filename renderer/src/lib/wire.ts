/**
 * The browser-mode wire format (browser side). The host's twin is main/host/wire.ts; both must
 * stay byte-compatible (test/integration/host-wire.test.ts runs one against the other).
 *
 * Every WebSocket message is one JSON text frame:
 *   client -> host  {"id": <int>, "method": "<service.method>", "args": <value>}
 *   host -> client  {"id": <int>, "outcome": {"ok": true, "value": ...} | {"ok": false, "error": {code, message}}}
 *   host -> client  {"event": "<name>", "payload": <value>}
 *
 * JSON has no bytes, so a Uint8Array anywhere in a value travels as {"$bytes": "<base64>"}.
 * Base64 costs a third more on the wire but keeps every frame self-describing and debuggable;
 * models are at most a few hundred MB, which the host's frame limit allows for.
 */

export const BYTES_TAG = '$bytes';

/** Chunk size for String.fromCharCode.apply: large argument lists overflow the call stack. */
const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + CHUNK)));
  }
  return btoa(bin);
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** JSON.stringify with Uint8Array values tagged. */
export function encode(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Uint8Array ? { [BYTES_TAG]: bytesToBase64(v) } : v,
  );
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
