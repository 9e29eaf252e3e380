/**
 * Integer-only LSTM, TFLite's 8x8->16 scheme (lstm.cc PopulateQuantizedLstmParams8x8_16 +
 * lstm_eval.cc LstmStepInteger8x8_16), without layer norm, peephole or projection:
 *  - gate pre-activations are int16 in Q3.12 (intermediate scale 2^-12): for the input and
 *    recurrent halves separately, acc = effective_bias + sum(q_x * q_w) (int32, exact),
 *    scaled by MultiplyByQuantizedMultiplier(acc, m, s) with m, s from
 *    float(float(w_scale * x_scale) / 2^-12), and added with int16 saturation;
 *    effective_bias = bias - x_zp * rowsum(W) (recurrent half: -h_zp * rowsum(R)).
 *  - gates: gemmlowp logistic / tanh of Q3.12 -> Q0.15 (quant/fixedpoint.ts).
 *  - cell (int16, scale 2^cell_scale): c = RDBPOT(f * c, 15) + RDBPOT(i * g, 30 + cell_scale),
 *    each product narrowed to int16, the sum saturated, then clipped to ±quantized_cell_clip.
 *  - hidden: tanh of c read with 15 + cell_scale integer bits, times the output gate, scaled by
 *    float(2^-15 / hidden_scale * 2^-15) into int8 around hidden_zp, saturated.
 * All intermediate widths and wraps follow the C++ types (int16 stores wrap, int32 accumulators
 * cannot overflow: |acc| <= 128 * 128 * n_input + |bias| < 2^31 for n_input < 2^16).
 */
import { logisticFixed, tanhFixed } from '../../../quant/fixedpoint';
import { mbqm, quantizeMultiplier, rdbpot } from '../../../quant/math';
import { perTensor } from './kernel-util';
import type { OpContext, RtTensor } from '../../types';
import type { LstmGateTensors, LstmOperands } from './lstm-tensors';
import { rowIndex } from './lstm-tensors';

const f = Math.fround;
const GATE_SCALE = 2 ** -12;

export interface IntegerGate {
  w: Int8Array;
  r: Int8Array;
  inputBias: Int32Array;
  recurrentBias: Int32Array;
  inputMultiplier: number;
  inputShift: number;
  recurrentMultiplier: number;
  recurrentShift: number;
}

export interface IntegerLstmParams {
  gates: [IntegerGate | null, IntegerGate, IntegerGate, IntegerGate];
  cellScale: number;
  cellClip: number;
  hiddenMultiplier: number;
  hiddenShift: number;
  hiddenZp: number;
  /** Cell-gate activation: 4 tanh or 6 sigmoid. */
  cellActivation: number;
}

/** weight scale (symmetric int8, per-tensor), refusing per-channel or nonzero zero points. */
function weightScale(ctx: OpContext, t: RtTensor, what: string): number {
  if (t.dtype !== 'int8') ctx.unsupported(`${what} dtype ${t.dtype}; integer LSTM needs int8 weights`);
  const q = perTensor(ctx, t, what);
  if (q.zeroPoint !== 0) ctx.unsupported(`${what} has zero point ${q.zeroPoint}; weights must be symmetric`);
  return q.scale;
}

/** bias[row] + zp * sum_col(W[row, col]) (PrecomputeZeroPointTimesWeightWithBias). */
export function effectiveBias(
  w: Int8Array,
  rows: number,
  cols: number,
  zp: number,
  bias: Int32Array | null,
): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += w[r * cols + c];
    out[r] = (bias ? bias[r] : 0) + zp * sum;
  }
  return out;
}

/** tflite::CheckedLog2: the exponent of a power-of-two scale, or null when it is not one. */
export function checkedLog2(x: number): number | null {
  const l = f(f(Math.log(x)) * f(1 / f(Math.log(2))));
  const r = Math.round(l);
  return Math.abs(l - r) < 1e-3 ? r : null;
}

export function prepareIntegerLstm(
  ctx: OpContext,
  o: LstmOperands,
  activation: number,
  cellClipReal: number,
  projClipReal: number,
): IntegerLstmParams {
  if (o.hasLayerNorm) ctx.unsupported('integer LSTM with layer normalization');
  if (o.peephole.some((p) => p !== null)) ctx.unsupported('integer LSTM with peephole weights');
  if (o.projectionWeights) ctx.unsupported('integer LSTM with projection');
  if (projClipReal > 0 && !o.projectionWeights) {
    // proj_clip without projection has no effect in TFLite; nothing to do
  }
  if (activation !== 4 && activation !== 6)
    ctx.unsupported(`integer LSTM cell activation ${activation} (TANH or SIGMOID only)`);
  if (o.output.dtype !== 'int8' || o.outputState.dtype !== 'int8')
    ctx.unsupported('integer LSTM needs int8 output and output state');
  if (o.cellState.dtype !== 'int16')
    ctx.unsupported(`integer LSTM cell state dtype ${o.cellState.dtype}; expected int16`);
  if (ctx.intermediates.length !== 5)
    ctx.unsupported(`integer LSTM needs 5 intermediate tensors, model has ${ctx.intermediates.length}`);
  const x = perTensor(ctx, o.input, 'input');
  const h = perTensor(ctx, o.outputState, 'output state');
  const c = perTensor(ctx, o.cellState, 'cell state');
  const hidden = perTensor(ctx, ctx.intermediates[4], 'hidden intermediate');
  const cellScale = checkedLog2(c.scale);
  if (cellScale === null || cellScale > -9)
    ctx.unsupported(`cell state scale ${c.scale} must be a power of two <= 2^-9`);
  if (15 + cellScale < 0 || 15 + cellScale > 6)
    ctx.unsupported(`cell state scale 2^${cellScale} gives tanh integer bits outside [0, 6]`);
  const gate = (g: LstmGateTensors | null, name: string): IntegerGate | null => {
    if (!g) return null;
    const ws = weightScale(ctx, g.inputWeights, `input_to_${name}_weights`);
    const rs = weightScale(ctx, g.recurrentWeights, `recurrent_to_${name}_weights`);
    if (g.bias.dtype !== 'int32') ctx.unsupported(`${name}_gate_bias dtype ${g.bias.dtype}; expected int32`);
    const im = quantizeMultiplier(f(f(f(ws) * f(x.scale)) / GATE_SCALE));
    const rm = quantizeMultiplier(f(f(f(rs) * f(h.scale)) / GATE_SCALE));
    const w = g.inputWeights.data as Int8Array;
    const r = g.recurrentWeights.data as Int8Array;
    return {
      w,
      r,
      inputBias: effectiveBias(w, o.nCell, o.nInput, -x.zeroPoint, g.bias.data as Int32Array),
      recurrentBias: effectiveBias(r, o.nCell, o.nOutput, -h.zeroPoint, null),
      inputMultiplier: im.multiplier,
      inputShift: im.shift,
      recurrentMultiplier: rm.multiplier,
      recurrentShift: rm.shift,
    };
  };
  const hm = quantizeMultiplier(f((2 ** -15 / f(hidden.scale)) * 2 ** -15));
  let cellClip = 0;
  if (cellClipReal > 0)
    cellClip = Math.trunc(Math.min(Math.max(f(f(cellClipReal) / f(c.scale)), -32768), 32767));
  return {
    gates: [
      gate(o.inputGate, 'input'),
      gate(o.forgetGate, 'forget')!,
      gate(o.cellGate, 'cell')!,
      gate(o.outputGate, 'output')!,
    ],
    cellScale,
    cellClip,
    hiddenMultiplier: hm.multiplier,
    hiddenShift: hm.shift,
    hiddenZp: hidden.zeroPoint,
    cellActivation: activation,
  };
}

/**
 * gemmlowp logistic/tanh on an int16 input are pure functions of the 65536 possible codes, each
 * costing dozens of fixed-point steps; results are memoised per (function, integer bits) so a
 * sequence pays for each distinct code once. Shared across kernels: the values never change.
 */
const memo = new Map<string, { values: Int16Array; known: Uint8Array }>();
function memoised(kind: 'sigmoid' | 'tanh', intBits: number): (raw: number) => number {
  const key = `${kind}${intBits}`;
  let m = memo.get(key);
  if (!m) {
    m = { values: new Int16Array(65536), known: new Uint8Array(65536) };
    memo.set(key, m);
  }
  const { values, known } = m;
  return (raw) => {
    const i = raw + 32768;
    if (known[i] === 0) {
      values[i] = kind === 'sigmoid' ? logisticFixed(16, raw, intBits) : tanhFixed(16, raw, intBits);
      known[i] = 1;
    }
    return values[i];
  };
}

const sat16 = (v: number) => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);
const wrap16 = (v: number) => (v << 16) >> 16;

/** MatrixBatchVectorMultiplyAccumulate (int8 x int8 -> int16, accumulating into `gate`), one batch row. */
function accumulate(
  w: Int8Array,
  bias: Int32Array,
  vec: Int8Array,
  vOff: number,
  cols: number,
  multiplier: number,
  shift: number,
  gate: Int16Array,
): void {
  for (let row = 0; row < gate.length; row++) {
    let acc = bias[row];
    const base = row * cols;
    for (let k = 0; k < cols; k++) acc += vec[vOff + k] * w[base + k];
    gate[row] = sat16(mbqm(acc, multiplier, shift) + gate[row]);
  }
}

export function makeIntegerLstm(o: LstmOperands, p: IntegerLstmParams): () => void {
  const { nBatch, nTime, nInput, nCell, nOutput } = o;
  const bufs = [new Int16Array(nCell), new Int16Array(nCell), new Int16Array(nCell), new Int16Array(nCell)];
  const [iBuf, fBuf, gBuf, oBuf] = bufs;
  const tanhBits = 15 + p.cellScale;
  const cellProductShift = 30 + p.cellScale;
  const sigmoidQ3 = memoised('sigmoid', 3);
  const tanhQ3 = memoised('tanh', 3);
  const tanhCell = memoised('tanh', tanhBits);
  const computeGate = (
    k: number,
    x: Int8Array,
    xOff: number,
    h: Int8Array,
    hOff: number,
    act: 'sigmoid' | 'tanh',
  ) => {
    const g = p.gates[k]!;
    const buf = bufs[k];
    buf.fill(0);
    accumulate(g.w, g.inputBias, x, xOff, nInput, g.inputMultiplier, g.inputShift, buf);
    accumulate(g.r, g.recurrentBias, h, hOff, nOutput, g.recurrentMultiplier, g.recurrentShift, buf);
    const fn = act === 'sigmoid' ? sigmoidQ3 : tanhQ3;
    for (let j = 0; j < nCell; j++) buf[j] = fn(buf[j]);
  };
  return () => {
    const x = o.input.data as Int8Array;
    const out = o.output.data as Int8Array;
    const hState = o.outputState.data as Int8Array;
    const cState = o.cellState.data as Int16Array;
    for (let b = 0; b < nBatch; b++) {
      const hOff = b * nOutput;
      const cOff = b * nCell;
      for (let t = 0; t < nTime; t++) {
        const row = rowIndex(o, b, t);
        const xOff = row * nInput;
        computeGate(1, x, xOff, hState, hOff, 'sigmoid');
        computeGate(2, x, xOff, hState, hOff, p.cellActivation === 4 ? 'tanh' : 'sigmoid');
        if (p.gates[0]) computeGate(0, x, xOff, hState, hOff, 'sigmoid');
        else for (let j = 0; j < nCell; j++) iBuf[j] = 32767 - fBuf[j]; // CIFG: Sub1Vector
        // UpdateLstmCellInteger
        for (let j = 0; j < nCell; j++) {
          const fc = wrap16(rdbpot(fBuf[j] * cState[cOff + j], 15));
          const ig = wrap16(rdbpot(iBuf[j] * gBuf[j], cellProductShift));
          let c = sat16(fc + ig);
          if (p.cellClip > 0) c = c > p.cellClip ? p.cellClip : c < -p.cellClip ? -p.cellClip : c;
          cState[cOff + j] = c;
        }
        computeGate(3, x, xOff, hState, hOff, 'sigmoid');
        // CalculateLstmOutputInteger8x8_16 without projection: hidden becomes the output state
        for (let j = 0; j < nCell; j++) {
          const th = tanhCell(cState[cOff + j]);
          let v = mbqm(oBuf[j] * th, p.hiddenMultiplier, p.hiddenShift) + p.hiddenZp;
          v = v < -128 ? -128 : v > 127 ? 127 : v;
          hState[hOff + j] = v;
        }
        out.set(hState.subarray(hOff, hOff + nOutput), row * nOutput);
      }
    }
  };
}
