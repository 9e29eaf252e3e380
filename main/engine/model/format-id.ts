/**
 * The ids of the model formats Lowbit reads. Kept apart from format.ts so the contract (and the
 * renderer behind it) can name a format without pulling in any format's model types.
 *
 * Adding a format: add its id here, its folder (main/engine/<id>/format.ts) and its line in
 * registry.ts.
 */
export type ModelFormatId = 'tflite' | 'onnx';
