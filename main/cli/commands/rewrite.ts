import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { parse } from '../args';
import { JSON_FLAG, OUT_FLAG } from '../options';
import { prepareOutputFile } from '../output-path';
import { writeTflite } from '../../engine/tflite/writer';
import { writeFileAtomic } from '../../files/write-file';
import { openModelFile } from '../../files/model-file';

export const command: CliCommand = {
  name: 'rewrite',
  summary: 'Read a model and write it back unchanged (round-trip check)',
  usage: `usage: lowbit rewrite MODEL --out OUT [--json] [--append-buffers]
       lowbit rewrite MODEL OUT [--json] [--append-buffers]

Reads MODEL into Lowbit's model object and writes it to OUT without changes. The result
reads back to an identical model (every field and buffer); byte layout may differ.
  --out OUT         output .tflite (never the input; written atomically; its folder is created)
  --append-buffers  store weights after the flatbuffer (the >2 GB layout)
  --json            print {"input","output","inputBytes","outputBytes"}`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      { ...OUT_FLAG, ...JSON_FLAG, 'append-buffers': { type: 'boolean' } },
      { minPositionals: 1, maxPositionals: 2 },
    );
    const [input, second] = positionals as [string, string | undefined];
    if (second !== undefined && values.out !== undefined)
      throw new UsageError(`the output is named twice ("${second}" and --out ${values.out}): give one`);
    const output = values.out ?? second;
    if (output === undefined) throw new UsageError('--out OUT is required');
    prepareOutputFile(output, [input]);
    const { tflite: model, bytes } = openModelFile(input);
    const out = writeTflite(model, { appendBuffers: values['append-buffers'] ? true : 'auto' });
    writeFileAtomic(output, out, [input]);
    const summary = { input, output, inputBytes: bytes.length, outputBytes: out.length };
    if (values.json) ctx.out(JSON.stringify(summary));
    else ctx.log(`wrote ${output} (${out.length} bytes; input ${bytes.length} bytes)`);
    return 0;
  },
};
