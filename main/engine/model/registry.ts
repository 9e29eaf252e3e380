/**
 * The model formats Lowbit reads, and the one way to open a model from bytes. The CLI, the
 * services, the jobs and the devices all come through `openModel` (files through
 * main/files/model-file.ts, which adds the reading), so a format listed here works everywhere.
 *
 * Adding a format: implement ModelFormat in main/engine/<id>/format.ts and add it to
 * MODEL_FORMATS. Order matters only when two formats claim the same bytes: the first wins.
 */
import { LowbitError, ModelFormatError, UnsupportedOpError } from '../errors';
import type { TflModel } from '../tflite/model';
import { onnxFormat } from '../onnx/format';
import { tfliteFormat } from '../tflite/format';
import type { ModelReadContext } from './external-data';
import type { ModelFormat } from './format';

export const MODEL_FORMATS: readonly ModelFormat[] = [tfliteFormat, onnxFormat];

/** True when the file name ends in one of the formats' extensions (a cheap guess, before reading). */
export function hasModelExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return MODEL_FORMATS.some((f) => f.extensions.some((ext) => lower.endsWith(ext)));
}

/** A model as read from its file, in its own format's terms. */
export interface ReadModel {
  format: ModelFormat;
  /** The format's own model; hand it back to `format`'s methods. */
  model: unknown;
}

/** A model ready for the engine: the format's model and the TFLite model to run and optimize. */
export interface OpenedModel extends ReadModel {
  /** The model itself for TFLite; the format's lowering for the others. */
  tflite: TflModel;
}

/** The format that recognises these bytes, or a ModelFormatError naming the file. */
export function formatFor(bytes: Uint8Array, name: string): ModelFormat {
  const format = MODEL_FORMATS.find((f) => f.sniff(bytes, name));
  if (format) return format;
  const expected = MODEL_FORMATS.map((f) => `${f.name} (${f.recognisedBy})`).join(' or ');
  throw new ModelFormatError(`${name}: not a model format Lowbit reads: expected ${expected}`);
}

/** Finds the format and parses the bytes; every error names the file. */
export function readModel(bytes: Uint8Array, name: string, context?: ModelReadContext): ReadModel {
  const format = formatFor(bytes, name);
  try {
    return { format, model: format.read(bytes, name, context) };
  } catch (e) {
    throw namingFile(name, e);
  }
}

/** Reads the model and lowers it to TFLite; every error names the file. */
export function openModel(bytes: Uint8Array, name: string, context?: ModelReadContext): OpenedModel {
  const read = readModel(bytes, name, context);
  return { ...read, tflite: lower(read, name) };
}

/**
 * The read model with `tflite` lowered when first asked for: reading `tflite` of a model that
 * cannot be lowered (an ONNX op the converter lacks) throws that error, naming the file, each
 * time. For callers that show a model before anything runs it (the app's inspector).
 */
export function lowerWhenAsked(read: ReadModel, name: string): OpenedModel {
  let lowered: TflModel | undefined;
  return {
    format: read.format,
    model: read.model,
    get tflite() {
      return (lowered ??= lower(read, name));
    },
  };
}

function lower({ format, model }: ReadModel, name: string): TflModel {
  if (!format.toTflite)
    throw new UnsupportedOpError(
      `${name}: ${format.name} models can be inspected but not run or optimized yet`,
    );
  try {
    return format.toTflite(model);
  } catch (e) {
    throw namingFile(name, e);
  }
}

/** The same failure with the file name in front; anything that is not a LowbitError is a bad file. */
export function namingFile(name: string, e: unknown): LowbitError {
  const message = `${name}: ${e instanceof Error ? e.message : String(e)}`;
  if (e instanceof LowbitError && e.code !== 'MODEL_FORMAT')
    return new LowbitError(e.code, message, {
      cause: e,
      ...(e.option !== undefined ? { option: e.option } : {}),
    });
  return new ModelFormatError(message, { cause: e });
}
