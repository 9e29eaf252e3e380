/**
 * ONNX → TFLite conversion (float32). Read convert.ts for the passes, op-converter.ts and
 * ops/registry.ts to add an op, layout.ts for how channel-first becomes channel-last without
 * TRANSPOSE operators, report.ts for what the report holds.
 */
export { convertOnnxToTflite, convertOnnxGraph } from './convert';
export type { ConversionResult, ConvertOptions, IoLayout } from './convert';
export { formatConversionReport } from './report';
export type { ConversionReport, ConvertedIo, ExplicitTranspose, NodeConversion } from './report';
