/**
 * CONCATENATION along `axis` (negative counts from the end).
 *  - float32 / int32 / int64 / bool: plain copy. Fused activations are refused, as in TFLite.
 *  - uint8 / int8 / int16: an input whose scale or zero point differs from the output's is requantized
 *    with TFLite's ConcatenationWithScaling arithmetic, which is single-precision float:
 *      scale = float(in_scale) * (1.f / float(out_scale)); bias = -in_zp * scale;
 *      q = int(round_half_away(q_in * scale + bias)) + out_zp, clamped to the dtype range.
 *    (TFLite's current kernel does this for uint8 and int16; its tests' mixed-range goldens for
 *    both are reproduced in concatenation.test.ts. int8 uses the same formula.)
 *    Every float operation is rounded to float32 (Math.fround) to reproduce it; the reference
 *    is compiled without FMA contraction on the reference path, which we assume.
 */
import { clamp, qRange, roundAwayFromZero } from '../../quant/math';
import { dtypeBytes } from '../../tensor/dtype';
import type { Kernel, RtTensor } from '../types';
import type { TypedArray } from '../../tensor/dtype';
import { normalizeAxis, outerInner } from './common/layout';
import { isQuantDtype, perTensor } from './common/kernel-util';

const f = Math.fround;

interface Piece {
  tensor: RtTensor;
  /** Elements this input contributes per outer index (its axis size times the inner size). */
  chunk: number;
  /** null: copy as-is; otherwise requantize with these float32 constants. */
  requant: { scale: number; bias: number } | null;
}

/** Copies the inputs' chunks in turn for each outer index (the product of dims before axis). */
export function concatData(
  pieces: ReadonlyArray<{ data: TypedArray; chunk: number; requant: { scale: number; bias: number } | null }>,
  outer: number,
  output: TypedArray,
  outZeroPoint: number,
  qmin: number,
  qmax: number,
): void {
  const out = output as any;
  let o = 0;
  for (let b = 0; b < outer; b++) {
    for (const p of pieces) {
      const src = p.data as any;
      const start = b * p.chunk;
      if (p.requant === null) {
        for (let j = 0; j < p.chunk; j++) out[o++] = src[start + j];
      } else {
        const { scale, bias } = p.requant;
        for (let j = 0; j < p.chunk; j++) {
          const v = roundAwayFromZero(f(f(src[start + j] * scale) + bias)) + outZeroPoint;
          out[o++] = clamp(v, qmin, qmax);
        }
      }
    }
  }
}

export const kernel: Kernel = {
  prepare(ctx) {
    const output = ctx.output(0);
    const inputs: RtTensor[] = ctx.inputs.map((_, i) => ctx.input(i));
    if (inputs.length === 0) ctx.invalid('no inputs');
    const first = inputs[0];
    const rank = first.shape.length;
    const dtype = first.dtype;
    if (dtypeBytes(dtype) === 0 || dtype === 'complex64' || dtype === 'float16')
      ctx.unsupported(`dtype ${dtype}`);
    const opts = ctx.options ?? { axis: 0, fusedActivationFunction: 0 };
    const axis = normalizeAxis(ctx, opts.axis ?? 0, rank);
    const act: number = opts.fusedActivationFunction ?? 0;
    if (output.dtype !== dtype) ctx.invalid(`output dtype ${output.dtype} differs from input ${dtype}`);
    let axisTotal = 0;
    for (const [i, t] of inputs.entries()) {
      if (t.dtype !== dtype) ctx.invalid(`input ${i} dtype ${t.dtype} differs from input 0 (${dtype})`);
      if (t.shape.length !== rank) ctx.invalid(`input ${i} has rank ${t.shape.length}, input 0 has ${rank}`);
      for (let d = 0; d < rank; d++)
        if (d !== axis && t.shape[d] !== first.shape[d])
          ctx.invalid(`input ${i} dim ${d} is ${t.shape[d]}, input 0 has ${first.shape[d]}`);
      axisTotal += t.shape[axis];
    }
    const { outer, inner } = outerInner(first.shape, axis);
    output.shape = first.shape.map((d, i) => (i === axis ? axisTotal : d));

    let qmin = 0;
    let qmax = 0;
    let outQ: { scale: number; zeroPoint: number } = { scale: 1, zeroPoint: 0 };
    const pieces: Piece[] = inputs.map((t) => ({ tensor: t, chunk: t.shape[axis] * inner, requant: null }));
    // TFLite's kernel requires activation NONE (a documented limitation of its implementation).
    if (act !== 0) ctx.unsupported(`fused activation ${act} on concatenation`);
    if (isQuantDtype(dtype)) {
      [qmin, qmax] = qRange(dtype);
      outQ = perTensor(ctx, output, 'output');
      const invOut = f(1 / f(outQ.scale));
      for (const [i, p] of pieces.entries()) {
        const q = perTensor(ctx, p.tensor, `input ${i}`);
        if (q.scale === outQ.scale && q.zeroPoint === outQ.zeroPoint) continue;
        const scale = f(f(q.scale) * invOut);
        p.requant = { scale, bias: f(-q.zeroPoint * scale) };
      }
    }
    return () =>
      concatData(
        pieces.map((p) => ({ data: p.tensor.data, chunk: p.chunk, requant: p.requant })),
        outer,
        output.data,
        outQ.zeroPoint,
        qmin,
        qmax,
      );
  },
};
