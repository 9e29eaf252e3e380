/**
 * The one choice of runtime for a model: a format with an official runtime of its own runs there
 * (ONNX: ONNX Runtime), everything else runs in Lowbit's interpreter after the format's lowering
 * to TFLite. `lowbit run`, `lowbit evaluate` and the app's run job all come through here.
 *
 * Runtimes load lazily (a dynamic import per runtime), so the CLI starts without them.
 * Adding a runtime: its adapter in main/runtimes/<runtime>/ implementing the engine's ModelRunner
 * (main/engine/evaluate/model-runner.ts), and its line in NATIVE_RUNTIMES.
 */
import { interpreterRunner, type ModelRunner } from '../engine/evaluate/model-runner';
import type { ModelFormatId } from '../engine/model/format-id';
import type { ModelReadContext } from '../engine/model/external-data';
import { formatFor, openModel, readModel } from '../engine/model/registry';

interface NativeRuntime {
  /** Short name for table rows and chart labels: "ORT". */
  short: string;
  open(bytes: Uint8Array, fileName: string): Promise<ModelRunner>;
}

/** Formats that run in a runtime of their own rather than lowered into the interpreter. */
const NATIVE_RUNTIMES: Partial<Record<ModelFormatId, NativeRuntime>> = {
  onnx: {
    short: 'ORT',
    open: async (bytes, fileName) => (await import('./onnxruntime/session')).openOnnxRuntime(bytes, fileName),
  },
};

/** True when the format runs in a runtime of its own (no lowering needed to run or evaluate it). */
export function hasNativeRuntime(format: ModelFormatId): boolean {
  return NATIVE_RUNTIMES[format] !== undefined;
}

/**
 * Opens a model's bytes for running; every failure names the file. The caller disposes it. The
 * model is read by Lowbit's own reader first either way, so a damaged or hostile file gets
 * Lowbit's one-line error (a cycle, a missing input...) before a native runtime sees it.
 */
export async function openRunner(
  bytes: Uint8Array,
  fileName: string,
  context?: ModelReadContext,
): Promise<ModelRunner> {
  const native = NATIVE_RUNTIMES[formatFor(bytes, fileName).id];
  if (!native) return interpreterRunner(openModel(bytes, fileName, context).tflite);
  readModel(bytes, fileName, context);
  return native.open(bytes, fileName);
}

/** A reference row for comparisons: the model in its own runtime, with its file's bytes. */
export interface ReferenceModel {
  label: string;
  model: ModelRunner;
  bytes: Uint8Array;
}

/**
 * For a model that runs in a runtime of its own (ONNX), that runner as the comparison's
 * reference row ("ONNX (ORT)"); null for TFLite, whose float model is
 * already the baseline. The caller disposes `model`.
 */
export async function openReference(bytes: Uint8Array, fileName: string): Promise<ReferenceModel | null> {
  const format = formatFor(bytes, fileName);
  const native = NATIVE_RUNTIMES[format.id];
  if (!native) return null;
  const model = await native.open(bytes, fileName);
  return { label: `${format.name} (${native.short})`, model, bytes };
}
