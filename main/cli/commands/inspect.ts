import type { CliCommand } from '../command';
import { parse } from '../args';
import { intOption, JSON_FLAG } from '../options';
import { lintQuantization, type LintFinding } from '../../engine/optimize/spec-lint';
import { formatEdgeTpuCompiled } from '../format/edgetpu';
import { formatInspect } from '../format/inspect-table';
import { formatAnalysis } from '../format/analysis';
import { analyzeModel } from '../../engine/analysis/analyze';
import { openModelFile, readModelFile } from '../../files/model-file';

export const command: CliCommand = {
  name: 'inspect',
  summary: 'Show a model: inputs, outputs, ops, tensors, sizes',
  usage: `usage: lowbit inspect MODEL [--json] [--tensors] [--lint] [--analyze] [--runtime N]

Reads a .tflite or .onnx model and prints its structure: description, inputs and
outputs (ONNX: symbolic dims by name), operator counts, size breakdown by dtype and,
with --tensors, every tensor. ONNX models also show IR version, producer, opset
imports and the scales and zero points of QDQ and QLinear* nodes.
  --json      print the full report as JSON (format, version, opCounts, subgraphs...)
  --tensors   include the tensor table in the human output
  --lint      check the quantization against the TFLite int8/16x8 spec (bias scales, weight
              zero points, fixed and shared parameters); findings are listed (JSON: "lint")
  --analyze   per operator in execution order: MACs, parameters, weight bytes, activation bytes
              and the activation memory alive there, a chart of it with the peak marked, and
              totals. The peak is the tensor arena \`lowbit fit\` budgets (the same planner). ONNX
              models are analysed as the TFLite operators Lowbit runs for them (JSON: "analysis")
  --runtime N the Edge TPU runtime version you have: an Edge TPU-compiled model that needs a
              newer one gets a warning (its edgetpu-custom-op, compiler version, minimum runtime,
              parameters and CPU ops are shown for every compiled model; JSON: "edgetpu")`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      {
        ...JSON_FLAG,
        tensors: { type: 'boolean' },
        lint: { type: 'boolean' },
        analyze: { type: 'boolean' },
        runtime: { type: 'string' },
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    // Only the lint and the analysis need the model as TFLite; inspecting reads the file in its own format.
    const opened = values.lint || values.analyze ? openModelFile(file) : undefined;
    const { format, model, bytes } = opened ?? readModelFile(file);
    const report = format.inspect(model, bytes.length);
    const lint = opened && values.lint ? lintQuantization(opened.tflite) : undefined;
    const analysis = opened && values.analyze ? analyzeModel(opened.tflite) : undefined;
    const runtime = intOption(values.runtime, '--runtime');
    const edgetpu = report.edgetpu ? formatEdgeTpuCompiled(report.edgetpu, runtime) : '';
    if (report.edgetpu && runtime !== undefined && report.edgetpu.minRuntimeVersion > runtime) {
      ctx.log(
        `warning: ${file} needs Edge TPU runtime ${report.edgetpu.minRuntimeVersion} or newer, not ${runtime}`,
      );
    }
    ctx.out(
      values.json
        ? JSON.stringify({ ...report, ...(lint ? { lint } : {}), ...(analysis ? { analysis } : {}) }, null, 2)
        : formatInspect(file, report, { tensors: !!values.tensors }) +
            edgetpu +
            (lint ? formatLint(lint) : '') +
            (analysis ? `\n\n${formatAnalysis(analysis)}` : ''),
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
