import path from 'node:path';
import { UsageError, type CliCommand, type CliContext } from '../command';
import { parse } from '../args';
import { intOption, JSON_FLAG, positiveInt } from '../options';
import { checkEdgeTpu } from '../../engine/targets/edgetpu/check';
import { comparePrediction } from '../../engine/targets/edgetpu/prediction-vs-compiler';
import { describeEdgeTpu } from '../../engine/tflite/edgetpu/compiled';
import { openModelFile } from '../../files/model-file';
import {
  DEFAULT_COMPILE_TIMEOUT_MS,
  requireEdgeTpuCompiler,
  runEdgeTpuCompiler,
} from '../../files/edgetpu-compiler';
import { formatEdgeTpuCheck, formatEdgeTpuCompile } from '../format/edgetpu';
import { EDGETPU_FIRMWARE_USAGE, runEdgeTpuFirmware } from '../edgetpu-firmware';

const USAGE = `usage: lowbit edgetpu check MODEL [--json]
       lowbit edgetpu compile MODEL [-o DIR] [-m N] [-s] [--compiler PATH] [--timeout S] [--json]
       lowbit edgetpu firmware [--timeout S] [--retries N] [--json]

check   Predicts what Coral's edgetpu_compiler does with MODEL, without the compiler: per
        operator the compiler's status (Mapped to Edge TPU, Operation not supported, More than
        one subgraph is not supported, ...) with the reason and the fix; how many ops run on the
        Edge TPU and on the CPU; the first op that stops the mapping (the compiler maps one
        prefix of the graph: that op and everything after it run on the CPU); the parameters
        against the ~8 MB on-chip cache; the minimum Edge TPU runtime (int8 I/O needs 12).
        A float, dynamic-range or dynamic-shape model is refused as the compiler refuses it.
  --json  print the report as JSON

compile Runs Coral's edgetpu_compiler, if you have it (Lowbit never ships it; without it this
        says how to get it), and shows its result next to the prediction of check: per op type,
        ops on the Edge TPU and on the CPU, and whether the totals agree; then the compiled
        model's Edge TPU op (compiler version, minimum runtime, parameters).
  -o, --out DIR          where MODEL_edgetpu.tflite and its .log go (default: beside MODEL)
  -m, --min-runtime N    the oldest Edge TPU runtime the result must run on (compiler -m)
  -s, --show-operations  also print the compiler's own operator table
  --compiler PATH        the compiler to run (default: $LOWBIT_EDGETPU_COMPILER, then PATH)
  --timeout S            stop the compiler after S seconds (default ${DEFAULT_COMPILE_TIMEOUT_MS / 1000})

${EDGETPU_FIRMWARE_USAGE}`;

export const command: CliCommand = {
  name: 'edgetpu',
  summary:
    "Coral Edge TPU: predict what edgetpu_compiler maps (per-op status, reason, fix); load the USB Accelerator's firmware",
  usage: USAGE,
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    if (sub === 'compile') return compile(rest, ctx);
    if (sub === 'firmware') return runEdgeTpuFirmware(rest, ctx);
    if (sub !== 'check')
      throw new UsageError(
        sub
          ? `unknown edgetpu command "${sub}": check, compile or firmware`
          : 'edgetpu needs a command: check, compile or firmware',
      );
    const { values, positionals } = parse(rest, { ...JSON_FLAG }, { minPositionals: 1, maxPositionals: 1 });
    const file = positionals[0]!;
    const { tflite } = openModelFile(file);
    const report = checkEdgeTpu(tflite);
    ctx.out(
      values.json ? JSON.stringify({ model: file, ...report }, null, 2) : formatEdgeTpuCheck(file, report),
    );
    return 0;
  },
};

async function compile(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ...JSON_FLAG,
      out: { type: 'string', short: 'o' },
      'min-runtime': { type: 'string', short: 'm' },
      'show-operations': { type: 'boolean', short: 's' },
      compiler: { type: 'string' },
      timeout: { type: 'string' },
    },
    { minPositionals: 1, maxPositionals: 1 },
  );
  const file = positionals[0]!;
  // Without the compiler nothing else is worth doing: say how to get it first.
  const compilerPath = requireEdgeTpuCompiler(values.compiler);
  const prediction = checkEdgeTpu(openModelFile(file).tflite);
  const run = await runEdgeTpuCompiler(file, {
    compilerPath,
    outDir: values.out ?? path.dirname(file),
    minRuntimeVersion: intOption(values['min-runtime'], '--min-runtime'),
    timeoutMs: values.timeout ? positiveInt(values.timeout, '--timeout') * 1000 : undefined,
    signal: ctx.signal,
    onLine: (line) => ctx.log(`edgetpu_compiler: ${line}`),
  });
  const comparison = comparePrediction(prediction, run.result);
  const compiled = run.outputModel ? (describeEdgeTpu(openModelFile(run.outputModel).tflite) ?? null) : null;
  const report = {
    model: file,
    compiler: run.compiler,
    args: run.args,
    result: run.result,
    outputModel: run.outputModel,
    outputLog: run.outputLog,
    prediction,
    comparison,
    compiled,
  };
  ctx.out(
    values.json ? JSON.stringify(report, null, 2) : formatEdgeTpuCompile(report, !!values['show-operations']),
  );
  return run.result.compiled ? 0 : 2;
}
