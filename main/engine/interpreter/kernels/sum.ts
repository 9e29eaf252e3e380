/**
 * SUM: float32 sums in input order with float32 rounding (reference_ops::ReduceGeneric); int32
 * sums wrap like C's int32 adds. Quantized (int8, uint8, int16) sums follow TFLite Micro's
 * reduce (QuantizedMeanOrSum with compute_sum): MBQM(Σq - in_zp * count, M(in_scale/out_scale))
 * + out_zp, saturated. TFLite (non-micro) takes a plain wrapping Σq when input and output share
 * parameters, which ignores the zero point; the micro form is the arithmetically correct one and
 * agrees with it whenever the zero point is 0 and nothing overflows.
 */
import { qRange } from '../../quant/math';
import type { EvalFn, Kernel, OpContext } from '../types';
import { perTensorParams } from './common/conv';
import { applyMeanOrSumQuant, meanOrSumQuant, planReduce, reduceSum, reduceSumFloat32 } from './reduce';

type QArray = Int8Array | Uint8Array | Int16Array;

export const kernel: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const input = ctx.input(0);
    const output = ctx.output(0);
    if (input.dtype !== output.dtype) ctx.unsupported('input and output dtypes differ');
    const plan = planReduce(ctx, input, ctx.input(1), Boolean(ctx.options?.keepDims));
    output.shape = plan.outShape;
    if (input.dtype === 'float32') {
      return () => reduceSumFloat32(input.data as Float32Array, plan, output.data as Float32Array);
    }
    if (input.dtype === 'int32') {
      return () => {
        const x = input.data as Int32Array;
        const out = output.data as Int32Array;
        out.fill(0);
        const map = plan.outIndex;
        for (let k = 0; k < map.length; k++) out[map[k]] = (out[map[k]] + x[k]) | 0;
      };
    }
    if (input.dtype !== 'int8' && input.dtype !== 'uint8' && input.dtype !== 'int16')
      ctx.unsupported(`SUM on ${input.dtype}`);
    const inQ = perTensorParams(ctx, input, 'input');
    const outQ = perTensorParams(ctx, output, 'output');
    if (input.dtype === 'int16' && (inQ.zeroPoint !== 0 || outQ.zeroPoint !== 0)) {
      ctx.unsupported('int16 activations must have zero point 0');
    }
    const [qmin, qmax] = qRange(input.dtype);
    const n = plan.reducedCount;
    const q = meanOrSumQuant(inQ.scale, outQ.scale, inQ.zeroPoint, outQ.zeroPoint, n, true, qmin, qmax);
    const sums = new Float64Array(plan.outCount);
    return () => {
      reduceSum(input.data as QArray, plan, sums);
      applyMeanOrSumQuant(sums, n, q, output.data as QArray);
    };
  },
};
