/**
 * DEQUANTIZE: int8/uint8/int16 -> float32 as (q - zp) * scale computed in double and rounded to
 * float32 (the reference's DequantizationParams.scale is a double); per-channel along the
 * quantized dimension; float16 -> float32 exactly.
 */
import { numElements } from '../../tensor/dtype';
import { halfLookup } from '../../tensor/float16';
import { isQuantDtype, perChannelLayout } from './common/kernel-util';
import type { Kernel, OpContext } from '../types';

export const kernel: Kernel = {
  prepare(ctx: OpContext) {
    const input = ctx.input(0);
    const out = ctx.output(0);
    if (out.dtype !== 'float32') ctx.unsupported(`output dtype ${out.dtype}`);
    out.shape = [...input.shape];
    const n = numElements(input.shape);
    if (input.dtype === 'float16') {
      const table = halfLookup();
      const convert = (x: Uint16Array, o: Float32Array) => {
        for (let k = 0; k < n; k++) o[k] = table[x[k]];
      };
      if (input.isConst) {
        // float16 weights (LiteRT's float16 models): like TFLite, dequantize the constant once
        // and only copy it per invoke.
        const folded = new Float32Array(n);
        convert(input.data as Uint16Array, folded);
        return () => (out.data as Float32Array).set(folded);
      }
      return () => convert(input.data as Uint16Array, out.data as Float32Array);
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
    const { channels, inner } = perChannelLayout(ctx, input.shape, axis, scale.length);
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
