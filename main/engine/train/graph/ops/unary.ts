/**
 * The shared shape of element-wise activations (LOGISTIC, TANH, RELU, RELU6): one value in, one
 * out, the derivative from the input and the output.
 */
import { perSample, requireInput, type OpFactory, type TrainOp } from './op';

export function unaryOp(
  f: (x: number) => number,
  /** dOut/dIn at input x with output y. */
  df: (x: number, y: number) => number,
): OpFactory {
  return (spec): TrainOp => {
    const size = perSample(spec, requireInput(spec, 0));
    return {
      params: [],
      activationSlots: [0],
      forward(io) {
        const x = io.ins[0]!;
        const out = io.out;
        for (let i = 0, n = io.n * size; i < n; i++) out[i] = f(x[i]!);
      },
      backward(io) {
        const dX = io.dIns[0];
        if (!dX) return;
        const x = io.ins[0]!;
        const y = io.out;
        const d = io.dOut;
        for (let i = 0, n = io.n * size; i < n; i++) dX[i] += d[i]! * df(x[i]!, y[i]!);
      },
    };
  };
}
