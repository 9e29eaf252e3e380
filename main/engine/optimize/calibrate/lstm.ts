/**
 * What calibration observes inside a float UNIDIRECTIONAL_SEQUENCE_LSTM, which no operator output
 * shows: the cell state at every time step (its int16 power-of-two scale comes from its range)
 * and the four gate pre-activations (the integer kernel's gate intermediates). The float kernel
 * reports them through a probe (interpreter/kernels/common/lstm-float.ts); each sample's steps are gathered and handed to
 * the calibrator once per sample, like any tensor, so every calibration method applies.
 *
 * Keys: the cell state under its own tensor index (operand 19, a variable tensor); the gates,
 * which have no tensor in a float model, under lstmGateKey (negative, so they never clash).
 */
import { kernels as defaultKernels } from '../../interpreter/kernels/index';
import type { LstmProbe } from '../../interpreter/kernels/common/lstm-float';
import { lstmKernel } from '../../interpreter/kernels/unidirectional_sequence_lstm';
import type { Kernel } from '../../interpreter/types';
import { builtinOf } from '../../tflite/edit';
import { BuiltinOperator, type TflModel } from '../../tflite/model';

/** Calibration key of gate `gate` (0 input, 1 forget, 2 cell, 3 output) of LSTM operator `op`. */
export function lstmGateKey(op: number, gate: number): number {
  return -1 - (op * 4 + gate);
}

/** A growable buffer of one key's values for the current sample. */
class Gathered {
  private buf = new Float32Array(256);
  length = 0;
  push(v: Float32Array): void {
    if (this.length + v.length > this.buf.length) {
      const bigger = new Float32Array(Math.max(this.buf.length * 2, this.length + v.length));
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    this.buf.set(v, this.length);
    this.length += v.length;
  }
  take(): Float32Array {
    const out = this.buf.subarray(0, this.length);
    this.length = 0;
    return out;
  }
}

export interface LstmRecorder {
  /** The kernel registry to create the calibration interpreter with. */
  kernels: Readonly<Record<string, Kernel | undefined>>;
  /** Hands this sample's gathered values to `observe` (call after each invoke). */
  flush(observe: (key: number, values: Float32Array) => void): void;
}

/** A recorder for the model's LSTMs, or null when subgraph 0 has none. */
export function lstmRecorder(model: TflModel): LstmRecorder | null {
  const sg = model.subgraphs[0];
  const probes = new Map<number, LstmProbe>();
  const gathered = new Map<number, Gathered>();
  const gather = (key: number) => {
    let g = gathered.get(key);
    if (!g) gathered.set(key, (g = new Gathered()));
    return g;
  };
  sg.operators.forEach((op, k) => {
    if (builtinOf(model, op) !== BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM) return;
    const cellIndex = op.inputs[19];
    if (cellIndex === undefined || cellIndex < 0) return;
    const cell = gather(cellIndex);
    const gates = [0, 1, 2, 3].map((g) => gather(lstmGateKey(k, g)));
    probes.set(k, (pre, c) => {
      cell.push(c);
      pre.forEach((p, g) => {
        if (p) gates[g].push(p);
      });
    });
  });
  if (probes.size === 0) return null;
  return {
    kernels: { ...defaultKernels, UNIDIRECTIONAL_SEQUENCE_LSTM: lstmKernel((k) => probes.get(k)) },
    flush(observe) {
      for (const [key, g] of gathered) if (g.length > 0) observe(key, g.take());
    },
  };
}
