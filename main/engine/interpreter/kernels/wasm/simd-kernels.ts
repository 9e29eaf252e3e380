/**
 * The WebAssembly SIMD kernels for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: each runs the
 * reference TypeScript kernel's prepare first (every check, the output shape, the reference eval),
 * then, with constant weights, returns the SIMD eval for the integer cases with int32 accumulators
 * (int8, uint8; CONV_2D also 16x8 with an int32 bias; int-conv-wasm.ts), whose outputs are the
 * reference's bit for bit, and for float32 (float-conv-wasm.ts: FULLY_CONNECTED bit for bit;
 * CONV_2D and DEPTHWISE_CONV_2D sum in float32, within float32 rounding of the reference's double
 * sums). Every other case (hybrid,
 * int64 accumulators, grouped convolution, non-finite float weights, no WebAssembly SIMD) keeps
 * the reference eval.
 *
 * The default kernel registry (kernels/index.ts) uses these; `Interpreter.create(model,
 * { reference: true })` (CLI `--reference`) uses the reference kernels only.
 */
import { activationRangeFloat, activationRangeQuantized } from '../../../quant/math';
import type { EvalFn, Kernel, OpContext, RtTensor } from '../../types';
import { biasDtypesFor, biasValues, checkedActivation, convQuant, floatActivation } from '../common/conv';
import { poolShape, requireSameQuant } from '../common/pooling';
import { kernel as maxPoolReference } from '../max_pool_2d';
import { prepareAvgPoolSimd, prepareMaxPoolSimd, prepareSpatialSumSimd, type PoolKind } from './pool-wasm';
import { meanKernel } from '../mean';
import { kernel as averagePoolReference } from '../average_pool_2d';
import { kernel as softmaxReference } from '../softmax';
import { add8Table, kernel as addReference } from '../add';
import { prepareAddLutSimd } from './add-wasm';
import { prepareSoftmax8Fast } from '../common/softmax-quant';
import { numElements } from '../../../tensor/dtype';
import { fusedActivation } from '../common/kernel-util';
import { fcGeometry } from '../common/fully-connected-geometry';
import {
  smallFcFloat,
  smallFcInt,
  smallFullyConnected,
  tableFcInt,
  TABLE_MAX_UNITS,
} from '../common/fully-connected-small';
import { convShape, kernel as conv2dReference } from '../conv_2d';
import { depthwiseShape, kernel as depthwiseReference } from '../depthwise_conv_2d';
import { quantizedFcParams, kernel as fullyConnectedReference } from '../fully_connected';
import {
  prepareConvSimd,
  prepareDepthwiseSimd,
  prepareFullyConnectedSimd,
  type IntConvEval,
  type IntKind,
} from './int-conv-wasm';
import { simdAvailable } from './conv-module';
import { prepareDepthwiseFusedSimd } from './dw-int-wasm';
import {
  prepareConvFloatSimd,
  prepareDepthwiseFloatSimd,
  prepareFullyConnectedFloatSimd,
  type FloatConvEval,
} from './float-conv-wasm';

/** int8 or uint8 activations (int16 only where the caller allows an int32 accumulator). */
function int8Or16(t: RtTensor, allowInt16: boolean): boolean {
  return t.dtype === 'int8' || t.dtype === 'uint8' || (allowInt16 && t.dtype === 'int16');
}

/** float32 input, weights and output (not hybrid). */
function allFloat(input: RtTensor, weights: RtTensor, output: RtTensor): boolean {
  return input.dtype === 'float32' && weights.dtype === 'float32' && output.dtype === 'float32';
}

/** The activation dtype of an integer operator (checked by int8Or16). */
const kind = (t: RtTensor) => t.dtype as IntKind;

function bind(
  run: IntConvEval | FloatConvEval | null | ReturnType<typeof prepareMaxPoolSimd | typeof prepareAvgPoolSimd>,
  input: RtTensor,
  output: RtTensor,
  reference: EvalFn,
): EvalFn {
  if (!run) return reference;
  const f = run as (x: RtTensor['data'], y: RtTensor['data']) => void; // dtypes checked in prepare
  return () => f(input.data, output.data);
}

export const conv2dSimd: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const reference = conv2dReference.prepare(ctx);
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.inputs[2] ?? null;
    const output = ctx.output(0);
    const activation = ctx.options.fusedActivationFunction;
    if (!simdAvailable() || !filter.isConst) return reference;
    const float = allFloat(input, filter, output);
    // 16x8 accumulates in int32 only with an int32 bias (else int64: reference).
    const int32Acc = input.dtype !== 'int16' || bias?.dtype === 'int32';
    if (!float && !(int8Or16(input, true) && int32Acc)) return reference;
    const s = convShape(ctx, input, filter, output);
    if (s.kC !== s.inC) return reference; // grouped convolution
    if (float) {
      const [lo, hi] = floatActivation(ctx, activation);
      const b = biasValues(ctx, bias, s.outC, ['float32']);
      return bind(prepareConvFloatSimd(s, filter.data as Float32Array, b, lo, hi), input, output, reference);
    }
    const q = convQuant(ctx, input, filter, output, s.outC, 0, activation);
    const b = biasValues(ctx, bias, s.outC, biasDtypesFor(input.dtype));
    const w = filter.data as Int8Array | Uint8Array;
    const run = prepareConvSimd(kind(input), s, w, q.filterOffset, q.inputOffset, b, q);
    return bind(run, input, output, reference);
  },
};

export const depthwiseConv2dSimd: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const reference = depthwiseReference.prepare(ctx);
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.inputs[2] ?? null;
    const output = ctx.output(0);
    const activation = ctx.options.fusedActivationFunction;
    const float = allFloat(input, filter, output);
    // 16x8 depthwise always accumulates in int64: reference.
    if (!simdAvailable() || !filter.isConst || !(float || int8Or16(input, false))) return reference;
    const s = depthwiseShape(ctx, input, filter, output);
    const dm = s.depthMultiplier;
    if (float) {
      const [lo, hi] = floatActivation(ctx, activation);
      const b = biasValues(ctx, bias, s.outC, ['float32']);
      const run = prepareDepthwiseFloatSimd(s, dm, filter.data as Float32Array, b, lo, hi);
      return bind(run, input, output, reference);
    }
    const q = convQuant(ctx, input, filter, output, s.outC, 3, activation);
    const b = biasValues(ctx, bias, s.outC, biasDtypesFor(input.dtype));
    const w = filter.data as Int8Array | Uint8Array;
    const k = kind(input);
    // 8-bit with whole groups of eight output channels: sums and requantization fused (dw-int-wasm.ts).
    const fused =
      k !== 'int16' ? prepareDepthwiseFusedSimd(k, s, dm, w, q.filterOffset, q.inputOffset, b, q) : null;
    const run = fused ?? prepareDepthwiseSimd(k, s, dm, w, q.filterOffset, q.inputOffset, b, q);
    return bind(run, input, output, reference);
  },
};

/**
 * FULLY_CONNECTED: with `small`, an operator within smallFullyConnected's limits, or 8-bit of
 * depth 1 (tableFcInt), runs the TypeScript kernels of fully-connected-small.ts (same outputs; a
 * WebAssembly call costs more than its arithmetic), any other in WebAssembly SIMD where it can.
 */
function prepareFullyConnected(ctx: OpContext, small: boolean): EvalFn {
  const reference = fullyConnectedReference.prepare(ctx);
  const input = ctx.input(0);
  const weights = ctx.input(1);
  const bias = ctx.inputs[2] ?? null;
  const out = ctx.output(0);
  const float = allFloat(input, weights, out);
  const constBias = !bias || (bias.isConst && bias.dtype === (float ? 'float32' : 'int32'));
  if (!weights.isConst || !constBias) return reference;
  if (!float && !int8Or16(input, false)) return reference;
  const g = fcGeometry(ctx, input, weights, bias, out);
  // 8-bit of depth 1: a table of every input value's outputs (tableFcInt)
  const eightBit = input.dtype === 'int8' || input.dtype === 'uint8';
  const table = small && eightBit && g.depth === 1 && g.units <= TABLE_MAX_UNITS;
  small &&= table || smallFullyConnected(g, float);
  if (!small && !simdAvailable()) return reference;
  if (float) {
    const [lo, hi] = activationRangeFloat(fusedActivation(ctx));
    const b = bias ? (bias.data as Float32Array) : null;
    const w = weights.data as Float32Array;
    if (small) return smallFcFloat(g, input, w, b, out, lo, hi);
    const run = prepareFullyConnectedFloatSimd(g.batches, g.units, g.depth, w, b, lo, hi);
    return bind(run, input, out, reference);
  }
  const p = quantizedFcParams(ctx, { g, input, weights, bias, out });
  const w = weights.data as Int8Array | Uint8Array;
  if (table) return tableFcInt(g, input, w, bias ? (bias.data as Int32Array) : null, out, p);
  if (small) return smallFcInt(g, input, w, bias ? (bias.data as Int32Array) : null, out, p);
  const b = bias ? Float64Array.from(bias.data as Int32Array) : null;
  const q = { outputOffset: p.outOff, multipliers: p.mult, shifts: p.shift, actMin: p.lo, actMax: p.hi };
  const run = prepareFullyConnectedSimd(kind(input), g.batches, g.units, g.depth, w, p.wOff, p.inOff, b, q);
  return bind(run, input, out, reference);
}

/** FULLY_CONNECTED in WebAssembly SIMD whatever its size (the reference where it cannot). */
export const fullyConnectedSimd: Kernel = {
  prepare: (ctx) => prepareFullyConnected(ctx, false),
};

/**
 * FULLY_CONNECTED as the default registry runs it: small operators (hello_world's) in
 * fully-connected-small.ts, the others as fullyConnectedSimd.
 */
export const fullyConnectedBySize: Kernel = {
  prepare: (ctx) => prepareFullyConnected(ctx, true),
};

/** MAX_POOL_2D: int8, uint8, int16 and float32 in WebAssembly SIMD (pool-wasm.ts). */
export const maxPool2dSimd: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const reference = maxPoolReference.prepare(ctx);
    const input = ctx.input(0);
    const output = ctx.output(0);
    const float = input.dtype === 'float32';
    if (!simdAvailable() || !(float || int8Or16(input, true)) || input.dtype !== output.dtype)
      return reference;
    const s = poolShape(ctx, input, output);
    const act = ctx.options.fusedActivationFunction;
    let lo: number;
    let hi: number;
    if (float) [lo, hi] = floatActivation(ctx, act);
    else {
      const q = requireSameQuant(ctx, input, output);
      [lo, hi] = activationRangeQuantized(
        checkedActivation(ctx, act),
        q.scale,
        q.zeroPoint,
        input.dtype as 'int8',
      );
    }
    return bind(prepareMaxPoolSimd(input.dtype as PoolKind, s, lo, hi), input, output, reference);
  },
};

/** AVERAGE_POOL_2D: int8 and uint8 in WebAssembly SIMD (pool-wasm.ts); other dtypes keep the reference. */
export const averagePool2dSimd: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const reference = averagePoolReference.prepare(ctx);
    const input = ctx.input(0);
    const output = ctx.output(0);
    if (!simdAvailable() || !(input.dtype === 'int8' || input.dtype === 'uint8')) return reference;
    const s = poolShape(ctx, input, output);
    const q = requireSameQuant(ctx, input, output);
    const act = checkedActivation(ctx, ctx.options.fusedActivationFunction);
    const [lo, hi] = activationRangeQuantized(act, q.scale, q.zeroPoint, input.dtype);
    return bind(prepareAvgPoolSimd(input.dtype, s, lo, hi), input, output, reference);
  },
};

/**
 * SOFTMAX: 8-bit inputs with prepareSoftmax8Fast (the reference's fixed-point method, its output
 * step specialised to non-negative operands; equal outputs); everything else the reference.
 */
export const softmaxFast: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const reference = softmaxReference.prepare(ctx);
    const input = ctx.input(0);
    const out = ctx.output(0);
    if (input.dtype !== 'int8' && input.dtype !== 'uint8') return reference;
    const depth = input.shape[input.shape.length - 1];
    const outer = depth === 0 ? 0 : numElements(input.shape) / depth;
    return prepareSoftmax8Fast(ctx, { input, out, beta: ctx.options?.beta ?? 1, outer, depth });
  },
};

/**
 * ADD of two int8 or uint8 inputs of the output's shape (no broadcasting): the reference's
 * table looked up in WebAssembly (add-wasm.ts); everything else the reference kernel.
 */
export const addSimd: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const reference = addReference.prepare(ctx);
    const [a, b, out] = [ctx.input(0), ctx.input(1), ctx.output(0)];
    const same = (t: RtTensor) =>
      t.shape.length === out.shape.length && t.shape.every((d, i) => d === out.shape[i]);
    if (!simdAvailable() || (out.dtype !== 'int8' && out.dtype !== 'uint8') || !same(a) || !same(b))
      return reference;
    const { table, base } = add8Table(ctx, 1);
    const run = prepareAddLutSimd(table, base, numElements(out.shape));
    if (!run) return reference;
    type B = Int8Array | Uint8Array;
    return () => run(a.data as B, b.data as B, out.data as B);
  },
};

/**
 * MEAN: int8/uint8 inputs reduced over the spatial axes {1, 2} of a 4-D tensor (global average
 * pooling) sum in WebAssembly SIMD (prepareSpatialSumSimd); the rest of the arithmetic is the
 * reference's (mean.ts), and integer sums are exact, so the outputs are the reference's.
 */
export const meanSimd: Kernel = meanKernel((input, plan) => {
  const axes = [...plan.axes].sort((x, y) => x - y);
  if (!simdAvailable() || input.shape.length !== 4 || axes.length !== 2 || axes[0] !== 1 || axes[1] !== 2)
    return null;
  if (input.dtype !== 'int8' && input.dtype !== 'uint8') return null;
  const [b, h, w, c] = input.shape;
  const run = prepareSpatialSumSimd(input.dtype, b, h * w, c);
  return run && ((x, _plan, sums) => run(x, sums));
});
