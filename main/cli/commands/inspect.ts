import type { CliCommand } from '../command';
import { parse } from '../args';
import { inspectModel } from '../../engine/tflite/inspect';
import { formatInspect } from '../format/inspect-table';
import { loadModelFile } from '../load-model';

export const command: CliCommand = {
  name: 'inspect',
  summary: 'Show a model: inputs, outputs, ops, tensors, sizes',
  usage: `usage: lowbit inspect MODEL [--json] [--tensors]

Reads a .tflite model and prints its structure: description, inputs and outputs,
operator counts, size breakdown by dtype and, with --tensors, every tensor.
  --json      print the full report as JSON (format, version, opCounts, subgraphs...)
  --tensors   include the tensor table in the human output`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      { json: { type: 'boolean' }, tensors: { type: 'boolean' } },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    const { model, bytes } = loadModelFile(file);
    const report = inspectModel(model, bytes.length);
    ctx.out(
      values.json
        ? JSON.stringify(report, null, 2)
        : formatInspect(file, report, { tensors: !!values.tensors }),
    );
    return 0;
  },
};
