/**
 * Activation ranges observed on the float model, batch by batch, into moving averages: the start
 * of quantization-aware training (and the ranges the export tests use without training).
 */
import { Interpreter } from '../../interpreter/interpreter';
import type { ModelInputs } from '../../tensor/model-inputs';
import type { TflModel } from '../../tflite/model';
import type { MovingAverageRanges } from './fake-quant';
import type { QatPlan } from './plan';

/** Runs each batch through the float model and blends each batch's min/max into `ranges`. */
export function observeFloatRanges(
  model: TflModel,
  plan: QatPlan,
  batches: readonly (readonly ModelInputs[])[],
  ranges: MovingAverageRanges,
): void {
  const interp = Interpreter.create(model);
  const inputs = model.subgraphs[0].inputs;
  const wanted = new Set(plan.observed);
  for (const batch of batches) {
    const lo = new Map<number, number>();
    const hi = new Map<number, number>();
    const see = (t: number, d: ArrayLike<number>) => {
      if (!wanted.has(t)) return;
      let a = lo.get(t) ?? Infinity;
      let b = hi.get(t) ?? -Infinity;
      for (let k = 0; k < d.length; k++) {
        const v = d[k];
        if (v < a) a = v;
        if (v > b) b = v;
      }
      lo.set(t, a);
      hi.set(t, b);
    };
    for (const sample of batch) {
      sample.forEach((x, i) => {
        interp.setInput(i, x);
        see(inputs[i], x);
      });
      interp.invoke({
        observer: (_k, outs) => {
          for (const t of outs) if (t.data instanceof Float32Array) see(t.index, t.data);
        },
      });
    }
    for (const t of plan.observed) if (lo.has(t)) ranges.observeRange(t, lo.get(t)!, hi.get(t)!);
  }
}
