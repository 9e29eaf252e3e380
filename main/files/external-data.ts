/**
 * External tensor data on disk (the engine's ExternalDataResolver, model/external-data.ts): ONNX
 * locations are resolved relative to the model's folder and must stay inside it. Refused, each a
 * ModelFormatError naming the location: an absolute path, a `..` segment, a path whose real
 * location (symbolic links followed) is outside the folder, a missing or non-regular file.
 * Sizes are looked up once per location; ranges are read only when a tensor's values are asked
 * for, so a model with gigabytes of external weights opens without reading them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LowbitError, ModelFormatError } from '../engine/errors';
import type { ExternalDataResolver } from '../engine/model/external-data';
import { isInside } from './inside';
import { readFileRange, regularFileSize } from './read-file';

/** A resolver for data files beside (or below) the model file `modelFile`. */
export function externalDataBeside(modelFile: string): ExternalDataResolver {
  const folder = path.dirname(path.resolve(modelFile));
  const files = new Map<string, { file: string; size: number }>();
  const resolve = (location: string) => {
    let found = files.get(location);
    if (!found) {
      const file = containedFile(folder, location);
      found = { file, size: asDataError(location, () => regularFileSize(file, 'externalData')) };
      files.set(location, found);
    }
    return found;
  };
  return {
    size: (location) => resolve(location).size,
    read: (location, offset, length) =>
      asDataError(location, () => readFileRange(resolve(location).file, 'externalData', offset, length)),
  };
}

/** The real path of `location` under `folder`, or a ModelFormatError saying why it is refused. */
function containedFile(folder: string, location: string): string {
  const refuse = (why: string) => new ModelFormatError(`external data "${location}" ${why}`);
  if (path.isAbsolute(location) || path.win32.isAbsolute(location) || /^[a-zA-Z]:/.test(location))
    throw refuse("is an absolute path: it must be relative to the model's folder");
  if (location.split(/[\\/]/).includes('..')) throw refuse("leaves the model's folder (a '..' in its path)");
  let real: string;
  let realFolder: string;
  try {
    realFolder = fs.realpathSync(folder);
    real = fs.realpathSync(path.join(folder, location));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw refuse(
      code === 'ENOENT' || code === 'ENOTDIR'
        ? "is missing from the model's folder"
        : `cannot be opened (${code ?? 'error'})`,
    );
  }
  if (!isInside(real, realFolder)) throw refuse("leads out of the model's folder through a symbolic link");
  return real;
}

/** IO failures on a data file become ModelFormatErrors about the model's data. */
function asDataError<T>(location: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    const why = e instanceof LowbitError ? e.message.replace(/^.*?: /, '') : String(e);
    throw new ModelFormatError(`external data "${location}": ${why}`, { cause: e });
  }
}
