/**
 * Evaluation's per-sample work for a SamplePool: run a TFLite model (read from its bytes) on one
 * sample with the FloatRunner evaluation uses on one thread, outputs as real values.
 */
import type { SampleTask } from '../interpreter/sample-pool';
import { openModel } from '../model/registry';
import { FloatRunner } from './runner';

export const outputsTask: SampleTask<{ model: Uint8Array }, Float32Array[]> = {
  id: 'evaluate.outputs',
  open({ model }) {
    const runner = new FloatRunner(openModel(model, 'the model').tflite);
    return (inputs) => runner.run(inputs);
  },
};
