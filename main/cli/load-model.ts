import { LowbitError, ModelFormatError } from '../engine/errors';
import { readTflite } from '../engine/tflite/reader';
import type { TflModel } from '../engine/tflite/model';
import { readFileBytes } from '../files/read-write';

/** Reads a model file; every failure names the file. */
export function loadModelFile(file: string): { model: TflModel; bytes: Uint8Array } {
  const bytes = readFileBytes(file);
  try {
    return { model: readTflite(bytes), bytes };
  } catch (e) {
    if (e instanceof ModelFormatError) throw new ModelFormatError(`${file}: ${e.message}`, { cause: e });
    if (e instanceof LowbitError) throw e;
    throw new ModelFormatError(`${file}: ${(e as Error).message}`, { cause: e });
  }
}
