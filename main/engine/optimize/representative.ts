/**
 * Representative samples from tensor files (bytes in, samples out; the CLI reads the files):
 * a .npy holding one sample or N samples stacked on a leading axis, or raw little-endian float32
 * `.bin` bytes holding one or more samples. Integer .npy data is converted to float32 as is
 * (no rescaling: preprocessing is the caller's business).
 */
import { DatasetError } from '../errors';
import { isNpy, npyNumbers, parseNpy } from '../tensor/tensor-files';
import type { ModelInputs } from '../tensor/model-inputs';

/** Splits one file's values into samples for a single-input model with `elements` per sample. */
export function samplesFromFile(name: string, bytes: Uint8Array, elements: number): ModelInputs[] {
  let values: Float32Array;
  if (name.toLowerCase().endsWith('.npy') || isNpy(bytes)) {
    const numbers = npyNumbers(parseNpy(bytes, name), name);
    values = numbers instanceof Float32Array ? numbers : Float32Array.from(numbers);
  } else {
    if (bytes.length % 4 !== 0)
      throw new DatasetError(`${name}: ${bytes.length} bytes is not a whole number of float32 values`);
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    values = new Float32Array(copy.buffer);
  }
  if (elements <= 0 || values.length === 0 || values.length % elements !== 0) {
    throw new DatasetError(
      `${name}: ${values.length} values is not a whole number of samples of ${elements} values (the model input's size)`,
    );
  }
  const out: ModelInputs[] = [];
  for (let k = 0; k < values.length; k += elements) out.push([values.slice(k, k + elements)]);
  return out;
}
