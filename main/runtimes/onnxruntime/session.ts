/**
 * ONNX Runtime (onnxruntime-node, CPU execution provider) as the engine's ModelRunner: ONNX models
 * run in the official runtime, not converted. A native module, so it lives here, outside the pure
 * engine, and is imported only when an ONNX model is run (main/runtimes/open-runner.ts imports
 * this file dynamically, so CLI start-up never loads the native library).
 *
 * Shapes: a symbolic first dimension (the batch) is fixed to 1, as the converter does; any other
 * symbolic dimension is refused, naming the input. ORT's own failures become one-line Lowbit
 * errors naming the file: MODEL_FORMAT when it refuses the model, UNSUPPORTED_OP when it cannot
 * run it.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { LowbitError, ShapeMismatchError, UnsupportedOpError } from '../../engine/errors';
import type { ModelRunner, OutputTensor, TensorInfo } from '../../engine/evaluate/model-runner';
import type { DType, TypedArray } from '../../engine/tensor/dtype';
import { createOnnxSession, firstLine, loadOnnxRuntime, type Ort } from './load';

/** ORT tensor types Lowbit can feed and read, and the DType each is. */
const DTYPES: Partial<Record<Tensor.Type, DType>> = {
  float32: 'float32',
  float64: 'float64',
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  bool: 'bool',
};

function tensorInfo(meta: InferenceSession.ValueMetadata, index: number, fileName: string): TensorInfo {
  if (!meta.isTensor)
    throw new UnsupportedOpError(`${fileName}: "${meta.name}" is not a tensor (sequence or map)`);
  const dtype = DTYPES[meta.type];
  if (!dtype)
    throw new UnsupportedOpError(
      `${fileName}: "${meta.name}" has type ${meta.type}, which Lowbit does not feed`,
    );
  const shape = meta.shape.map((d, axis) => {
    if (typeof d === 'number' && d >= 0) return d;
    if (axis === 0) return 1; // the batch
    throw new UnsupportedOpError(
      `${fileName}: "${meta.name}" has a dynamic dimension ${axis} ("${String(d)}"); only the batch (dimension 0) may be dynamic`,
    );
  });
  return { index, name: meta.name, dtype, shape, quant: null };
}

/** Opens the model's bytes in ONNX Runtime (CPU); `fileName` names it in errors. */
export async function openOnnxRuntime(bytes: Uint8Array, fileName: string): Promise<ModelRunner> {
  const ort = await loadOnnxRuntime();
  const session = await createOnnxSession(ort, bytes, fileName, { graphOptimizationLevel: 'all' });
  try {
    const inputs = session.inputMetadata.map((m, i) => tensorInfo(m, i, fileName));
    // Outputs may depend on the input (a dynamic batch): their shapes come from each run.
    const outputs = session.outputMetadata.map((m, i) => tensorInfo(m, i, fileName));
    return new OnnxRuntimeRunner(ort, session, inputs, outputs, fileName);
  } catch (e) {
    await session.release();
    throw e;
  }
}

class OnnxRuntimeRunner implements ModelRunner {
  readonly runtime: string;
  readonly arenaBytes = 0;
  private feeds: Record<string, Tensor> = {};
  private results: OutputTensor[] = [];

  constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly inputs: readonly TensorInfo[],
    readonly outputs: readonly TensorInfo[],
    private readonly fileName: string,
  ) {
    this.runtime = `ONNX Runtime ${ort.env.versions.node ?? ''} (CPU)`;
  }

  setInputs(values: readonly TypedArray[]): void {
    if (values.length !== this.inputs.length) {
      const want = `the model has ${this.inputs.length} input(s), got ${values.length}`;
      throw new ShapeMismatchError(`${this.fileName}: ${want}`);
    }
    const feeds: Record<string, Tensor> = {};
    this.inputs.forEach((t, i) => {
      feeds[t.name] = new this.ort.Tensor(t.dtype as Tensor.Type, values[i] as Tensor.DataType, t.shape);
    });
    this.feeds = feeds;
  }

  async invoke(): Promise<void> {
    let out: InferenceSession.ReturnType;
    try {
      out = await this.session.run(this.feeds);
    } catch (e) {
      const message = `${this.fileName}: ONNX Runtime could not run the model: ${firstLine(e)}`;
      throw new LowbitError('UNSUPPORTED_OP', message, { cause: e });
    }
    this.results = this.outputs.map((t) => {
      const value = out[t.name]!;
      const data = value.data as TypedArray;
      return { ...t, shape: [...value.dims], data: data.slice() as TypedArray };
    });
    for (const value of Object.values(out)) value.dispose();
  }

  readOutputs(): OutputTensor[] {
    return this.results.map((o) => ({ ...o, data: o.data.slice() as TypedArray }));
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
