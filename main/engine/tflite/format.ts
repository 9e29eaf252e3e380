import type { ModelFormat } from '../model/format';
import { describeEdgeTpu } from './edgetpu/compiled';
import { tfliteConstantValues, tfliteOpAttributes } from './graph-details';
import { inspectModel } from './inspect';
import type { TflModel } from './model';
import { isTflite, readTflite, TFLITE_IDENTIFIER } from './reader';
import { writeTflite } from './writer';

/**
 * TFLite as a ModelFormat. A file is TFLite when it carries the "TFL3" file identifier at bytes
 * 4..8 or is named *.tflite; the second rule keeps a damaged .tflite file on this format, so its
 * error says what is wrong with it rather than that nothing recognised it.
 */
export const tfliteFormat: ModelFormat<TflModel> = {
  id: 'tflite',
  name: 'TFLite',
  extensions: ['.tflite'],
  recognisedBy: `the file identifier "${TFLITE_IDENTIFIER}" at bytes 4..8 or a name ending in .tflite`,
  sniff: (bytes, fileName) => isTflite(bytes) || fileName.toLowerCase().endsWith('.tflite'),
  read: (bytes) => {
    const model = readTflite(bytes);
    // A compiled model's Edge TPU packages are untrusted bytes too: decode them once here, so a
    // damaged one is refused when the file is opened (the registry names the file), not later.
    describeEdgeTpu(model);
    return model;
  },
  inspect: inspectModel,
  write: writeTflite,
  toTflite: (model) => model,
  opAttributes: tfliteOpAttributes,
  constantValues: tfliteConstantValues,
};
