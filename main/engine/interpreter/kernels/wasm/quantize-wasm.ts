/**
 * QUANTIZE float32 -> int8/uint8/int16 with one scale (the float-I/O boundary of an int8 model)
 * in WebAssembly SIMD: conv.wat's quantize_f, eight values at a time, the reference kernel's
 * arithmetic lane by lane (float32 quotient, ties away from zero, saturation, NaN -> 0), so the
 * outputs equal quantize.ts's bit for bit (quantize-wasm.test.ts). One instance per prepared
 * operator, its memory holding the input and the output, each rounded up to eight values.
 */
import { qRange } from '../../../quant/math';
import { numElements } from '../../../tensor/dtype';
import type { EvalFn, Kernel, OpContext } from '../../types';
import { kernel as quantizeReference } from '../quantize';
import { align16, convModule, MAX_BYTES, PAGE, simdAvailable, type ConvExports } from './conv-module';

export type QuantizeKind = 'int8' | 'uint8' | 'int16';
type IntArray = Int8Array | Uint8Array | Int16Array;
const KIND_CODE: Record<QuantizeKind, number> = { int8: 0, uint8: 1, int16: 2 };

/** eval(input, output) of one QUANTIZE, its parameters fixed. */
export type QuantizeEval = (input: Float32Array, output: IntArray) => void;

/**
 * `n` values, scale (a float32 value), zero point and the output range [lo, hi]. Null when the
 * module is unavailable or the memory would exceed MAX_BYTES.
 */
export function prepareQuantizeSimd(
  kind: QuantizeKind,
  n: number,
  scale: number,
  zeroPoint: number,
  lo: number,
  hi: number,
): QuantizeEval | null {
  const m = convModule();
  if (!m) return null;
  const padded = Math.ceil(n / 8) * 8;
  const elem = kind === 'int16' ? 2 : 1;
  const outAt = align16(padded * 4);
  const bytes = outAt + padded * elem;
  if (bytes > MAX_BYTES) return null;
  const e = new WebAssembly.Instance(m).exports as unknown as ConvExports;
  e.memory.grow(Math.ceil(bytes / PAGE));
  const buf = e.memory.buffer;
  const raw = new Float32Array(buf, 0, n);
  const out =
    kind === 'int8'
      ? new Int8Array(buf, outAt, n)
      : kind === 'uint8'
        ? new Uint8Array(buf, outAt, n)
        : new Int16Array(buf, outAt, n);
  const code = KIND_CODE[kind];
  return (input, output) => {
    raw.set(input);
    e.quantize_f(0, outAt, n, scale, zeroPoint, lo, hi, code);
    output.set(out);
  };
}

/**
 * QUANTIZE float32 -> int8/uint8/int16 with one scale (a float model's input fed to an int8 one)
 * in WebAssembly SIMD; per-channel quantization and integer requantization keep the reference.
 */
export const quantizeSimd: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const reference = quantizeReference.prepare(ctx);
    const input = ctx.input(0);
    const output = ctx.output(0);
    const q = output.quant;
    const kinds = ['int8', 'uint8', 'int16'];
    if (!simdAvailable() || input.dtype !== 'float32' || !kinds.includes(output.dtype)) return reference;
    if (!q || q.scale.length !== 1) return reference;
    const k = output.dtype as QuantizeKind;
    const [lo, hi] = qRange(k);
    const n = numElements(input.shape);
    const run = prepareQuantizeSimd(k, n, Math.fround(q.scale[0]), q.zeroPoint[0], lo, hi);
    if (!run) return reference;
    return () => run(input.data as Float32Array, output.data as IntArray); // dtypes checked above
  },
};
