/**
 * Hybrid LSTM (float32 activations and state, int8 symmetric per-tensor weights, float32 bias),
 * as dynamic-range quantized models use it: TFLite's LstmStepHybrid without peephole, projection
 * or layer norm. Per step and batch row:
 *  - the input x and the previous output h are quantized to int8 (BatchQuantizeFloats):
 *    symmetric: sf = max|v| / 127, q = round_half_away(v * (127 / max|v|)) clamped to ±127
 *    (all-zero rows give q = 0, sf = 1); asymmetric (asymmetric_quantize_inputs): the
 *    min/max-with-zero affine int8 mapping with a nudged zero point, computed in double;
 *  - gate = bias + float(dot(W, q_x) - rowsum(W) * zp_x) * (sf_x * w_scale) + the same for R, h,
 *    accumulated in float32 like the reference's float result vector;
 *  - then the float cell/hidden update of lstm-float.ts.
 * Quantization steps use float32 arithmetic (Math.fround) so the int8 codes match the
 * reference's; the rest is float math within the float tolerance.
 */
import { roundAwayFromZero } from '../../../quant/math';
import { minMaxOf } from '../../../tensor/min-max';
import { perTensor } from './kernel-util';
import type { OpContext } from '../../types';
import { floatActivation, sigmoid } from './lstm-float';
import type { LstmGateTensors, LstmOperands } from './lstm-tensors';
import { rowIndex } from './lstm-tensors';

const f = Math.fround;

export interface QuantizedVector {
  q: Int8Array;
  scale: number;
  zeroPoint: number;
}

/** tensor_utils::SymmetricQuantizeFloats on one row. */
export function symmetricQuantize(v: ArrayLike<number>, off: number, n: number, out: QuantizedVector): void {
  const { min: lo, max: hi } = minMaxOf(v, off, off + n);
  const range = Math.max(Math.abs(lo), Math.abs(hi));
  out.zeroPoint = 0;
  if (range === 0 || n === 0) {
    out.q.fill(0, 0, n);
    out.scale = 1;
    return;
  }
  out.scale = f(range / 127);
  const inv = f(127 / range);
  for (let i = 0; i < n; i++) {
    const r = roundAwayFromZero(f(v[off + i] * inv));
    out.q[i] = r > 127 ? 127 : r < -127 ? -127 : r;
  }
}

/** tensor_utils::AsymmetricQuantizeFloats on one row. */
export function asymmetricQuantize(v: ArrayLike<number>, off: number, n: number, out: QuantizedVector): void {
  const { min: lo, max: hi } = minMaxOf(v, off, off + n);
  const rmin = Math.min(0, lo);
  const rmax = Math.max(0, hi);
  if (rmin === rmax) {
    out.q.fill(0, 0, n);
    out.scale = 1;
    out.zeroPoint = 0;
    return;
  }
  const scale = (rmax - rmin) / 255;
  const zpFromMin = -128 - rmin / scale;
  const zpFromMax = 127 - rmax / scale;
  const zpDouble = 128 + Math.abs(rmin / scale) < 127 + Math.abs(rmax / scale) ? zpFromMin : zpFromMax;
  const zp = zpDouble <= -128 ? -128 : zpDouble >= 127 ? 127 : roundAwayFromZero(zpDouble);
  out.scale = f(scale);
  out.zeroPoint = zp;
  const inv = f(1 / out.scale);
  for (let i = 0; i < n; i++) {
    const r = roundAwayFromZero(f(zp + f(v[off + i] * inv)));
    out.q[i] = r > 127 ? 127 : r < -128 ? -128 : r;
  }
}

interface HybridGate {
  w: Int8Array;
  r: Int8Array;
  wScale: number;
  rScale: number;
  wRowSums: Int32Array;
  rRowSums: Int32Array;
  bias: Float32Array;
}

const rowSums = (w: Int8Array, rows: number, cols: number) => {
  const s = new Int32Array(rows);
  for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) s[i] += w[i * cols + k];
  return s;
};

/** result[row] += float(dot - rowsum * zp) * scale, in float32 (MatrixBatchVectorMultiplyAccumulate). */
function accumulate(
  w: Int8Array,
  sums: Int32Array,
  v: QuantizedVector,
  cols: number,
  scale: number,
  out: Float32Array,
): void {
  for (let row = 0; row < out.length; row++) {
    let dot = 0;
    const base = row * cols;
    for (let k = 0; k < cols; k++) dot += w[base + k] * v.q[k];
    dot -= sums[row] * v.zeroPoint;
    out[row] = out[row] + f(f(dot) * scale);
  }
}

export function makeHybridLstm(
  ctx: OpContext,
  o: LstmOperands,
  activation: number,
  cellClip: number,
  asymmetric: boolean,
): () => void {
  if (o.hasLayerNorm) ctx.unsupported('hybrid LSTM with layer normalization');
  if (o.peephole.some((p) => p !== null)) ctx.unsupported('hybrid LSTM with peephole weights');
  if (o.projectionWeights) ctx.unsupported('hybrid LSTM with projection');
  if (o.outputState.dtype !== 'float32' || o.cellState.dtype !== 'float32')
    ctx.unsupported('hybrid LSTM needs float32 states');
  const gate = (g: LstmGateTensors | null, name: string): HybridGate | null => {
    if (!g) return null;
    for (const t of [g.inputWeights, g.recurrentWeights])
      if (t.dtype !== 'int8') ctx.unsupported(`${name} weights dtype ${t.dtype} in a hybrid LSTM`);
    if (g.bias.dtype !== 'float32') ctx.unsupported(`${name} gate bias dtype ${g.bias.dtype}`);
    const wq = perTensor(ctx, g.inputWeights, `input_to_${name}_weights`);
    const rq = perTensor(ctx, g.recurrentWeights, `recurrent_to_${name}_weights`);
    if (wq.zeroPoint !== 0 || rq.zeroPoint !== 0) ctx.unsupported(`${name} weights must be symmetric`);
    const w = g.inputWeights.data as Int8Array;
    const r = g.recurrentWeights.data as Int8Array;
    return {
      w,
      r,
      wScale: wq.scale,
      rScale: rq.scale,
      wRowSums: rowSums(w, o.nCell, o.nInput),
      rRowSums: rowSums(r, o.nCell, o.nOutput),
      bias: g.bias.data as Float32Array,
    };
  };
  const gates = [
    gate(o.inputGate, 'input'),
    gate(o.forgetGate, 'forget')!,
    gate(o.cellGate, 'cell')!,
    gate(o.outputGate, 'output')!,
  ];
  const act = floatActivation(activation);
  const quantize = asymmetric ? asymmetricQuantize : symmetricQuantize;
  const { nBatch, nTime, nInput, nCell, nOutput } = o;
  const qx: QuantizedVector = { q: new Int8Array(nInput), scale: 1, zeroPoint: 0 };
  const qh: QuantizedVector = { q: new Int8Array(nOutput), scale: 1, zeroPoint: 0 };
  const bufs = [
    new Float32Array(nCell),
    new Float32Array(nCell),
    new Float32Array(nCell),
    new Float32Array(nCell),
  ];
  const pre = (k: number) => {
    const g = gates[k]!;
    const buf = bufs[k];
    buf.set(g.bias);
    accumulate(g.w, g.wRowSums, qx, nInput, f(qx.scale * g.wScale), buf);
    accumulate(g.r, g.rRowSums, qh, nOutput, f(qh.scale * g.rScale), buf);
  };
  return () => {
    const x = o.input.data as Float32Array;
    const out = o.output.data as Float32Array;
    const hState = o.outputState.data as Float32Array;
    const cState = o.cellState.data as Float32Array;
    for (let b = 0; b < nBatch; b++) {
      const hOff = b * nOutput;
      const cOff = b * nCell;
      for (let t = 0; t < nTime; t++) {
        const row = rowIndex(o, b, t);
        quantize(x, row * nInput, nInput, qx);
        quantize(hState, hOff, nOutput, qh);
        for (let k = 0; k < 4; k++) if (gates[k]) pre(k);
        for (let j = 0; j < nCell; j++) {
          const fg = sigmoid(bufs[1][j]);
          const ig = gates[0] ? sigmoid(bufs[0][j]) : 1 - fg;
          let c = fg * cState[cOff + j] + ig * act(bufs[2][j]);
          if (cellClip > 0) c = c < -cellClip ? -cellClip : c > cellClip ? cellClip : c;
          cState[cOff + j] = c;
        }
        for (let j = 0; j < nCell; j++) hState[hOff + j] = sigmoid(bufs[3][j]) * act(cState[cOff + j]);
        out.set(hState.subarray(hOff, hOff + nOutput), row * nOutput);
      }
    }
  };
}
