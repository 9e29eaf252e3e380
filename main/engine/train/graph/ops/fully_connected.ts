/**
 * FULLY_CONNECTED: rows of K input values (each sample's values cut into rows of K, as TFLite
 * does) times weights [units, K]ᵀ + bias → [rows, units]. The sums run over k in order in double,
 * then + bias (the interpreter's float order).
 */
import { columnSumsAdd, gemmAB, gemmABt, gemmAtBAdd } from './gemm';
import {
  clampGrad,
  clampRange,
  fusedRange,
  perSample,
  requireInput,
  Scratch,
  unsupported,
  type OpFactory,
} from './op';

export const fullyConnected: OpFactory = (spec) => {
  const x = requireInput(spec, 0);
  const w = requireInput(spec, 1);
  const bias = spec.inputs[2];
  if (!w.constant || w.shape.length !== 2) unsupported(spec, 'weights must be a constant [units, K]');
  if ((spec.options?.weightsFormat as number | undefined) ?? 0)
    unsupported(spec, 'shuffled weights are not trained');
  const [units, K] = w.shape as [number, number];
  const inSize = perSample(spec, x);
  if (inSize % K !== 0) unsupported(spec, `input of ${inSize} values per sample is not rows of ${K}`);
  const rowsPerSample = inSize / K;
  const [lo, hi] = fusedRange(spec);
  const gScratch = new Scratch(spec.precision);
  return {
    params: [
      { slot: 1, role: 'weight', quantAxis: 0 },
      ...(bias ? [{ slot: 2, role: 'bias' as const, quantAxis: -1 }] : []),
    ],
    activationSlots: [0],
    forward(io) {
      const M = io.n * rowsPerSample;
      gemmABt(
        io.ins[0]!,
        io.ins[1]!,
        bias ? io.ins[2] : undefined,
        io.out,
        M,
        units,
        K,
        spec.precision === 'float32',
      );
      clampRange(io.out, M * units, lo, hi);
    },
    backward(io) {
      const M = io.n * rowsPerSample;
      const d = clampGrad(io.out, io.dOut, M * units, lo, hi, gScratch.get(M * units));
      const dW = io.dIns[1];
      if (dW) gemmAtBAdd(d, io.ins[0]!, dW as Float64Array, M, units, K);
      const dB = bias ? io.dIns[2] : null;
      if (dB) columnSumsAdd(d, dB as Float64Array, M, units);
      const dX = io.dIns[0];
      if (!dX) return;
      gemmAB(d, io.ins[1]!, dX, M, units, K, true);
    },
  };
};
