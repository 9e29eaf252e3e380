/**
 * Tensor data kept outside the model file (ONNX's `data_location = EXTERNAL`): the engine never
 * touches the file system, so a format asks its host for byte ranges through this interface.
 * main/files/external-data.ts implements it relative to the model's folder (refusing locations
 * that leave it); tests implement it in memory.
 *
 * Both methods throw a ModelFormatError saying what is wrong (a location that escapes the
 * folder, a missing file, a range past its end); the format adds the tensor's name and the
 * registry the model's file name. `read` is called lazily, when a consumer asks for a tensor's
 * values, so opening a model with gigabytes of external weights reads none of them.
 */
export interface ExternalDataResolver {
  /** The size in bytes of the data file at `location` (a relative path, as the model spells it). */
  size(location: string): number;
  /** `length` bytes of that file from `offset`; the caller has checked the range against `size`. */
  read(location: string, offset: number, length: number): Uint8Array;
}

/** What reading a model may need besides its bytes. */
export interface ModelReadContext {
  /** Where external tensor data comes from; without it, a model that has some is refused. */
  externalData?: ExternalDataResolver;
}
