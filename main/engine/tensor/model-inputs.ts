/**
 * What one model invocation takes as float values: one Float32Array per model input, in the
 * model's input order, each already laid out for that input's shape. A dataset sample carries
 * one (engine/datasets/samples.ts); the quantizer calibrates on a list of them.
 */
export type ModelInputs = Float32Array[];
