import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { parse } from '../args';
import { JSON_FLAG, OUT_FLAG } from '../options';
import { convertOnnxToTflite, formatConversionReport, type IoLayout } from '../../engine/convert/index';
import { namingFile } from '../../engine/model/registry';
import { writeTflite } from '../../engine/tflite/writer';
import type { ModelIo } from '../../engine/optimize/index';
import { convertQuantizedOnnx, isQuantizedOnnx } from '../onnx-quantize';
import { readModelFile } from '../../files/model-file';
import type { OnnxModel } from '../../engine/onnx/reader';
import { writeFileAtomic } from '../../files/write-file';
import { prepareOutputFile } from '../output-path';

/** `name=1,3,224,224` → [name, dims]. */
function parseInputShape(text: string): [string, number[]] {
  const eq = text.lastIndexOf('=');
  const dims = text
    .slice(eq + 1)
    .split(',')
    .map(Number);
  if (eq <= 0 || dims.some((d) => !Number.isSafeInteger(d) || d <= 0))
    throw new UsageError(`--input-shape ${text}: expected NAME=D1,D2,... with positive integers`);
  return [text.slice(0, eq), dims];
}

export const command: CliCommand = {
  name: 'convert',
  summary: 'Convert an ONNX model to a float32 TFLite model (channel-last inside), with a per-node report',
  usage: `usage: lowbit convert MODEL.onnx --out OUT.tflite [--input-shape NAME=D1,D2,...]... [--io-layout nchw|nhwc] [--json]

Converts every node to TFLite operators (float32). Channel-first tensors are stored
channel-last inside, with no TRANSPOSE between operators where the layout pass can avoid one;
constant subgraphs (Shape, Gather, Cast, Concat, Unsqueeze...) fold away; BatchNormalization
folds into the convolution before it. An unsupported op stops the conversion before anything
is written, listing every unsupported node. A quantized ONNX model (QuantizeLinear/DequantizeLinear)
becomes full-integer int8 TFLite that keeps the ONNX scales and zero points where TFLite's int8
spec allows; the tensors it had to requantize are listed.
  --out OUT                 output .tflite (never the input; written atomically)
  --input-shape NAME=DIMS   shape of an input with dynamic dims (batch dims become 1 by themselves); repeatable
  --io-layout nchw|nhwc     rank-4 inputs and outputs as in ONNX (nchw, default) or channel-last (nhwc: no transpose at all)
  --io float|int8|uint8     a quantized (QDQ) model's TFLite input/output type (default float)
  --fc-per-tensor           a quantized model's FULLY_CONNECTED weights per tensor (Arm NN 20.08), requantized
  --json                    print {"outputBytes","seconds","report"} (report: each node and its TFLite operators)`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      {
        ...OUT_FLAG,
        ...JSON_FLAG,
        'input-shape': { type: 'string', multiple: true },
        'io-layout': { type: 'string' },
        io: { type: 'string' },
        'fc-per-tensor': { type: 'boolean' },
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    if (!values.out) throw new UsageError('--out OUT is required');
    prepareOutputFile(values.out, [file]);
    const ioLayout = values['io-layout'] ?? 'nchw';
    if (ioLayout !== 'nchw' && ioLayout !== 'nhwc')
      throw new UsageError(`--io-layout ${ioLayout}: expected nchw or nhwc`);
    const inputShapes = Object.fromEntries((values['input-shape'] ?? []).map(parseInputShape));
    const t0 = performance.now();
    const read = readModelFile(file);
    if (read.format.id !== 'onnx')
      throw new UsageError(`${file} is a ${read.format.name} model: convert reads ONNX models`);
    let result;
    let out: Uint8Array;
    const convertOptions = {
      inputShapes,
      ioLayout: ioLayout as IoLayout,
      signal: ctx.signal,
      onProgress: (done: number, total: number) => ctx.progress('convert', done, total),
    };
    const io = values.io ?? 'float';
    if (!['float', 'int8', 'uint8'].includes(io)) throw new UsageError('--io must be float, int8 or uint8');
    try {
      result = isQuantizedOnnx(read.model as OnnxModel)
        ? await convertQuantizedOnnx(
            read.model as OnnxModel,
            convertOptions,
            { io: io as ModelIo, perTensorFullyConnected: !!values['fc-per-tensor'] },
            ctx,
          )
        : convertOnnxToTflite(read.model as OnnxModel, convertOptions);
      out = writeTflite(result.model);
    } catch (e) {
      throw namingFile(file, e);
    }
    writeFileAtomic(values.out, out, [file]);
    const seconds = Number(((performance.now() - t0) / 1000).toFixed(3));
    if (values.json) ctx.out(JSON.stringify({ outputBytes: out.length, seconds, report: result.report }));
    else {
      for (const line of formatConversionReport(result.report)) ctx.out(line);
      const ops = Object.entries(result.report.tfliteOps)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ');
      ctx.out(
        `wrote ${values.out}: ${out.length} bytes, ${result.report.nodes.length} ONNX node(s) → ${ops}`,
      );
    }
    return 0;
  },
};
