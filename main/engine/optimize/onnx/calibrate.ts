/**
 * Calibration of a float ONNX model: every node output is made a graph output (untyped: the
 * runtime infers the type), the model runs over the representative samples in ONNX Runtime, and
 * each float32 tensor is observed with the chosen calibration method (the same calibrators as
 * for TFLite, optimize/calibrate/). ONNX Runtime's own quantization tool calibrates the same way.
 *
 * Why ONNX Runtime and not the converted TFLite in Lowbit's interpreter: the QDQ model is for
 * ONNX Runtime, so ranges come from the runtime that will execute it, and calibration works for
 * every op ONNX Runtime runs, not only the ops the TFLite converter lowers. The engine stays pure:
 * the runtime is injected as an `OnnxSessionFactory` by a Node layer (main/runtimes/onnxruntime/calibration-session.ts).
 */
import { clone, create, toBinary } from '@bufbuild/protobuf';
import { CancelledError, DatasetError, InvalidArgumentError, ShapeMismatchError } from '../../errors';
import { ModelProtoSchema, ValueInfoProtoSchema, type ModelProto } from '../../onnx/proto/onnx_pb';
import type { ModelInputs } from '../../tensor/model-inputs';
import {
  createCalibrator,
  yielder,
  type CalibrationMethod,
  type QuantTarget,
  type Range,
} from '../calibrate/index';
import type { ProgressFn } from '../types';
import { graphOf, initializersOf } from './graph';

/** A float ONNX model loaded in a runtime. */
export interface OnnxFloatSession {
  /** Runs one sample; returns the float32 outputs by name (other dtypes are left out). */
  run(inputs: ModelInputs): Promise<Map<string, Float32Array>>;
  release(): Promise<void>;
}

/** A model input as the session must be fed: its name and a concrete shape. */
export interface OnnxInputSpec {
  name: string;
  shape: number[];
}

/** Loads serialized model bytes in a runtime (ONNX Runtime, from a Node layer). */
export type OnnxSessionFactory = (model: Uint8Array, inputs: OnnxInputSpec[]) => Promise<OnnxFloatSession>;

/**
 * The graph inputs that are fed at run time (initializers listed as inputs, as old exporters did,
 * are not), each with a concrete shape: a symbolic first dimension is the batch and becomes 1;
 * any other symbolic dimension is an InvalidArgumentError naming it.
 */
export function onnxInputSpecs(model: ModelProto): OnnxInputSpec[] {
  const graph = graphOf(model);
  const constants = initializersOf(graph);
  return graph.input
    .filter((v) => !constants.has(v.name))
    .map((v) => {
      const type = v.type?.value;
      if (type?.case !== 'tensorType')
        throw new InvalidArgumentError(`ONNX input '${v.name}' is not a tensor`);
      const dims = type.value.shape?.dim ?? [];
      const shape = dims.map((d, i) => {
        if (d.value.case === 'dimValue' && d.value.value > 0n) return Number(d.value.value);
        if (i === 0) return 1;
        const what = d.value.case === 'dimParam' ? `'${d.value.value}'` : 'unknown';
        throw new InvalidArgumentError(
          `ONNX input '${v.name}' has a symbolic dimension ${what} at axis ${i}: give the model a fixed input shape`,
        );
      });
      return { name: v.name, shape };
    });
}

/** A copy of the model whose graph also outputs every node output, so all can be observed. */
export function withEveryNodeOutput(model: ModelProto): ModelProto {
  const probe = clone(ModelProtoSchema, model);
  const graph = graphOf(probe);
  const outputs = new Set(graph.output.map((o) => o.name));
  for (const node of graph.node)
    for (const name of node.output) {
      if (!name || outputs.has(name)) continue;
      outputs.add(name);
      graph.output.push(create(ValueInfoProtoSchema, { name }));
    }
  return probe;
}

export interface OnnxCalibrateOptions {
  method?: CalibrationMethod;
  percentile?: number;
  target: QuantTarget;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

/** The range of every float tensor (graph inputs and node outputs) over the samples, by name. */
export async function calibrateOnnx(
  model: ModelProto,
  samples: readonly ModelInputs[],
  openSession: OnnxSessionFactory,
  options: OnnxCalibrateOptions,
): Promise<Map<string, Range>> {
  if (samples.length === 0)
    throw new DatasetError('the representative dataset is empty: static quantization needs samples');
  const inputs = onnxInputSpecs(model);
  const calibrator = createCalibrator(options.method ?? 'minmax', options.target, options.percentile);
  const ids = new Map<string, number>();
  const idOf = (name: string) => {
    let id = ids.get(name);
    if (id === undefined) ids.set(name, (id = ids.size));
    return id;
  };
  const session = await openSession(toBinary(ModelProtoSchema, withEveryNodeOutput(model)), inputs);
  const pause = yielder();
  try {
    for (let s = 0; s < samples.length; s++) {
      if (options.signal?.aborted) throw new CancelledError();
      const sample = samples[s];
      if (sample.length !== inputs.length)
        throw new ShapeMismatchError(
          `sample ${s} has ${sample.length} input(s), the model takes ${inputs.length}`,
        );
      sample.forEach((x, i) => calibrator.observe(idOf(inputs[i].name), x));
      for (const [name, values] of await session.run(sample)) calibrator.observe(idOf(name), values);
      options.onProgress?.(s + 1, samples.length);
      await pause();
    }
  } finally {
    await session.release();
  }
  const names = [...ids.keys()];
  return new Map([...calibrator.ranges()].map(([id, range]) => [names[id], range]));
}
