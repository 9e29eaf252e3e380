/**
 * Runs one subgraph of a TflModel with Lowbit's kernels.
 *
 * Lifecycle (mirrors TFLite Micro's MicroInterpreter):
 *  1. create(): build runtime tensors (constants are typed views of the model's buffers), run
 *     every kernel's prepare in operator order — so an unsupported op, version or dtype fails
 *     here, naming the operator, before anything runs — then plan activation memory by tensor
 *     lifetime and bind every activation tensor to a view into ONE arena ArrayBuffer.
 *  2. setInput / invoke / output, any number of times. Variable tensors (LSTM/SVDF state) have
 *     their own storage, persistent across invocations; reset() clears them.
 *
 * Synchronous and free of globals: the app runs it in a worker, tests call it directly.
 */
import { InvalidArgumentError, ModelFormatError, ShapeMismatchError, UnsupportedOpError } from '../errors';
import type { TflModel } from '../tflite/model';
import { allocTyped, dtypeBytes, hasTypedArray, numElements, typedView } from '../tensor/dtype';
import { kernels as defaultKernels, referenceKernels } from './kernels/index';
import type { Observer } from './observer';
import { planMemory, type MemoryPlan } from './planner';
import { buildTensors, makeContexts } from './tensors';
import type { EvalFn, Kernel, OpContext, RtTensor } from './types';
import type { DType, QuantParams, TypedArray } from '../tensor/dtype';

/**
 * Most activation memory one interpreter may allocate (192 MiB): the arena, plus the copies of
 * its inputs and its variable tensors. A 10 KB model can declare any shape, so the cap is
 * absolute (not proportional to the file); edge models need a few megabytes, large float
 * segmentation models tens. Kernels' scratch comes on top (an int16 convolution's widened input
 * adds up to ~1.5x), and the cap keeps the whole within 512 MiB per process. Above it,
 * Interpreter.create refuses the model with a ModelFormatError naming the limit, before
 * allocating.
 */
export const MAX_ARENA_BYTES = 192 * 2 ** 20;

/**
 * One activation tensor must have a concrete shape and fit in MAX_ARENA_BYTES on its own (its
 * shape as the model or prepare set it).
 */
function checkActivationSize(t: RtTensor): void {
  if (t.shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new ModelFormatError(
      `tensor ${t.index} "${t.name}" has an unresolved shape [${t.shape.join(',')}]`,
    );
  const bytes = numElements(t.shape) * dtypeBytes(t.dtype);
  if (!(bytes <= MAX_ARENA_BYTES))
    throw new ModelFormatError(
      `tensor ${t.index} "${t.name}" of shape [${t.shape.join(',')}] needs ${bytes} bytes of activation memory (limit ${MAX_ARENA_BYTES} bytes)`,
    );
}

/**
 * A DEQUANTIZE of constant float16 weights (LiteRT's float16 models) that is not a graph output:
 * its output is computed once in create() and becomes a constant, as TFLite does at prepare, so
 * the ops that read it see constant float32 weights (the WebAssembly kernels pack constant
 * weights only) and nothing is copied per invoke. Integer weights stay behind their DEQUANTIZE:
 * folding them would hold every layer's float32 copy at once.
 */
function foldsConstant(ctx: OpContext, graphOutputs: readonly RtTensor[]): boolean {
  const input = ctx.inputs[0];
  const out = ctx.outputs[0];
  return (
    ctx.opName === 'DEQUANTIZE' &&
    ctx.outputs.length === 1 &&
    !!input &&
    input.isConst &&
    input.dtype === 'float16' &&
    !!out &&
    !graphOutputs.includes(out)
  );
}

/** Runs a folded op's eval once into the output's own storage, makes it a constant; a no-op eval. */
function foldNow(run: EvalFn, out: RtTensor): EvalFn {
  out.data = allocTyped(out.dtype, numElements(out.shape));
  run();
  out.isConst = true;
  return () => {};
}

export interface InterpreterOptions {
  /** Subgraph to run (default 0). */
  subgraph?: number;
  /** Kernel registry override (tests); defaults to kernels/index. */
  kernels?: Readonly<Record<string, Kernel | undefined>>;
  /** Run the TypeScript reference kernels only (no WebAssembly SIMD kernels); CLI `--reference`. */
  reference?: boolean;
}

export interface TensorInfo {
  /** Tensor index in the subgraph. */
  index: number;
  name: string;
  dtype: DType;
  shape: number[];
  quant: QuantParams | null;
}

export interface OutputTensor extends TensorInfo {
  /** A copy: later invocations do not change it. */
  data: TypedArray;
}

export interface PlanEntry {
  tensor: number;
  name: string;
  offset: number;
  /** Bytes the tensor needs (before alignment). */
  size: number;
  first: number;
  last: number;
}

export interface InvokeOptions {
  /** Called after each operator with its output tensors (views: copy what you keep). */
  observer?: Observer;
}

export class Interpreter {
  readonly tensors: readonly RtTensor[];
  readonly arenaBytes: number;
  readonly plan: readonly PlanEntry[];
  /** Operator names in execution order (e.g. for the debugger). */
  readonly opNames: readonly string[];
  private readonly evals: EvalFn[];
  private readonly outputsPerOp: RtTensor[][];
  private readonly inputTensors: RtTensor[];
  private readonly outputTensors: RtTensor[];
  private readonly variables: RtTensor[];
  private readonly arena: ArrayBuffer;
  /**
   * Input values live outside the arena: like TFLite Micro's plan, an input's arena bytes are
   * reused once its last reader has run, so invoke() copies them in each time and invoking
   * again without setInput gives the same result.
   */
  private readonly inputStore: TypedArray[];
  /**
   * For inputs of at most 16 bytes, byte views of [the input's arena bytes, its stored values]:
   * invoke copies those byte by byte (~7 ns against ~17 ns for TypedArray.set on Node 20, a
   * share of hello_world's few hundred nanoseconds); null for larger inputs.
   */
  private readonly inputBytes: ([Uint8Array, Uint8Array] | null)[];

  private constructor(init: {
    tensors: RtTensor[];
    evals: EvalFn[];
    outputsPerOp: RtTensor[][];
    opNames: string[];
    inputs: RtTensor[];
    outputs: RtTensor[];
    variables: RtTensor[];
    plan: PlanEntry[];
    arena: ArrayBuffer;
  }) {
    this.tensors = init.tensors;
    this.evals = init.evals;
    this.outputsPerOp = init.outputsPerOp;
    this.opNames = init.opNames;
    this.inputTensors = init.inputs;
    this.outputTensors = init.outputs;
    this.variables = init.variables;
    this.plan = init.plan;
    this.arena = init.arena;
    this.arenaBytes = init.arena.byteLength;
    this.inputStore = init.inputs.map((t) => t.data.slice());
    const bytes = (a: TypedArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    this.inputBytes = init.inputs.map((t, i) =>
      t.data.byteLength <= 16 ? [bytes(t.data), bytes(this.inputStore[i])] : null,
    );
  }

  static create(model: TflModel, options: InterpreterOptions = {}): Interpreter {
    const subgraph = options.subgraph ?? 0;
    const registry = options.kernels ?? (options.reference ? referenceKernels : defaultKernels);
    if (!Number.isInteger(subgraph) || subgraph < 0 || subgraph >= model.subgraphs.length) {
      throw new InvalidArgumentError(
        `subgraph ${subgraph} does not exist (model has ${model.subgraphs.length})`,
      );
    }
    const sg = model.subgraphs[subgraph];
    const tensors = buildTensors(model, subgraph);
    const contexts = makeContexts(model, subgraph, tensors);
    const inputs = sg.inputs.map((i) => tensors[i]);
    const outputs = sg.outputs.map((i) => tensors[i]);

    // Prepare every op up front, in order: later ops see the output shapes earlier ones set.
    // The graph is a DAG: every tensor has at most one writer, which is neither a graph input nor
    // an operand of the same operator (a kernel's prepare resizes its output, and eval would then
    // read an input whose shape it had just changed).
    const evals: EvalFn[] = [];
    const written = new Set<RtTensor>(inputs);
    for (const ctx of contexts) {
      const kernel = registry[ctx.opName] ?? ctx.unsupported('no kernel for this operator');
      for (const t of ctx.outputs) {
        if (t.isConst) ctx.invalid(`output tensor ${t.index} "${t.name}" is a constant`);
        if (ctx.inputs.includes(t))
          ctx.invalid(`output tensor ${t.index} "${t.name}" is also an input of the operator`);
        if (written.has(t))
          ctx.invalid(`output tensor ${t.index} "${t.name}" is a graph input or another operator's output`);
        written.add(t);
      }
      // Kernels size their scratch from their operands in prepare: an operand past the activation
      // limit is refused here, before a kernel asks the allocator for it.
      for (const t of ctx.inputs) if (t && !t.isConst) checkActivationSize(t);
      const run = kernel.prepare(ctx);
      for (const t of ctx.outputs) checkActivationSize(t);
      evals.push(foldsConstant(ctx, outputs) ? foldNow(run, ctx.outputs[0]!) : run);
    }

    // Lifetimes: a graph input lives from op 0, a graph output to the last op; otherwise from
    // its producer to its last reader.
    const nOps = contexts.length;
    const first = new Map<number, number>();
    const last = new Map<number, number>();
    const touch = (t: RtTensor, op: number) => {
      if (t.isConst || t.isVariable) return;
      if (!first.has(t.index) || op < first.get(t.index)!) first.set(t.index, op);
      if (!last.has(t.index) || op > last.get(t.index)!) last.set(t.index, op);
    };
    for (const t of inputs) touch(t, 0);
    contexts.forEach((ctx, k) => {
      for (const t of ctx.inputs) if (t) touch(t, k);
      for (const t of ctx.outputs) touch(t, k);
      for (const t of ctx.intermediates) touch(t, k);
    });
    for (const t of outputs) touch(t, Math.max(0, nOps - 1));

    const requests = [...first.keys()].map((id) => {
      const t = tensors[id];
      const bytes = dtypeBytes(t.dtype);
      if (!hasTypedArray(t.dtype))
        throw new UnsupportedOpError(
          `tensor ${id} "${t.name}" has dtype ${t.dtype}, which the interpreter cannot hold`,
        );
      if (t.shape.some((d) => !Number.isInteger(d) || d < 0)) {
        throw new ModelFormatError(`tensor ${id} "${t.name}" has an unresolved shape [${t.shape.join(',')}]`);
      }
      return { id, size: numElements(t.shape) * bytes, first: first.get(id)!, last: last.get(id)! };
    });
    const memPlan: MemoryPlan = planMemory(requests);
    const variables = tensors.filter((t) => t.isVariable);
    let variableBytes = 0;
    for (const t of variables) {
      if (!hasTypedArray(t.dtype))
        throw new UnsupportedOpError(
          `variable tensor ${t.index} "${t.name}" has dtype ${t.dtype}, which the interpreter cannot hold`,
        );
      const n = numElements(t.shape);
      if (!Number.isSafeInteger(n) || n < 0 || n * dtypeBytes(t.dtype) > MAX_ARENA_BYTES) {
        throw new ModelFormatError(
          `variable tensor ${t.index} "${t.name}" has an unusable shape [${t.shape.join(',')}]`,
        );
      }
      variableBytes += n * dtypeBytes(t.dtype);
    }
    const inputCopyBytes = inputs.reduce((sum, t) => sum + numElements(t.shape) * dtypeBytes(t.dtype), 0);
    // A corrupt or hostile shape must fail as a model error, not as an allocation crash.
    const activationBytes = memPlan.arenaBytes + inputCopyBytes + variableBytes;
    if (!(activationBytes <= MAX_ARENA_BYTES)) {
      throw new ModelFormatError(
        `the model needs ${activationBytes} bytes of activation memory (arena, input copies and variable tensors; limit ${MAX_ARENA_BYTES} bytes)`,
      );
    }
    const arena = new ArrayBuffer(memPlan.arenaBytes);
    const plan: PlanEntry[] = memPlan.placements.map((p) => {
      const t = tensors[p.id];
      t.data = typedView(t.dtype, arena, p.offset, numElements(t.shape));
      return { tensor: p.id, name: t.name, offset: p.offset, size: p.size, first: p.first, last: p.last };
    });
    plan.sort((a, b) => a.tensor - b.tensor);

    for (const t of variables) t.data = allocTyped(t.dtype, numElements(t.shape));

    const interp = new Interpreter({
      tensors,
      evals,
      outputsPerOp: contexts.map((c) => [...c.outputs]),
      opNames: contexts.map((c) => c.opName),
      inputs,
      outputs,
      variables,
      plan,
      arena,
    });
    interp.reset();
    return interp;
  }

  get inputs(): TensorInfo[] {
    return this.inputTensors.map(info);
  }

  get outputs(): TensorInfo[] {
    return this.outputTensors.map(info);
  }

  /** Copies values into input i. Typed arrays must match the dtype; plain numbers are converted. */
  setInput(i: number, values: TypedArray | ArrayLike<number>): void {
    const t = this.inputTensors[i];
    if (!t)
      throw new InvalidArgumentError(`input ${i} does not exist (model has ${this.inputTensors.length})`);
    const store = this.inputStore[i];
    const n = store.length;
    if (values.length !== n) {
      throw new ShapeMismatchError(
        `input ${i} "${t.name}" has shape [${t.shape.join(',')}] (${n} elements), got ${values.length} values`,
      );
    }
    if (ArrayBuffer.isView(values)) {
      if (values.constructor !== t.data.constructor) {
        throw new ShapeMismatchError(
          `input ${i} "${t.name}" is ${t.dtype} (${t.data.constructor.name}), got a ${values.constructor.name}`,
        );
      }
      // A few values element by element: ~4 ns against ~17 ns for TypedArray.set on Node 20
      // (hello_world's one input); the same values, the arrays being of one type.
      if (n <= 4) for (let k = 0; k < n; k++) (store as Uint8Array)[k] = (values as Uint8Array)[k]!;
      else (store as Uint8Array).set(values as Uint8Array);
      return;
    }
    if (store instanceof BigInt64Array) {
      for (let k = 0; k < n; k++) store[k] = BigInt(values[k]);
    } else {
      (store as Float32Array).set(values as ArrayLike<number>);
    }
  }

  /** Runs every operator once. */
  invoke(options: InvokeOptions = {}): void {
    const evals = this.evals;
    const observer = options.observer;
    for (let i = 0; i < this.inputTensors.length; i++) {
      const small = this.inputBytes[i];
      if (small) {
        const [to, from] = small;
        for (let k = 0; k < to.length; k++) to[k] = from[k];
      } else (this.inputTensors[i].data as Uint8Array).set(this.inputStore[i] as Uint8Array);
    }
    if (!observer) {
      for (let k = 0; k < evals.length; k++) evals[k]();
      return;
    }
    for (let k = 0; k < evals.length; k++) {
      evals[k]();
      observer(k, this.outputsPerOp[k]);
    }
  }

  /** A copy of output i. */
  output(i: number): OutputTensor {
    const t = this.outputTensors[i];
    if (!t)
      throw new InvalidArgumentError(`output ${i} does not exist (model has ${this.outputTensors.length})`);
    // Built field by field: `{ ...info(t), data }` cost ~0.7 µs per call on Node 20, more than
    // invoking hello_world.
    return {
      index: t.index,
      name: t.name,
      dtype: t.dtype,
      shape: t.shape.slice(),
      quant: t.quant,
      // new Float32Array(src) rather than src.slice(): ~30 against ~40 ns on Node 20 (slice looks
      // up the species constructor); the same copy in a new buffer.
      data: new (t.data.constructor as new (src: TypedArray) => TypedArray)(t.data),
    };
  }

  /** Zeroes variable tensors (int8 ones to their zero point, i.e. real 0, as TFLite Micro does). */
  reset(): void {
    for (const t of this.variables) {
      const zp = t.dtype === 'int8' && t.quant ? t.quant.zeroPoint[0] : 0;
      if (t.data instanceof BigInt64Array) t.data.fill(0n);
      else (t.data as Int8Array).fill(zp);
    }
  }

  /** The arena's bytes (for debugging the plan). */
  arenaView(): Uint8Array {
    return new Uint8Array(this.arena);
  }
}

function info(t: RtTensor): TensorInfo {
  return { index: t.index, name: t.name, dtype: t.dtype, shape: t.shape.slice(), quant: t.quant };
}
