/**
 * SLIP framing (RFC 1055) as the ESP32 ROM loader uses it: every frame starts and ends with
 * 0xC0; 0xC0 in the payload becomes DB DC and 0xDB becomes DB DD.
 */
export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

export function slipEncode(payload: Uint8Array): Uint8Array {
  let n = 2;
  for (const b of payload) n += b === SLIP_END || b === SLIP_ESC ? 2 : 1;
  const out = new Uint8Array(n);
  let o = 0;
  out[o++] = SLIP_END;
  for (const b of payload) {
    if (b === SLIP_END) {
      out[o++] = SLIP_ESC;
      out[o++] = SLIP_ESC_END;
    } else if (b === SLIP_ESC) {
      out[o++] = SLIP_ESC;
      out[o++] = SLIP_ESC_ESC;
    } else out[o++] = b;
  }
  out[o] = SLIP_END;
  return out;
}

/**
 * Streaming decoder. Feed it arbitrary chunks; it returns the complete frames. Bytes before the
 * first 0xC0 (boot messages, line noise) are ignored. Garbage between two frames cannot be told
 * apart from a frame by SLIP alone, so it comes out as its own candidate frame and the real
 * frames on either side stay intact; the protocol layer rejects candidates whose header and
 * length do not add up. A frame with an
 * invalid escape is dropped whole, so a corrupted frame can never be mistaken for a good one;
 * an empty frame (C0 C0) is just a separator and re-synchronises the decoder. Frames longer
 * than maxFrame are dropped (garbage without a terminator never grows memory unboundedly).
 */
export class SlipDecoder {
  private inFrame = false;
  private escaped = false;
  private broken = false;
  private buf: number[] = [];
  /** Frames dropped for a bad escape or excess length. */
  dropped = 0;

  constructor(private readonly maxFrame = 1 << 16) {}

  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (const b of chunk) {
      if (b === SLIP_END) {
        if (this.inFrame && (this.broken || this.escaped)) this.dropped++;
        else if (this.inFrame && this.buf.length > 0) frames.push(Uint8Array.from(this.buf));
        // Every 0xC0 may open a frame: an end marker doubles as the next start.
        this.inFrame = true;
        this.escaped = false;
        this.broken = false;
        this.buf = [];
        continue;
      }
      if (!this.inFrame || this.broken) continue;
      if (this.escaped) {
        this.escaped = false;
        if (b === SLIP_ESC_END) this.buf.push(SLIP_END);
        else if (b === SLIP_ESC_ESC) this.buf.push(SLIP_ESC);
        else this.broken = true;
      } else if (b === SLIP_ESC) this.escaped = true;
      else this.buf.push(b);
      if (this.buf.length > this.maxFrame) {
        this.broken = true;
        this.buf = [];
      }
    }
    return frames;
  }

  reset(): void {
    this.inFrame = false;
    this.escaped = false;
    this.broken = false;
    this.buf = [];
  }
}
