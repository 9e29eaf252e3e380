/**
 * Runs a written .tflite in Lowbit's interpreter over preprocessed samples and returns the
 * predicted classes (first maximum of output 0). The demo trainer uses it to report accuracy as
 * the app will measure it, not as the trainer computes it.
 */
import { Interpreter } from '../interpreter';
import { readTflite } from '../tflite/reader';
import { argmax } from './trainer';

export function interpreterPredictions(
  tflite: Uint8Array,
  input: (i: number) => Float32Array,
  count: number,
): Uint8Array {
  const interp = Interpreter.create(readTflite(tflite));
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    interp.setInput(0, input(i));
    interp.invoke();
    out[i] = argmax(interp.output(0).data as Float32Array);
  }
  return out;
}
