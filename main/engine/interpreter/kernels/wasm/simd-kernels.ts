/**
 * The WebAssembly SIMD kernels for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: each runs the
 * reference TypeScript kernel's prepare first (every check, the output shape, the reference eval),
 * then, for the integer cases with int32 accumulators (int8, uint8; CONV_2D also 16x8 with an
 * int32 bias) and constant weights, returns the SIMD eval (int-conv-wasm.ts), whose outputs are
 * the reference's bit for bit. Every other case (float32, hybrid, int64 accumulators, grouped
 * convolution, no WebAssembly SIMD) keeps the reference eval.
 *
 * The default kernel registry (kernels/index.ts) uses these; `Interpreter.create(model,
 * { reference: true })` (CLI `--reference`) uses the reference kernels only.
 */
import type { EvalFn, Kernel, OpContext, RtTensor } from '../../types';
import { biasDtypesFor, biasValues, convQuant } from '../common/conv';
import { fcGeometry } from '../common/fully-connected-geometry';
import { convShape, kernel as conv2dReference } from '../conv_2d';
import { depthwiseShape, kernel as depthwiseReference } from '../depthwise_conv_2d';
import { quantizedFcParams, kernel as fullyConnectedReference } from '../fully_connected';
import {
  prepareConvSimd,
  prepareDepthwiseSimd,
  prepareFullyConnectedSimd,
  simdAvailable,
  type IntConvEval,
  type IntKind,
} from './int-conv-wasm';

type IntArray = Int8Array | Uint8Array | Int16Array;

/** int8 or uint8 activations (int16 only where the caller allows an int32 accumulator). */
function int8Or16(t: RtTensor, allowInt16: boolean): boolean {
  return t.dtype === 'int8' || t.dtype === 'uint8' || (allowInt16 && t.dtype === 'int16');
}

/** The activation dtype of an integer operator (checked by int8Or16). */
const kind = (t: RtTensor) => t.dtype as IntKind;

function bind(run: IntConvEval | null, input: RtTensor, output: RtTensor, reference: EvalFn): EvalFn {
  if (!run) return reference;
  return () => run(input.data as IntArray, output.data as IntArray);
}

export const conv2dSimd: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const reference = conv2dReference.prepare(ctx);
    const input = ctx.input(0);
    const filter = ctx.input(1);
    const bias = ctx.inputs[2] ?? null;
    const output = ctx.output(0);
    // 16x8 accumulates in int32 only with an int32 bias (else int64: reference).
    const int32Acc = input.dtype !== 'int16' || bias?.dtype === 'int32';
    if (!simdAvailable() || !int8Or16(input, true) || !int32Acc || !filter.isConst) return reference;
    const s = convShape(ctx, input, filter, output);
    if (s.kC !== s.inC) return reference; // grouped convolution
    const q = convQuant(ctx, input, filter, output, s.outC, 0, ctx.options.fusedActivationFunction);
    const b = biasValues(ctx, bias, s.outC, biasDtypesFor(input.dtype));
    const run = prepareConvSimd(
      kind(input),
      s,
      filter.data as Int8Array | Uint8Array,
      q.filterOffset,
      q.inputOffset,
      b,
      q,
    );
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
    // 16x8 depthwise always accumulates in int64: reference.
    if (!simdAvailable() || !int8Or16(input, false) || !filter.isConst) return reference;
    const s = depthwiseShape(ctx, input, filter, output);
    const q = convQuant(ctx, input, filter, output, s.outC, 3, ctx.options.fusedActivationFunction);
    const b = biasValues(ctx, bias, s.outC, biasDtypesFor(input.dtype));
    const filterData = filter.data as Int8Array | Uint8Array;
    const run = prepareDepthwiseSimd(
      kind(input),
      s,
      s.depthMultiplier,
      filterData,
      q.filterOffset,
      q.inputOffset,
      b,
      q,
    );
    return bind(run, input, output, reference);
  },
};

export const fullyConnectedSimd: Kernel = {
  prepare(ctx: OpContext): EvalFn {
    const reference = fullyConnectedReference.prepare(ctx);
    const input = ctx.input(0);
    const weights = ctx.input(1);
    const bias = ctx.inputs[2] ?? null;
    const out = ctx.output(0);
    const constBias = !bias || (bias.isConst && bias.dtype === 'int32');
    if (!simdAvailable() || !int8Or16(input, false) || !weights.isConst || !constBias) return reference;
    const g = fcGeometry(ctx, input, weights, bias, out);
    const p = quantizedFcParams(ctx, { g, input, weights, bias, out });
    const b = bias ? Float64Array.from(bias.data as Int32Array) : null;
    const q = { outputOffset: p.outOff, multipliers: p.mult, shifts: p.shift, actMin: p.lo, actMax: p.hi };
    const w = weights.data as Int8Array | Uint8Array;
    const run = prepareFullyConnectedSimd(kind(input), g.batches, g.units, g.depth, w, p.wOff, p.inOff, b, q);
    return bind(run, input, out, reference);
  },
};
