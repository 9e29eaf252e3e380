import type { CliCommand } from './command';

/**
 * Every CLI command, one import per line. Kept as lazy imports so `lowbit --help` and small
 * commands start fast and a command's heavy dependencies load only when it runs.
 */
export const commands: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  inspect: {
    summary: 'Show a model: inputs, outputs, ops, tensors, sizes',
    load: async () => (await import('./commands/inspect')).command,
  },
  edgetpu: {
    summary:
      "Coral Edge TPU: predict what edgetpu_compiler maps (per-op status, reason, fix); load the USB Accelerator's firmware",
    load: async () => (await import('./commands/edgetpu')).command,
  },
  run: {
    summary: 'Run a model on input files with the interpreter; write or print its outputs',
    load: async () => (await import('./commands/run')).command,
  },
  convert: {
    summary: 'Convert an ONNX model to a float32 TFLite model (channel-last inside), with a per-node report',
    load: async () => (await import('./commands/convert')).command,
  },
  rewrite: {
    summary: 'Read a model and write it back unchanged (round-trip check)',
    load: async () => (await import('./commands/rewrite')).command,
  },
  serve: {
    summary: 'Serve the app UI in a browser on 127.0.0.1 (no Electron needed)',
    load: async () => (await import('./commands/serve')).command,
  },
  fit: {
    summary: 'Will the model fit a microcontroller? Flash and RAM per board, with the basis of each figure',
    load: async () => (await import('./commands/fit')).command,
  },
  export: {
    summary: 'Export for TensorFlow Lite Micro: C++ sources, an Arduino library, or a flashable container',
    load: async () => (await import('./commands/export')).command,
  },
  devices: {
    summary: 'List serial ports, USB devices and UF2 drives, with a board guess',
    load: async () => (await import('./commands/devices')).command,
  },
  flash: {
    summary: 'Flash a model (in its verified container) to a board over serial, or via its UF2 drive',
    load: async () => (await import('./commands/flash')).command,
  },
  uf2: {
    summary: 'Write a model (in its container) as a UF2 image for RP2040/RP2350 boot drives',
    load: async () => (await import('./commands/uf2')).command,
  },
  recommend: {
    summary: 'Recommend optimization techniques for your data, hardware and priority',
    load: async () => (await import('./commands/recommend')).command,
  },
  quantize: {
    summary: 'Quantize a float model: float16, dynamic range, full int8 or 16x8 (with calibration data)',
    load: async () => (await import('./commands/quantize')).command,
  },
  dequantize: {
    summary: 'Turn an int8/16x8/float16 model back into a float32 model',
    load: async () => (await import('./commands/dequantize')).command,
  },
  debug: {
    summary: 'Compare a quantized model with its float model layer by layer (SQNR, cosine, errors)',
    load: async () => (await import('./commands/debug')).command,
  },
  prune: {
    summary: 'Prune weights (magnitude, 2:4 or whole channels); measure size, gzip, sparsity and accuracy',
    load: async () => (await import('./commands/prune')).command,
  },
  cluster: {
    summary: 'Cluster weights (k-means) to N shared values per layer or channel; measure the effect',
    load: async () => (await import('./commands/cluster')).command,
  },
  optimize: {
    summary: 'Chain prune → cluster → quantize, measuring every stage (bytes, gzip, sparsity, accuracy)',
    load: async () => (await import('./commands/optimize')).command,
  },
  train: {
    summary:
      'Fine-tune on labelled data: QAT, pruning, clustering, distillation (recipes combine); keeps the best epoch',
    load: async () => (await import('./commands/train')).command,
  },
  evaluate: {
    summary: 'Evaluate models on a dataset: accuracy, agreement with a baseline, size, latency, arena',
    load: async () => (await import('./commands/evaluate')).command,
  },
  demo: {
    summary: 'Quantize the bundled Fashion-MNIST demo model four ways and compare (offline, no arguments)',
    load: async () => (await import('./commands/demo')).command,
  },
};
