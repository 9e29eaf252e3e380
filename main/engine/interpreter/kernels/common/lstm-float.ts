/**
 * Float32 LSTM step (TFLite lstm_eval's float path): for each gate
 *   pre = bias + W x + R h (+ peephole w .* c), then sigmoid (or the cell activation),
 *   c' = f .* c + i .* g (CIFG: i = 1 - f), clipped to ±cell_clip when cell_clip > 0,
 *   h' = o .* act(c'), then optional projection P h' + b clipped to ±proj_clip.
 * Dot products accumulate in double and are stored as float32; TFLite accumulates in float32,
 * a difference far below the 1e-5 relative float tolerance for these sizes.
 */
import type { LstmOperands } from './lstm-tensors';
import { rowIndex } from './lstm-tensors';

export function floatActivation(act: number): (x: number) => number {
  switch (act) {
    case 0:
      return (x) => x;
    case 1:
      return (x) => (x < 0 ? 0 : x);
    case 2:
      return (x) => (x < -1 ? -1 : x > 1 ? 1 : x);
    case 3:
      return (x) => (x < 0 ? 0 : x > 6 ? 6 : x);
    case 4:
      return Math.tanh;
    case 6:
      return sigmoid;
    default:
      throw new RangeError(`LSTM activation ${act}`);
  }
}

/**
 * Calibration hook, called after every time step (and batch row) with the four gate
 * pre-activations (input gate null under CIFG), the new cell state and the hidden state before
 * projection. Views: copy what you keep. Ordinary inference passes none and pays one test per step.
 */
export type LstmProbe = (
  gates: readonly [Float32Array | null, Float32Array, Float32Array, Float32Array],
  cell: Float32Array,
  hidden: Float32Array,
) => void;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

interface FloatGate {
  w: Float32Array;
  r: Float32Array;
  bias: Float32Array;
  peephole: Float32Array | null;
}

function gatePre(
  g: FloatGate,
  x: Float32Array,
  xOff: number,
  h: Float32Array,
  hOff: number,
  c: Float32Array,
  cOff: number,
  nInput: number,
  nOutput: number,
  out: Float32Array,
): void {
  const nCell = out.length;
  for (let j = 0; j < nCell; j++) {
    let acc = g.bias[j];
    const wRow = j * nInput;
    for (let k = 0; k < nInput; k++) acc += g.w[wRow + k] * x[xOff + k];
    const rRow = j * nOutput;
    for (let k = 0; k < nOutput; k++) acc += g.r[rRow + k] * h[hOff + k];
    if (g.peephole) acc += g.peephole[j] * c[cOff + j];
    out[j] = acc;
  }
}

export function makeFloatLstm(
  o: LstmOperands,
  activation: number,
  cellClip: number,
  projClip: number,
  probe?: LstmProbe,
): () => void {
  const act = floatActivation(activation);
  const gateOf = (g: LstmOperands['forgetGate'], peephole: (typeof o.peephole)[number]): FloatGate => ({
    w: g.inputWeights.data as Float32Array,
    r: g.recurrentWeights.data as Float32Array,
    bias: g.bias.data as Float32Array,
    peephole: peephole ? (peephole.data as Float32Array) : null,
  });
  const ig = o.inputGate ? gateOf(o.inputGate, o.peephole[0]) : null;
  const fg = gateOf(o.forgetGate, o.peephole[1]);
  const cg = gateOf(o.cellGate, null);
  const og = gateOf(o.outputGate, o.peephole[2]);
  const { nBatch, nTime, nInput, nCell, nOutput } = o;
  const iBuf = new Float32Array(nCell);
  const fBuf = new Float32Array(nCell);
  const gBuf = new Float32Array(nCell);
  const oBuf = new Float32Array(nCell);
  const hidden = new Float32Array(nCell);
  return () => {
    const x = o.input.data as Float32Array;
    const out = o.output.data as Float32Array;
    const hState = o.outputState.data as Float32Array;
    const cState = o.cellState.data as Float32Array;
    const pw = o.projectionWeights?.data as Float32Array | undefined;
    const pb = o.projectionBias?.data as Float32Array | undefined;
    for (let b = 0; b < nBatch; b++) {
      const hOff = b * nOutput;
      const cOff = b * nCell;
      for (let t = 0; t < nTime; t++) {
        const row = rowIndex(o, b, t);
        const xOff = row * nInput;
        // every gate reads the previous h and c
        if (ig) gatePre(ig, x, xOff, hState, hOff, cState, cOff, nInput, nOutput, iBuf);
        gatePre(fg, x, xOff, hState, hOff, cState, cOff, nInput, nOutput, fBuf);
        gatePre(cg, x, xOff, hState, hOff, cState, cOff, nInput, nOutput, gBuf);
        for (let j = 0; j < nCell; j++) {
          const f = sigmoid(fBuf[j]);
          const i = ig ? sigmoid(iBuf[j]) : 1 - f;
          let c = f * cState[cOff + j] + i * act(gBuf[j]);
          if (cellClip > 0) c = c < -cellClip ? -cellClip : c > cellClip ? cellClip : c;
          cState[cOff + j] = c;
        }
        // the output gate's peephole sees the updated cell state
        gatePre(og, x, xOff, hState, hOff, cState, cOff, nInput, nOutput, oBuf);
        for (let j = 0; j < nCell; j++) hidden[j] = sigmoid(oBuf[j]) * act(cState[cOff + j]);
        if (probe) probe([ig ? iBuf : null, fBuf, gBuf, oBuf], cState.subarray(cOff, cOff + nCell), hidden);
        if (pw) {
          for (let k = 0; k < nOutput; k++) {
            let acc = pb ? pb[k] : 0;
            for (let j = 0; j < nCell; j++) acc += pw[k * nCell + j] * hidden[j];
            if (projClip > 0) acc = acc < -projClip ? -projClip : acc > projClip ? projClip : acc;
            hState[hOff + k] = acc;
          }
        } else hState.set(hidden, hOff);
        out.set(hState.subarray(hOff, hOff + nOutput), row * nOutput);
      }
    }
  };
}
