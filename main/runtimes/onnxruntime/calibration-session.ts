/**
 * ONNX Runtime (onnxruntime-node, CPU execution provider) behind the engine's
 * `OnnxSessionFactory`, for calibrating ONNX models. The native runtime is imported on first use
 * (load.ts), so commands that never run an ONNX model start as fast as before.
 */
import type { OnnxFloatSession, OnnxInputSpec, OnnxSessionFactory } from '../../engine/optimize/onnx/index';
import { createOnnxSession, loadOnnxRuntime } from './load';

export const openOnnxRuntimeSession: OnnxSessionFactory = async (
  model: Uint8Array,
  inputs: OnnxInputSpec[],
): Promise<OnnxFloatSession> => {
  const ort = await loadOnnxRuntime();
  const session = await createOnnxSession(ort, model, 'the model being calibrated', { intraOpNumThreads: 1 });
  return {
    async run(sample) {
      const feeds = Object.fromEntries(
        inputs.map((input, i) => [input.name, new ort.Tensor('float32', sample[i], input.shape)]),
      );
      const results = await session.run(feeds);
      const out = new Map<string, Float32Array>();
      for (const [name, tensor] of Object.entries(results))
        if (tensor.type === 'float32') out.set(name, tensor.data as Float32Array);
      return out;
    },
    release: () => session.release(),
  };
};
