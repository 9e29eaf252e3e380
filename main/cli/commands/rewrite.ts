import type { CliCommand } from '../command';
import { parse } from '../args';
import { JSON_FLAG } from '../options';
import { writeTflite } from '../../engine/tflite/writer';
import { writeFileAtomic } from '../../files/write-file';
import { openModelFile } from '../../files/model-file';

export const command: CliCommand = {
  name: 'rewrite',
  summary: 'Read a model and write it back unchanged (round-trip check)',
  usage: `usage: lowbit rewrite MODEL OUT [--json] [--append-buffers]

Reads MODEL into Lowbit's model object and writes it to OUT without changes. The result
reads back to an identical model (every field and buffer); byte layout may differ.
  --append-buffers  store weights after the flatbuffer (the >2 GB layout)
  --json            print {"input","output","inputBytes","outputBytes"}`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      { ...JSON_FLAG, 'append-buffers': { type: 'boolean' } },
      { minPositionals: 2, maxPositionals: 2 },
    );
    const [input, output] = positionals as [string, string];
    const { tflite: model, bytes } = openModelFile(input);
    const out = writeTflite(model, { appendBuffers: values['append-buffers'] ? true : 'auto' });
    writeFileAtomic(output, out, [input]);
    const summary = { input, output, inputBytes: bytes.length, outputBytes: out.length };
    if (values.json) ctx.out(JSON.stringify(summary));
    else ctx.log(`wrote ${output} (${out.length} bytes; input ${bytes.length} bytes)`);
    return 0;
  },
};
