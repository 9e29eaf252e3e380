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
import { formatFor, openModel } from '../engine/model/registry';

/** Formats that run in a runtime of their own rather than lowered into the interpreter. */
const NATIVE_RUNTIMES: Partial<
  Record<ModelFormatId, (bytes: Uint8Array, fileName: string) => Promise<ModelRunner>>
> = {
  onnx: async (bytes, fileName) => (await import('./onnxruntime/session')).openOnnxRuntime(bytes, fileName),
};

/** True when the format runs in a runtime of its own (no lowering needed to run or evaluate it). */
export function hasNativeRuntime(format: ModelFormatId): boolean {
  return NATIVE_RUNTIMES[format] !== undefined;
}

/** Opens a model's bytes for running; every failure names the file. The caller disposes it. */
export async function openRunner(bytes: Uint8Array, fileName: string): Promise<ModelRunner> {
  const native = NATIVE_RUNTIMES[formatFor(bytes, fileName).id];
  if (native) return native(bytes, fileName);
  return interpreterRunner(openModel(bytes, fileName).tflite);
}
