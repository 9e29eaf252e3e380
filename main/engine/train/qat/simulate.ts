/**
 * The QAT-simulated forward pass, on Lowbit's interpreter: the float model with fake-quantized
 * weights and biases, run with the float kernels, every fake-quantized activation rounded to its
 * grid in place right after the op that writes it (and the inputs before the first op). This is
 * the model quantization-aware training optimizes, and what the exported integer model must
 * reproduce (up to the integer kernels' requantization rounding).
 */
import { Interpreter } from '../../interpreter/interpreter';
import type { Observer } from '../../interpreter/observer';
import { cloneModel } from '../../optimize/model-util';
import { addBuffer, bufferAs, bytesOf } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import {
  fakeQuantBias,
  fakeQuantize,
  fakeQuantWeights,
  type ActivationParams,
  type Range,
} from './fake-quant';
import { activationParamsOf, type QatPlan } from './plan';

/**
 * A copy of the model whose weights and biases are their fake-quantized values (new buffers:
 * the source's may be shared between tensors).
 */
export function fakeQuantizedModel(
  model: TflModel,
  plan: QatPlan,
  params: ReadonlyMap<number, ActivationParams>,
): TflModel {
  const copy = cloneModel(model);
  const sg = copy.subgraphs[0];
  for (const w of plan.weights) {
    const t = sg.tensors[w.weight];
    const fq = fakeQuantWeights(bufferAs(copy.buffers[t.buffer].data, Float32Array), t.shape, w.axis);
    t.buffer = addBuffer(copy, bytesOf(fq.values));
    if (w.bias < 0) continue;
    const inP = params.get(w.input);
    if (!inP) continue;
    const b = sg.tensors[w.bias];
    const fb = fakeQuantBias(
      bufferAs(copy.buffers[b.buffer].data, Float32Array),
      inP.scale,
      fq.scale,
      plan.scheme,
    );
    b.buffer = addBuffer(copy, bytesOf(fb));
  }
  return copy;
}

export interface SimulatedRun {
  /** The model outputs (fake-quantized where the export quantizes them). */
  outputs: Float32Array[];
  /** Copies of the tensors asked for, after their fake quantization. */
  tensors: Map<number, Float32Array>;
}

/** Runs the QAT-simulated model of `model` with activation `ranges` (by representative tensor). */
export class QatSimulator {
  private readonly interp: Interpreter;
  private readonly params: Map<number, ActivationParams>;
  private readonly inputIndex: number[];

  constructor(
    model: TflModel,
    readonly plan: QatPlan,
    ranges: ReadonlyMap<number, Range>,
  ) {
    this.params = activationParamsOf(plan, ranges);
    this.interp = Interpreter.create(fakeQuantizedModel(model, plan, this.params));
    this.inputIndex = model.subgraphs[0].inputs;
  }

  run(inputs: readonly Float32Array[], keep: readonly number[] = []): SimulatedRun {
    const scheme = this.plan.scheme;
    inputs.forEach((x, i) => {
      const p = this.params.get(this.inputIndex[i]);
      const v = Float32Array.from(x);
      if (p) fakeQuantize(v, p, scheme);
      this.interp.setInput(i, v);
    });
    const tensors = new Map<number, Float32Array>();
    const wanted = new Set(keep);
    const observer: Observer = (_k, outs) => {
      for (const t of outs) {
        const p = this.params.get(t.index);
        if (p && t.data instanceof Float32Array) fakeQuantize(t.data, p, scheme);
        if (wanted.has(t.index)) tensors.set(t.index, Float32Array.from(t.data as Float32Array));
      }
    };
    this.interp.invoke({ observer });
    const outputs = this.interp.outputs.map((_, i) => this.interp.output(i).data as Float32Array);
    return { outputs, tensors };
  }
}
