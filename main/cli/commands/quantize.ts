import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { parse } from '../args';
import {
  CALIBRATION_METHODS,
  parseKeepFloat,
  quantizeModel,
  needsCalibration,
  TECHNIQUE_IDS,
  TECHNIQUES,
  techniquesTaking,
  type CalibrationMethod,
  type ModelIo,
} from '../../engine/optimize/index';
import type { FullIntegerResult } from '../../engine/optimize/full-integer';
import { writeTflite } from '../../engine/tflite/writer';
import { writeFileAtomic } from '../../files/write-file';
import { openModelFile } from '../../files/model-file';
import { loadRepresentativeData } from '../load-data';
import { isOnnxPath, quantizeOnnxFile } from '../onnx-quantize';
import { ONNX_TECHNIQUES, type OnnxTechnique } from '../../engine/optimize/onnx/index';
import {
  CALIBRATION_FLAG,
  JSON_FLAG,
  OUT_FLAG,
  PREPROCESS_FLAG,
  preprocessFlag,
  techniqueOption,
  WORKERS_FLAG,
  workersOption,
} from '../options';
import { WorkerSamplePool } from '../../jobs/pool/sample-pool';
import { prepareOutputFile } from '../output-path';

const idsNeeding = (data: 'none' | 'calibration-sample') =>
  TECHNIQUES.filter((t) => t.needs === data)
    .map((t) => t.id)
    .join(' and ');

export const command: CliCommand = {
  name: 'quantize',
  summary: 'Quantize a float model: float16, dynamic range, full int8 or 16x8 (with calibration data)',
  usage: `usage: lowbit quantize MODEL --technique ${TECHNIQUE_IDS.join('|')} --out OUT [options]

Post-training quantization of a float32 .tflite or .onnx model (an .onnx MODEL with --out .tflite
is converted to TFLite first, then quantized like a .tflite). ${idsNeeding('none')} need no data;
${idsNeeding('calibration-sample')} calibrate on representative samples run through Lowbit's interpreter.
dynamic gives int8 weights to CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and
UNIDIRECTIONAL_SEQUENCE_LSTM (hybrid kernels); everything else stays float.
  --technique T            ${TECHNIQUE_IDS.join(' | ')} (any case)
  --out OUT                output .tflite (never the input; written atomically), or .onnx for an
                           ONNX model: int8 writes a QDQ model (int8 activations asymmetric per
                           tensor, int8 weights symmetric per channel, int32 biases; calibrated in
                           ONNX Runtime), dynamic int8 weights behind DequantizeLinear
  --calibration PATH       .npy (N samples stacked, or one), raw float32 .bin, a folder of them,
                           IDX images (MNIST format, plain or .gz), .npz, CSV,
                           or a folder of PNG/JPEG/BMP images (with --preprocess)
  --preprocess SPEC        for images: e.g. gray,scale=-1..1 or resize=224x224,rgb,mean=.485/.456/.406,std=.229/.224/.225,layout=nchw
  --samples N              use at most N samples, evenly spaced (default: all)
  --calibration-method M   minmax (default) | moving-average | percentile | mse
  --percentile P           for --calibration-method percentile (default 99.99)
  --io IO                  model input/output type: float (default) | int8 | uint8 | int16 (16x8)
  --per-tensor             per-tensor weights instead of per channel
  --fc-per-tensor          per-tensor FULLY_CONNECTED weights only (older runtimes, e.g. Arm NN 20.08)
  --min-elements N         dynamic: weights with fewer elements stay float (default 1024, as LiteRT;
                           an LSTM is quantized whole or not at all)
  --keep-float RULE        op:CONV_2D or tensor:<regex>; repeatable; recorded in the metadata
  --strict                 fail, listing every op without an integer kernel, instead of keeping it float
  --workers N              threads that run the calibration samples (default: one per core); the
                           model is identical whatever N (an LSTM's samples run in order on one)
  --json                   print {"technique","inputBytes","outputBytes","sizeRatio","quantizedOps","floatOps","seconds","warnings":[]}`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      {
        technique: { type: 'string' },
        ...OUT_FLAG,
        ...CALIBRATION_FLAG,
        ...PREPROCESS_FLAG,
        samples: { type: 'string' },
        'calibration-method': { type: 'string' },
        percentile: { type: 'string' },
        io: { type: 'string' },
        'per-tensor': { type: 'boolean' },
        'fc-per-tensor': { type: 'boolean' },
        'min-elements': { type: 'string' },
        'keep-float': { type: 'string', multiple: true },
        strict: { type: 'boolean' },
        ...JSON_FLAG,
        ...WORKERS_FLAG,
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    const technique = techniqueOption(values.technique);
    if (!values.out) throw new UsageError('--out OUT is required');
    const method = (values['calibration-method'] ?? 'minmax') as CalibrationMethod;
    if (!CALIBRATION_METHODS.includes(method))
      throw new UsageError(`--calibration-method must be one of ${CALIBRATION_METHODS.join(', ')}`);
    const io = (values.io ?? 'float') as ModelIo;
    if (!['float', 'int8', 'uint8', 'int16'].includes(io))
      throw new UsageError('--io must be float, int8, uint8 or int16');
    const limit = values.samples !== undefined ? Number(values.samples) : undefined;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
      throw new UsageError('--samples must be a positive integer');
    const percentile = values.percentile !== undefined ? Number(values.percentile) : undefined;
    if (percentile !== undefined && !Number.isFinite(percentile))
      throw new UsageError('--percentile must be a number');
    const keepFloat = (values['keep-float'] ?? []).map(parseKeepFloat);
    const minElements = values['min-elements'] !== undefined ? Number(values['min-elements']) : undefined;
    if (minElements !== undefined && !(Number.isInteger(minElements) && minElements >= 0))
      throw new UsageError('--min-elements must be a non-negative integer');
    const takingMinElements = techniquesTaking('minElements');
    if (minElements !== undefined && !takingMinElements.includes(technique))
      throw new UsageError(`--min-elements applies to --technique ${takingMinElements.join(', ')} only`);
    prepareOutputFile(values.out, [file, values.calibration]);
    const full = needsCalibration(technique);
    if (full && !values.calibration && !values.strict)
      throw new UsageError(`--technique ${technique} needs --calibration PATH (representative samples)`);
    if (!full && values.calibration) ctx.log(`note: --calibration is not used by --technique ${technique}`);

    /** The summary line (or JSON) and the warnings, for either output format. */
    const report = (
      inputBytes: number,
      outputBytes: number,
      result: { quantizedOps: number; floatOps: number; warnings: string[] },
      inputRanges: FullIntegerResult['inputRanges'],
    ) => {
      const summary = {
        technique,
        inputBytes: inputBytes,
        outputBytes: outputBytes,
        sizeRatio: Number((outputBytes / inputBytes).toFixed(4)),
        quantizedOps: result.quantizedOps,
        floatOps: result.floatOps,
        seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
        warnings: result.warnings,
      };
      if (values.json) ctx.out(JSON.stringify(summary));
      else {
        // Observed input ranges against what the model expects: the preprocessing check.
        for (const r of inputRanges) {
          if (!r.observed) continue;
          const fmt = (x: number) => String(Number(x.toPrecision(5)));
          const expected = r.expected
            ? ` (the model expects [${fmt(r.expected.min)}, ${fmt(r.expected.max)}])`
            : '';
          ctx.log(
            `input ${r.input} "${r.name}": calibration data spans [${fmt(r.observed.min)}, ${fmt(r.observed.max)}]${expected}`,
          );
        }
        for (const w of result.warnings) ctx.log(`warning: ${w}`);
        ctx.out(
          `wrote ${values.out}: ${technique}, ${outputBytes} bytes (${(summary.sizeRatio * 100).toFixed(1)}% of ${inputBytes}), ` +
            `${summary.quantizedOps} quantized op(s), ${summary.floatOps} float op(s), ${summary.seconds} s`,
        );
      }
    };

    const t0 = performance.now();
    if (isOnnxPath(values.out)) {
      if (!(ONNX_TECHNIQUES as readonly string[]).includes(technique))
        throw new UsageError(`--out .onnx takes --technique ${ONNX_TECHNIQUES.join(' or ')}`);
      for (const flag of ['keep-float', 'strict', 'fc-per-tensor', 'min-elements'] as const)
        if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to --out .onnx`);
      if (io !== 'float')
        throw new UsageError('--io does not apply to --out .onnx (the QDQ model keeps float I/O)');
      const onnx = await quantizeOnnxFile(
        file,
        {
          technique: technique as OnnxTechnique,
          calibration: values.calibration,
          limit,
          preprocess: preprocessFlag(values.preprocess),
          method,
          percentile,
          perTensor: values['per-tensor'],
        },
        ctx,
      );
      writeFileAtomic(values.out, onnx.output, [file, ...(values.calibration ? [values.calibration] : [])]);
      report(onnx.inputBytes, onnx.output.length, onnx.result, []);
      return 0;
    }
    const { tflite: model, bytes } = openModelFile(file);
    const samples =
      full && values.calibration
        ? loadRepresentativeData(values.calibration, model, limit, preprocessFlag(values.preprocess))
        : [];
    const pool = new WorkerSamplePool(workersOption(values.workers));
    if (full)
      ctx.log(`calibrating on ${samples.length} sample(s) with ${method}, ${pool.workers} worker thread(s)`);
    const result = await quantizeModel(model, {
      technique,
      samples,
      io,
      method,
      percentile,
      perTensor: values['per-tensor'],
      perTensorFullyConnected: values['fc-per-tensor'],
      keepFloat,
      minElements,
      strict: values.strict,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress('calibration samples', done, total),
      pool,
    }).finally(() => pool.dispose());
    const out = writeTflite(result.model);
    // Only a complete result is written: a cancel or failure above leaves no file behind.
    writeFileAtomic(values.out, out, [file, ...(values.calibration ? [values.calibration] : [])]);
    report(bytes.length, out.length, result, 'inputRanges' in result ? result.inputRanges : []);
    return 0;
  },
};
