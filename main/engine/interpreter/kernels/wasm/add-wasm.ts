/**
 * 8-bit ADD of two same-shape inputs with conv.wat's add_lut: the reference's 64 KiB table
 * (add.ts's add8Table, every entry the reference arithmetic) looked up four elements per step
 * inside one instance's memory (table, both inputs and the output, each with slack). Outputs are
 * the table's entries, so they equal the reference kernel's (add-wasm.test.ts).
 */
import { align16, convModule, MAX_BYTES, PAGE, type ConvExports } from './conv-module';

type Bytes = Int8Array | Uint8Array;

/** eval(x, y, out) for `n` elements; null when the module is unavailable or too large. */
export function prepareAddLutSimd(
  table: Bytes,
  base: number,
  n: number,
): ((x: Bytes, y: Bytes, out: Bytes) => void) | null {
  const m = convModule();
  if (!m) return null;
  const xAt = 65536;
  const yAt = xAt + align16(n + 4);
  const outAt = yAt + align16(n + 4);
  const bytes = outAt + n + 4;
  if (bytes > MAX_BYTES) return null;
  const e = new WebAssembly.Instance(m).exports as unknown as ConvExports;
  e.memory.grow(Math.ceil(bytes / PAGE));
  const buf = e.memory.buffer;
  new Uint8Array(buf, 0, 65536).set(new Uint8Array(table.buffer, table.byteOffset, 65536));
  const signed = base !== 0;
  const view = (at: number) => (signed ? new Int8Array(buf, at, n) : new Uint8Array(buf, at, n));
  const [xs, ys, out] = [view(xAt), view(yAt), view(outAt)];
  const flip = signed ? 0x80 : 0;
  return (x, y, o) => {
    xs.set(x);
    ys.set(y);
    e.add_lut(xAt, yAt, outAt, n, 0, flip);
    o.set(out);
  };
}
