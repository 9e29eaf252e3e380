/**
 * Runs any model — float, int8, uint8 or int16 I/O — on float samples: inputs are quantized
 * with the model input's own scale and zero point (round half away from zero, saturating, as
 * TFLite's QUANTIZE does), outputs are dequantized, so every model is compared in real values.
 */
import { ShapeMismatchError, UnsupportedOpError } from '../errors';
import { numElements } from '../tensor/dtype';
import type { TypedArray } from '../tensor/dtype';
import { qRange, quantizeValue } from '../quant/math';
import type { TflModel } from '../tflite/model';
import { interpreterRunner, type ModelRunner, type TensorInfo } from './model-runner';

export class FloatRunner {
  readonly runner: ModelRunner;

  /** A TFLite model runs in the interpreter; any other runtime comes as a ModelRunner. */
  constructor(model: TflModel | ModelRunner) {
    this.runner = 'subgraphs' in model ? interpreterRunner(model) : model;
  }

  get inputs(): readonly TensorInfo[] {
    return this.runner.inputs;
  }

  get outputs(): readonly TensorInfo[] {
    return this.runner.outputs;
  }

  /** Runs one sample (one Float32Array per model input); returns each output as real values. */
  async run(inputs: Float32Array[]): Promise<Float32Array[]> {
    const info = this.runner.inputs;
    if (inputs.length !== info.length) {
      throw new ShapeMismatchError(`model has ${info.length} inputs, sample has ${inputs.length}`);
    }
    this.runner.setInputs(inputs.map((x, i) => toModelInput(x, info[i]!)));
    await this.runner.invoke();
    return this.runner.readOutputs().map((o) => toReal(o.data, o));
  }
}

function toModelInput(x: Float32Array, t: TensorInfo): TypedArray | Float32Array {
  const n = numElements(t.shape);
  if (x.length !== n) {
    throw new ShapeMismatchError(
      `input "${t.name}" needs ${n} values (shape [${t.shape.join(',')}]), sample has ${x.length}`,
    );
  }
  if (t.dtype === 'float32') return x;
  if (t.dtype === 'int8' || t.dtype === 'uint8' || t.dtype === 'int16') {
    const q = t.quant;
    if (!q || q.scale.length !== 1)
      throw new UnsupportedOpError(`input "${t.name}" is ${t.dtype} without per-tensor quantization`);
    const [lo, hi] = qRange(t.dtype);
    const out =
      t.dtype === 'int8' ? new Int8Array(n) : t.dtype === 'uint8' ? new Uint8Array(n) : new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = quantizeValue(x[i]!, q.scale[0]!, q.zeroPoint[0] ?? 0, lo, hi);
    return out;
  }
  throw new UnsupportedOpError(
    `input "${t.name}" has dtype ${t.dtype}; evaluation feeds float, int8, uint8 or int16 inputs`,
  );
}

function toReal(data: TypedArray, t: TensorInfo): Float32Array {
  if (t.dtype === 'float32') return Float32Array.from(data as Float32Array);
  const out = new Float32Array(data.length);
  const q = t.quant;
  const scale = q?.scale.length === 1 ? q.scale[0]! : 1;
  const zp = q?.zeroPoint.length === 1 ? (q.zeroPoint[0] ?? 0) : 0;
  for (let i = 0; i < data.length; i++) out[i] = (Number(data[i]) - zp) * scale;
  return out;
}
