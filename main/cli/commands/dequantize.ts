import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { parse } from '../args';
import { JSON_FLAG, OUT_FLAG } from '../options';
import { dequantizeModel } from '../../engine/optimize/index';
import { writeTflite } from '../../engine/tflite/writer';
import { writeFileAtomic } from '../../files/write-file';
import { openModelFile } from '../../files/model-file';
import { prepareOutputFile } from '../output-path';

export const command: CliCommand = {
  name: 'dequantize',
  summary: 'Turn an int8/16x8/float16 model back into a float32 model',
  usage: `usage: lowbit dequantize MODEL --out OUT [--json]

Dequantizes every quantized or float16 constant to float32, makes activations float32,
removes QUANTIZE/DEQUANTIZE operators and restores float operator versions. The input
ranges of the quantized model are recorded in the output's lowbit_quantization metadata.
  --out OUT   output .tflite (never the input; written atomically)
  --json      print {"inputBytes","outputBytes","convertedTensors","removedOps","seconds","warnings"}`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      { ...OUT_FLAG, ...JSON_FLAG },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    if (!values.out) throw new UsageError('--out OUT is required');
    prepareOutputFile(values.out, [file]);
    const t0 = performance.now();
    const { tflite: model, bytes } = openModelFile(file);
    const r = dequantizeModel(model, { signal: ctx.signal });
    const out = writeTflite(r.model);
    writeFileAtomic(values.out, out, [file]);
    const summary = {
      inputBytes: bytes.length,
      outputBytes: out.length,
      convertedTensors: r.convertedTensors,
      removedOps: r.removedOps,
      seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
      warnings: r.warnings,
    };
    if (values.json) ctx.out(JSON.stringify(summary));
    else {
      for (const w of r.warnings) ctx.log(`warning: ${w}`);
      ctx.out(
        `wrote ${values.out}: ${out.length} bytes, ${r.convertedTensors} tensor(s) made float32, ${r.removedOps} QUANTIZE/DEQUANTIZE removed`,
      );
    }
    return 0;
  },
};
