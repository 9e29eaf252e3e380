/**
 * Shared by LOGISTIC and TANH: parameters and tables of TFLite's integer reference methods.
 *
 * int8 (reference_integer_ops::Logistic/Tanh, TFLite Micro's prepare): the input, minus its zero
 * point, is rescaled to Q4.27 by a Q31 multiplier and left shift derived with frexp from
 * input_scale * 2^27; |input| beyond the input radius saturates; gemmlowp logistic/tanh give a
 * Q0.31 result that is rounded down to 8 bits.
 *
 * int16 (TFLite Micro): inputs are rescaled to 1/(3·4096) units with an integer multiplier and
 * interpolated in a 256-entry table of sigmoid(i/24) in 0.16 fixed point. TFLite ships that
 * table as hand-tuned constants; here it is generated as round(65536·sigmoid(i/24)) (capped at
 * 65535), which differs from TFLite's by 1 in 44 of 256 entries, so int16 LOGISTIC/TANH outputs
 * can differ from TFLite's by at most 1 (TFLite Micro's own tolerance). Everything else is exact.
 */
import { frexp, roundAwayFromZero } from '../../../quant/math';
import { calculateInputRadius } from '../../../quant/softmax-math';
import { numElements } from '../../../tensor/dtype';
import type { EvalFn, OpContext } from '../../types';
import { perTensor } from './kernel-util';

export interface Int8SigmoidParams {
  zeroPoint: number;
  multiplier: number;
  shift: number;
  radius: number;
}

const INPUT_INTEGER_BITS_8 = 4;

export function int8SigmoidParams(scale: number, zeroPoint: number): Int8SigmoidParams {
  const real = scale * 2 ** (31 - INPUT_INTEGER_BITS_8);
  const [q, shift] = frexp(real);
  const multiplier = roundAwayFromZero(q * 2 ** 31);
  return { zeroPoint, multiplier, shift, radius: calculateInputRadius(INPUT_INTEGER_BITS_8, shift, 31) };
}

export interface Int16SigmoidParams {
  multiplier: number;
  leftShift: number;
}

/** tflite CheckedLog2 (approximately: float log, |fraction| < 1e-3). */
function checkedLog2(x: number): { log2: number; pot: boolean } {
  const l = Math.fround(Math.fround(Math.log(x)) * Math.fround(1 / Math.fround(Math.log(2))));
  const r = roundAwayFromZero(l);
  return { log2: r, pot: Math.abs(Math.fround(l - r)) < 1e-3 };
}

/** TFLite Micro's int16 prepare; `allowShiftOne` is true for TANH. Refuses non-POT output scales. */
export function int16SigmoidParams(
  ctx: OpContext,
  inScale: number,
  outScale: number,
  allowShiftOne: boolean,
): Int16SigmoidParams {
  const { log2, pot: inPot } = checkedLog2(inScale);
  let leftShift = 15 - 3 + log2;
  const pot = inPot && (leftShift === 0 || (allowShiftOne && leftShift === 1));
  let multiplier: number;
  if (pot) {
    // Power-of-two case: eval uses 3 << left_shift with no shift.
    multiplier = 3 * 2 ** leftShift;
    leftShift = 0;
  } else {
    let m = inScale * 4096 * 3;
    leftShift = 0;
    while (m <= 32767 / 2 && leftShift <= 30) {
      leftShift++;
      m *= 2;
    }
    multiplier = Math.trunc(m);
  }
  if (multiplier > 32767 * 3) ctx.unsupported(`int16 input scale ${inScale} is too large`);
  const o = checkedLog2(outScale);
  if (!o.pot || o.log2 !== -15) ctx.unsupported(`int16 output scale must be 2^-15 (got ${outScale})`);
  return { multiplier, leftShift };
}

/** sigmoid(i/24) in 0.16 fixed point, i = 0..255 (see the file comment). */
export const SIGMOID_TABLE_U16: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) t[i] = Math.min(65535, Math.round(65536 / (1 + Math.exp(-i / 24))));
  return t;
})();

/** (x * multiplier + round) >> leftShift, as the int16 kernels rescale their input. */
export function rescaleInt16Input(x: number, p: Int16SigmoidParams): number {
  const round = p.leftShift > 0 ? 2 ** (p.leftShift - 1) : 0;
  return Math.floor((x * p.multiplier + round) / 2 ** p.leftShift);
}

/**
 * What LOGISTIC and TANH do differently: the int8 output quantization TFLite requires, whether
 * the int16 prepare allows a shift of one (TANH), and their eval loops per dtype (each op keeps
 * its own loops, so V8's feedback for one never mixes with the other's).
 */
export interface SigmoidFamilyOp {
  name: 'LOGISTIC' | 'TANH';
  int8Output: { scale: number; scaleText: string; zeroPoint: number };
  allowShiftOne: boolean;
  float(x: Float32Array, o: Float32Array, n: number): void;
  int8(x: Int8Array, o: Int8Array, n: number, p: Int8SigmoidParams): void;
  int16(x: Int16Array, o: Int16Array, n: number, p: Int16SigmoidParams): void;
}

/** The shared prepare: dtype and quantization checks, parameters, and the eval for the dtype. */
export function prepareSigmoidFamily(ctx: OpContext, op: SigmoidFamilyOp): EvalFn {
  const input = ctx.input(0);
  const out = ctx.output(0);
  if (input.dtype !== out.dtype) ctx.unsupported('input and output dtypes differ');
  out.shape = [...input.shape];
  const n = numElements(input.shape);
  if (input.dtype === 'float32')
    return () => op.float(input.data as Float32Array, out.data as Float32Array, n);
  const qi = perTensor(ctx, input, 'input');
  const qo = perTensor(ctx, out, 'output');
  if (input.dtype === 'int8') {
    const want = op.int8Output;
    if (qo.zeroPoint !== want.zeroPoint || Math.abs(qo.scale - want.scale) > 1e-3 * want.scale) {
      ctx.unsupported(
        `int8 output must have scale ${want.scaleText} and zero point ${want.zeroPoint} (got ${qo.scale}, ${qo.zeroPoint})`,
      );
    }
    const p = int8SigmoidParams(qi.scale, qi.zeroPoint);
    return () => op.int8(input.data as Int8Array, out.data as Int8Array, n, p);
  }
  if (input.dtype === 'int16') {
    if (qi.zeroPoint !== 0 || qo.zeroPoint !== 0) ctx.unsupported(`int16 ${op.name} needs zero points 0`);
    const p = int16SigmoidParams(ctx, qi.scale, qo.scale, op.allowShiftOne);
    return () => op.int16(input.data as Int16Array, out.data as Int16Array, n, p);
  }
  return ctx.unsupported(`dtype ${input.dtype}`);
}
