/**
 * `distill:W`: knowledge distillation into a narrower student. transformModel builds the
 * student from the teacher (engine/train/distill/student.ts: the teacher's widths × W except
 * the classifier's, freshly initialised from the run's seed), and the loss is Keras'
 * distillation loss (distill/loss.ts: α 0.1, T 3) against the teacher's logits, computed by
 * Lowbit's interpreter on the float teacher for every sample of the shard (in each thread).
 */
import { InvalidArgumentError } from '../../errors';
import { Interpreter } from '../../interpreter/interpreter';
import { BuiltinOperator } from '../../tflite/generated/tflite';
import { builtinOf } from '../../tflite/edit';
import type { TflModel } from '../../tflite/model';
import { distillationLoss, KERAS_DISTILL } from '../distill/loss';
import { buildStudent } from '../distill/student';
import type { RecipeFactory } from './types';

/** Runs the teacher sample by sample and returns its logits (the SOFTMAX's input, or its output). */
export function teacherLogits(teacher: TflModel): (inputs: ArrayLike<number>, count: number) => Float64Array {
  const sg = teacher.subgraphs[0];
  const interp = Interpreter.create(teacher);
  const last = sg.operators[sg.operators.length - 1];
  const viaSoftmax = last && builtinOf(teacher, last) === BuiltinOperator.SOFTMAX;
  const logitsTensor = viaSoftmax ? last.inputs[0] : sg.outputs[0];
  const inputSize = interp.inputs[0].shape.reduce((a, b) => a * b, 1);
  const classes = sg.tensors[logitsTensor].shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(inputSize);
  return (inputs, count) => {
    const out = new Float64Array(count * classes);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < inputSize; k++) x[k] = inputs[i * inputSize + k];
      interp.setInput(0, x);
      interp.invoke({
        observer: viaSoftmax
          ? (_k, outs) => {
              for (const t of outs)
                if (t.index === logitsTensor) out.set(t.data as Float32Array, i * classes);
            }
          : undefined,
      });
      if (!viaSoftmax) out.set(interp.output(0).data as Float32Array, i * classes);
    }
    return out;
  };
}

export const distillRecipe: RecipeFactory = (step, ctx) => {
  if (step.kind !== 'distill') throw new InvalidArgumentError(`distill recipe created for step ${step.kind}`);
  const width = step.width;
  let teacher: ((inputs: ArrayLike<number>, count: number) => Float64Array) | null = null;
  let info: ReturnType<typeof buildStudent> | null = null;
  return {
    step,
    transformModel(model) {
      info = buildStudent(model, width, ctx.options.seed);
      return info.model;
    },
    loss: {
      loss({ logits, labels, count, classes, inputs, batchSize, dLogits }) {
        teacher ??= teacherLogits(ctx.original);
        const t = teacher(inputs, count);
        return distillationLoss(logits, t, labels, count, classes, batchSize, dLogits, KERAS_DISTILL);
      },
    },
    summary() {
      if (!info) return `distill: width × ${width}`;
      const r = info.studentParams / info.teacherParams;
      return (
        `distill: student at width × ${width}, ${info.studentParams.toLocaleString('en-US')} parameters ` +
        `(${r.toFixed(3)} of the teacher's ${info.teacherParams.toLocaleString('en-US')}); α ${KERAS_DISTILL.alpha}, T ${KERAS_DISTILL.temperature}`
      );
    },
  };
};
