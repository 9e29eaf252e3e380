import type { CliCommand } from '../command';
import { parse } from '../args';
import { JSON_FLAG } from '../options';
import { lintQuantization, type LintFinding } from '../../engine/optimize/spec-lint';
import { formatInspect } from '../format/inspect-table';
import { openModelFile } from '../../files/model-file';

export const command: CliCommand = {
  name: 'inspect',
  summary: 'Show a model: inputs, outputs, ops, tensors, sizes',
  usage: `usage: lowbit inspect MODEL [--json] [--tensors] [--lint]

Reads a .tflite model and prints its structure: description, inputs and outputs,
operator counts, size breakdown by dtype and, with --tensors, every tensor.
  --json      print the full report as JSON (format, version, opCounts, subgraphs...)
  --tensors   include the tensor table in the human output
  --lint      check the quantization against the TFLite int8/16x8 spec (bias scales, weight
              zero points, fixed and shared parameters); findings are listed (JSON: "lint")`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      { ...JSON_FLAG, tensors: { type: 'boolean' }, lint: { type: 'boolean' } },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    const { format, model, tflite, bytes } = openModelFile(file);
    const report = format.inspect(model, bytes.length);
    const lint = values.lint ? lintQuantization(tflite) : undefined;
    ctx.out(
      values.json
        ? JSON.stringify(lint ? { ...report, lint } : report, null, 2)
        : formatInspect(file, report, { tensors: !!values.tensors }) + (lint ? formatLint(lint) : ''),
    );
    return 0;
  },
};

function formatLint(findings: LintFinding[]): string {
  if (findings.length === 0) return '\n\nquantization spec: no findings';
  const lines = findings.map((f) => {
    const where = [
      f.opName !== null ? `${f.opName} #${f.op}` : null,
      f.tensorName !== null ? `"${f.tensorName}"` : null,
    ]
      .filter(Boolean)
      .join(' ');
    return `  ${f.severity} ${f.rule}: ${where}: ${f.message}`;
  });
  return `\n\nquantization spec: ${findings.length} finding(s)\n${lines.join('\n')}`;
}
