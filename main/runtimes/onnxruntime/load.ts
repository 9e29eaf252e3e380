/**
 * Loading onnxruntime-node and opening sessions, shared by every ONNX Runtime adapter here (the
 * ModelRunner in session.ts, the calibration session in calibration-session.ts). The native
 * library is imported on first use only, so commands that never run an ONNX model start as fast
 * as before. ORT's refusals become one-line Lowbit errors naming the model.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { ModelFormatError } from '../../engine/errors';

export type Ort = typeof import('onnxruntime-node');

/** The onnxruntime-node module, imported on the first call. */
export async function loadOnnxRuntime(): Promise<Ort> {
  // A CommonJS package: its exports arrive as the namespace or as its default, depending on the loader.
  const loaded = await import('onnxruntime-node');
  return (loaded.default as Ort | undefined) ?? loaded;
}

/** ORT's messages can run over several lines and end in advice about ORT itself: keep line one. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text
    .split('\n')[0]!
    .trim()
    .replace(/\s*Please fix either the inputs\/outputs or the model\.$/, '');
}

/** A CPU session over the model's bytes; a model ORT refuses is a ModelFormatError naming `what`. */
export async function createOnnxSession(
  ort: Ort,
  bytes: Uint8Array,
  what: string,
  options: InferenceSession.SessionOptions = {},
): Promise<InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, { ...options, executionProviders: ['cpu'] });
  } catch (e) {
    throw new ModelFormatError(`${what}: ONNX Runtime refused the model: ${firstLine(e)}`, { cause: e });
  }
}
