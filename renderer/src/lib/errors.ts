/** Error codes (main/engine/errors.ts, plus the bridge's own) mapped to what the user should do. */
import type { ErrorInfo } from './contract';

export interface ErrorAdvice {
  title: string;
  /** The error's own message, prefixed where that reads better. */
  detail: string;
  /** What to do about it. */
  hint: string;
}

export function adviceFor(e: ErrorInfo): ErrorAdvice {
  switch (e.code) {
    case 'MODEL_FORMAT': {
      // Neither format recognised the file (registry.ts): say which formats Lowbit opens.
      const neither = /^(.*?):? ?not a model format Lowbit reads/.exec(e.message);
      if (neither)
        return {
          title: 'Not a model Lowbit opens',
          detail: `${neither[1] ? `${neither[1]} is` : 'This file is'} neither a TensorFlow Lite (.tflite) nor an ONNX (.onnx) model.`,
          hint: 'Open the .tflite or .onnx file your converter or training script wrote.',
        };
      // The message names the file: an .onnx file gets ONNX's words, anything else TFLite's.
      if (/\.onnx\b/i.test(e.message))
        return {
          title: 'Not a valid ONNX model',
          detail: `This file is not a valid .onnx model: ${e.message}`,
          hint: 'Check that the file was exported completely (torch.onnx.export, tf2onnx…) and that any external data files sit beside it.',
        };
      return {
        title: 'Not a valid TFLite model',
        detail: `This file is not a valid .tflite model: ${plainModelFormat(e.message)}`,
        hint: 'Check that the file was exported by the TensorFlow Lite converter and was copied or downloaded completely.',
      };
    }
    case 'UNSUPPORTED_OP':
      return {
        title: 'Unsupported operator',
        detail: e.message,
        hint: 'Lowbit can show this model but cannot run or transform this operator yet.',
      };
    case 'NOT_FOUND':
      return {
        title: 'File not found',
        detail: e.message,
        hint: 'The file may have been moved or deleted. Open it again from its new location.',
      };
    case 'IO':
      return {
        title: 'Could not read the file',
        detail: e.message,
        hint: 'Check that the file is readable and the disk is available.',
      };
    case 'INVALID_ARGUMENT':
      return {
        title: 'Invalid request',
        detail: e.message,
        hint: 'This is probably a bug in Lowbit; please report it with the message above.',
      };
    case 'HOST_DISCONNECTED':
      return {
        title: 'Lost contact with Lowbit',
        detail: e.message,
        hint: 'Restart `lowbit serve` and open the address it prints (it includes a new session token).',
      };
    case 'DATASET':
      return {
        title: 'Problem with the dataset',
        detail: e.message,
        hint: 'Fix or remove the file named above, or choose another folder; check that the samples match the model input.',
      };
    case 'SHAPE_MISMATCH':
      return {
        title: 'Shapes do not match',
        detail: e.message,
        hint: 'The data or preprocessing does not fit the model input: check the size, colour channels and layout.',
      };
    case 'QUANTIZATION':
      return {
        title: 'Quantization failed',
        detail: e.message,
        hint: 'Try another technique, keep the named layer in float, or calibrate with more representative data.',
      };
    case 'DEVICE_TIMEOUT':
    case 'DEVICE_PROTOCOL':
    case 'DEVICE_NOT_FOUND':
    case 'DEVICE_DISCONNECTED':
    case 'DEVICE_VERIFY':
    case 'DEVICE_WRONG_CHIP':
    case 'DEVICE':
      return {
        title: 'Device problem',
        detail: e.message,
        hint: 'Check the cable and the port, put the board in its bootloader mode, and try again.',
      };
    case 'CANCELLED':
      return { title: 'Cancelled', detail: e.message, hint: 'Nothing was changed.' };
    default:
      return {
        title: 'Something went wrong',
        detail: e.message,
        hint: 'This is probably a bug in Lowbit; please report it with the message above.',
      };
  }
}

/**
 * A model reader's message in an embedded developer's words (issue 17): the reader says where
 * in the bytes it stopped (`file identifier is "%k?w"`, `vector at offset 812 claims…`); the
 * user needs to know what that means for the file. The reader's own words stay available as the
 * technical detail.
 */
export function plainModelFormat(message: string): string {
  if (/file identifier is/.test(message))
    return 'it does not carry the "TFL3" marker every .tflite file has near its start, so it is another kind of file or not a model at all.';
  if (/too short|outside the file|past the end of the file|is truncated/.test(message))
    return 'it is truncated: the file ends before the model does (an incomplete copy or download?).';
  if (/memory|cap|limit/i.test(message) && /MiB|bytes/.test(message))
    return 'reading it would take more memory than a model of this size can need, so it is refused as damaged.';
  return 'its contents are inconsistent (damaged, or written by a tool with a bug).';
}

/** Whatever was thrown, as {code, message}: ApiError carries a code, anything else is INTERNAL. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    return {
      code: (e as { code: string }).code,
      message: String((e as { message?: unknown }).message ?? ''),
    };
  }
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
