/**
 * SVDF (rank-R singular-value-decomposition filter with a memory of M steps), following TFLite
 * Micro's reference (svdf_common.cc), which TFLite's own SVDF matches:
 *  1. the state [batch, filters * M] shifts left by one element (the whole buffer, as the
 *     reference does; the column that crosses a filter boundary is overwritten next);
 *  2. each filter's newest column = weights_feature . input;
 *  3. per filter, state . weights_time; outputs sum `rank` filters each, plus bias;
 *  4. float: fused activation. int8: requantize to the output; the reference applies no
 *     activation on the integer path, so neither do we.
 * Integer arithmetic (int8 input/feature weights, int16 or int8 time weights and state, int32
 * bias): dot = sum(w * (x - x_zp)); state = clamp(state_zp + MBQM(dot, s1)) in the state type;
 * acc = bias + sum(w_t * (state - state_zp)); out = clamp(MBQM(acc, s2) + out_zp) in int8, with
 * s1 = float(x_scale * wf_scale / state_scale), s2 = float(state_scale * wt_scale / out_scale)
 * (float32 products of the float params, as the reference). Sums are exact in doubles and are
 * narrowed to int32 where the reference's int32 accumulators are (Int32Array stores and |0),
 * so an overflowing accumulator wraps exactly as the C++ two's-complement one does.
 */
import { mbqm, quantizeMultiplier } from '../../quant/math';
import { perTensor } from './common/kernel-util';
import type { Kernel, OpContext, RtTensor } from '../types';
import { floatActivation } from './common/lstm-float';

const f = Math.fround;

interface SvdfDims {
  batch: number;
  inputSize: number;
  filters: number;
  units: number;
  memory: number;
  rank: number;
}

function dims(ctx: OpContext): SvdfDims {
  const input = ctx.input(0);
  const wf = ctx.input(1);
  const wt = ctx.input(2);
  const rank: number = ctx.options?.rank ?? 0;
  if (input.shape.length !== 2 || wf.shape.length !== 2 || wt.shape.length !== 2)
    ctx.invalid('input, weights_feature and weights_time must be 2-D');
  const [batch, inputSize] = input.shape;
  const [filters, fIn] = wf.shape;
  if (fIn !== inputSize) ctx.invalid(`weights_feature has ${fIn} columns, input has ${inputSize}`);
  if (!(rank > 0) || filters % rank !== 0) ctx.invalid(`rank ${rank} does not divide ${filters} filters`);
  if (wt.shape[0] !== filters) ctx.invalid(`weights_time has ${wt.shape[0]} rows, expected ${filters}`);
  const memory = wt.shape[1];
  const units = filters / rank;
  const bias = ctx.inputs[3] ?? null;
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== units))
    ctx.invalid(`bias shape [${bias.shape}], expected [${units}]`);
  const state = ctx.input(4);
  if (state.shape.length !== 2 || state.shape[0] !== batch || state.shape[1] !== memory * filters)
    ctx.invalid(`state shape [${state.shape}], expected [${batch}, ${memory * filters}]`);
  return { batch, inputSize, filters, units, memory, rank };
}

function shiftState(state: Float32Array | Int16Array | Int8Array): void {
  state.copyWithin(0, 1);
}

function makeFloat(ctx: OpContext, d: SvdfDims): () => void {
  const act = floatActivation(ctx.options?.fusedActivationFunction ?? 0);
  const [input, wf, wt, state] = [ctx.input(0), ctx.input(1), ctx.input(2), ctx.input(4)];
  const bias = ctx.inputs[3] ?? null;
  const output = ctx.output(0);
  const scratch = new Float64Array(d.filters);
  return () => {
    const x = input.data as Float32Array;
    const w = wf.data as Float32Array;
    const t = wt.data as Float32Array;
    const s = state.data as Float32Array;
    const o = output.data as Float32Array;
    const bb = bias ? (bias.data as Float32Array) : null;
    shiftState(s);
    for (let b = 0; b < d.batch; b++) {
      const sBase = b * d.filters * d.memory;
      for (let j = 0; j < d.filters; j++) {
        let acc = 0;
        for (let k = 0; k < d.inputSize; k++) acc += w[j * d.inputSize + k] * x[b * d.inputSize + k];
        s[sBase + j * d.memory + d.memory - 1] = acc;
      }
      for (let j = 0; j < d.filters; j++) {
        let acc = 0;
        for (let m = 0; m < d.memory; m++) acc += t[j * d.memory + m] * s[sBase + j * d.memory + m];
        scratch[j] = acc;
      }
      for (let u = 0; u < d.units; u++) {
        let acc = bb ? bb[u] : 0;
        for (let r = 0; r < d.rank; r++) acc += scratch[u * d.rank + r];
        o[b * d.units + u] = act(acc);
      }
    }
  };
}

function makeInteger(ctx: OpContext, d: SvdfDims): () => void {
  const [input, wf, wt, state] = [ctx.input(0), ctx.input(1), ctx.input(2), ctx.input(4)];
  const bias: RtTensor | null = ctx.inputs[3] ?? null;
  const output = ctx.output(0);
  if (wf.dtype !== 'int8') ctx.unsupported(`weights_feature dtype ${wf.dtype}`);
  if (wt.dtype !== state.dtype || (state.dtype !== 'int16' && state.dtype !== 'int8'))
    ctx.unsupported(`weights_time ${wt.dtype} with state ${state.dtype} (int16/int16 or int8/int8)`);
  if (output.dtype !== 'int8') ctx.unsupported(`output dtype ${output.dtype}`);
  if (bias && bias.dtype !== 'int32') ctx.unsupported(`bias dtype ${bias.dtype}`);
  const xq = perTensor(ctx, input, 'input');
  const fq = perTensor(ctx, wf, 'weights_feature');
  const tq = perTensor(ctx, wt, 'weights_time');
  const sq = perTensor(ctx, state, 'state');
  const oq = perTensor(ctx, output, 'output');
  const s1 = quantizeMultiplier(f(f(f(xq.scale) * f(fq.scale)) / f(sq.scale)));
  const s2 = quantizeMultiplier(f(f(f(sq.scale) * f(tq.scale)) / f(oq.scale)));
  const [sMin, sMax] = state.dtype === 'int16' ? [-32768, 32767] : [-128, 127];
  const scratch = new Int32Array(d.filters);
  return () => {
    const x = input.data as Int8Array;
    const w = wf.data as Int8Array;
    const t = wt.data as Int16Array | Int8Array;
    const s = state.data as Int16Array | Int8Array;
    const o = output.data as Int8Array;
    const bb = bias ? (bias.data as Int32Array) : null;
    shiftState(s);
    for (let b = 0; b < d.batch; b++) {
      const sBase = b * d.filters * d.memory;
      for (let j = 0; j < d.filters; j++) {
        let dot = 0;
        for (let k = 0; k < d.inputSize; k++)
          dot += w[j * d.inputSize + k] * (x[b * d.inputSize + k] - xq.zeroPoint);
        let v = sq.zeroPoint + mbqm(dot | 0, s1.multiplier, s1.shift);
        v = v < sMin ? sMin : v > sMax ? sMax : v;
        s[sBase + j * d.memory + d.memory - 1] = v;
      }
      for (let j = 0; j < d.filters; j++) {
        let acc = 0;
        for (let m = 0; m < d.memory; m++)
          acc += t[j * d.memory + m] * (s[sBase + j * d.memory + m] - sq.zeroPoint);
        scratch[j] = acc; // Int32Array store wraps like the int32 accumulator
      }
      for (let u = 0; u < d.units; u++) {
        let acc = bb ? bb[u] : 0;
        for (let r = 0; r < d.rank; r++) acc = (acc + scratch[u * d.rank + r]) | 0;
        let v = mbqm(acc, s2.multiplier, s2.shift) + oq.zeroPoint;
        v = v < -128 ? -128 : v > 127 ? 127 : v;
        o[b * d.units + u] = v;
      }
    }
  };
}

export const kernel: Kernel = {
  prepare(ctx) {
    if (ctx.inputs.length !== 5) ctx.invalid(`expected 5 inputs, got ${ctx.inputs.length}`);
    const d = dims(ctx);
    const input = ctx.input(0);
    const output = ctx.output(0);
    output.shape = [d.batch, d.units];
    if (input.dtype === 'float32') {
      for (const t of ctx.inputs)
        if (t && t.dtype !== 'float32') ctx.unsupported(`hybrid SVDF (${t.name} is ${t.dtype})`);
      if (output.dtype !== 'float32') ctx.invalid(`output dtype ${output.dtype}`);
      const act: number = ctx.options?.fusedActivationFunction ?? 0;
      if (![0, 1, 2, 3, 4, 6].includes(act)) ctx.unsupported(`activation ${act}`);
      return makeFloat(ctx, d);
    }
    if (input.dtype === 'int8') return makeInteger(ctx, d);
    return ctx.unsupported(`input dtype ${input.dtype}`);
  },
};
