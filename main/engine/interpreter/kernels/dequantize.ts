/**
 * DEQUANTIZE: int8/uint8/int16 -> float32 as (q - zp) * scale computed in double and rounded to
 * float32 (the reference's DequantizationParams.scale is a double); per-channel along the
 * quantized dimension; float16 -> float32 exactly.
 */
import { numElements } from '../dtype';
import { isQuantDtype } from '../kernel-util';
import type { Kernel, OpContext } from '../types';

/** IEEE half (as raw bits) to number, exactly. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export const dequantize: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const out = ctx.output(0);
    if (out.dtype !== 'float32') ctx.unsupported(`output dtype ${out.dtype}`);
    out.shape = [...input.shape];
    const n = numElements(input.shape);
    if (input.dtype === 'float16') {
      return () => {
        const x = input.data as Uint16Array;
        const o = out.data as Float32Array;
        for (let k = 0; k < n; k++) o[k] = halfToFloat(x[k]);
      };
    }
    if (!isQuantDtype(input.dtype)) ctx.unsupported(`input dtype ${input.dtype}`);
    if (!input.quant) ctx.unsupported('input has no quantization parameters');
    const { scale, zeroPoint, axis } = input.quant;
    if (scale.length === 1) {
      const s = scale[0];
      const zp = zeroPoint[0];
      return () => {
        const x = input.data as Int8Array;
        const o = out.data as Float32Array;
        for (let k = 0; k < n; k++) o[k] = (x[k] - zp) * s;
      };
    }
    const channels = input.shape[axis];
    if (channels !== scale.length)
      ctx.invalid(`${scale.length} scales for ${channels} channels on axis ${axis}`);
    const inner = numElements(input.shape.slice(axis + 1));
    return () => {
      const x = input.data as Int8Array;
      const o = out.data as Float32Array;
      for (let k = 0; k < n; k++) {
        const c = Math.floor(k / inner) % channels;
        o[k] = (x[k] - zeroPoint[c]) * scale[c];
      }
    };
  },
};
