/**
 * What evaluation and `lowbit run` need from a runtime: tensors in, tensors out. The engine's
 * interpreter is one runtime (`interpreterRunner`, for TFLite models); a format with an official
 * runtime of its own plugs in from outside the engine (ONNX: main/runtimes/onnxruntime/, over
 * onnxruntime-node), since a native module may not live in the pure engine.
 *
 * Adding a runtime: implement ModelRunner in main/runtimes/<runtime>/ and choose it for its
 * format in main/runtimes/open-runner.ts.
 */
import type { OutputTensor, TensorInfo } from '../interpreter/interpreter';
import { Interpreter } from '../interpreter/interpreter';
import { isStateful } from '../interpreter/sample-pool';
import type { TypedArray } from '../tensor/dtype';
import type { TflModel } from '../tflite/model';

export type { OutputTensor, TensorInfo } from '../interpreter/interpreter';

export interface ModelRunner {
  /** Who runs the model, for people: "Lowbit interpreter", "ONNX Runtime 1.30 (CPU)". */
  readonly runtime: string;
  /** Concrete shapes (a dynamic batch is 1); `index` is the position in the model's list. */
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Threads one invoke() uses, when the runtime says (Lowbit's interpreter: 1). */
  readonly threads?: number;
  /**
   * The model carries state from one invoke to the next (TFLite variable tensors): its samples
   * must run in order on this runner, never spread over threads.
   */
  readonly stateful?: boolean;
  /** Activation memory the runtime planned, or 0 when it does not say. */
  readonly arenaBytes: number;
  /** Sets every input, one array per input in its dtype (checked against the shape). */
  setInputs(inputs: readonly TypedArray[]): void;
  /** Runs the model once on the inputs set last. Synchronous runtimes return undefined. */
  invoke(): Promise<void> | void;
  /** Copies of the outputs of the last invoke(). */
  readOutputs(): OutputTensor[];
  /** Frees native resources; the runner is unusable afterwards. */
  dispose(): Promise<void>;
}

/** The `runtime` of the interpreter's runner: evaluation may spread such a model over threads. */
export const INTERPRETER_RUNTIME = 'Lowbit interpreter';

/** The engine's interpreter as a ModelRunner (TFLite models, and formats lowered to TFLite). */
export function interpreterRunner(model: TflModel): ModelRunner {
  const interpreter = Interpreter.create(model);
  return {
    runtime: INTERPRETER_RUNTIME,
    threads: 1,
    stateful: isStateful(model),
    inputs: interpreter.inputs,
    outputs: interpreter.outputs,
    arenaBytes: interpreter.arenaBytes,
    setInputs: (inputs) => inputs.forEach((x, i) => interpreter.setInput(i, x)),
    invoke: () => interpreter.invoke(),
    readOutputs: () => interpreter.outputs.map((_, i) => interpreter.output(i)),
    dispose: () => Promise.resolve(),
  };
}
