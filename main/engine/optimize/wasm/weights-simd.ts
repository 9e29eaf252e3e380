/**
 * The WebAssembly SIMD build of the channel-major weight quantizer and of the float16 conversion
 * (weights.wat): four weights per instruction, same arithmetic and same bits as the scalar TypeScript path in weights.ts,
 * which stays the fallback when WebAssembly SIMD is unavailable (and the reference the tests
 * compare this with). Synchronous compile: the module is 0.6 KB, under every browser's limit.
 */
import { symmetricScale } from '../../quant/math';
import { WASM_BASE64 } from './weights-wasm.generated';

interface Kernels {
  memory: WebAssembly.Memory;
  maxabs(p: number, n: number): number;
  quant(p: number, o: number, n: number, s: number): void;
  half(p: number, o: number, n: number): void;
}

let kernels: Kernels | null | undefined;
let enabled = true;

/** Tests switch the SIMD path off to compare it with the scalar one. */
export function setWeightsSimd(on: boolean): void {
  enabled = on;
}

function load(): Kernels | null {
  if (!enabled) return null;
  if (kernels !== undefined) return kernels;
  try {
    const bytes = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
    kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Kernels;
  } catch {
    kernels = null; // no WebAssembly SIMD here: the scalar path runs instead
  }
  return kernels;
}

const PAGE = 65536;

/**
 * Copies `values` to the start of the module's memory, grown to hold them plus `outBytes` of
 * output right after them; returns the output's byte offset.
 */
function stage(k: Kernels, values: Float32Array, outBytes: number): number {
  const outAt = values.length * 4;
  const need = outAt + outBytes;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / PAGE));
  new Float32Array(k.memory.buffer, 0, values.length).set(values);
  return outAt;
}

/**
 * Symmetric per-channel int8 quantization of a channel-major tensor (`channels` blocks of `inner`
 * contiguous values), or null when the SIMD kernels are not available.
 */
export function quantizeChannelBlocksSimd(
  values: Float32Array,
  channels: number,
  inner: number,
): { data: Int8Array; scale: number[] } | null {
  const k = load();
  if (!k) return null;
  const n = values.length;
  const outAt = stage(k, values, n);
  const scale = new Array<number>(channels);
  for (let c = 0; c < channels; c++) {
    const p = c * inner * 4;
    const s = (scale[c] = symmetricScale(k.maxabs(p, inner), 127));
    k.quant(p, outAt + c * inner, inner, s);
  }
  return { data: new Int8Array(k.memory.buffer, outAt, n).slice(), scale };
}

/** float32 values -> IEEE half bits (round to nearest even), or null without the SIMD kernels. */
export function toFloat16Simd(values: Float32Array): Uint16Array | null {
  const k = load();
  if (!k) return null;
  const n = values.length;
  const outAt = stage(k, values, n * 2);
  k.half(0, outAt, n);
  return new Uint16Array(k.memory.buffer, outAt, n).slice();
}
