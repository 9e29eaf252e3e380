import { UsageError, type CliCommand } from '../command';
import { parse } from '../args';
import { JSON_FLAG } from '../options';
import { checkEdgeTpu } from '../../engine/targets/edgetpu/check';
import { openModelFile } from '../../files/model-file';
import { formatEdgeTpuCheck } from '../format/edgetpu';

const USAGE = `usage: lowbit edgetpu check MODEL [--json]

check   Predicts what Coral's edgetpu_compiler does with MODEL, without the compiler: per
        operator the compiler's status (Mapped to Edge TPU, Operation not supported, More than
        one subgraph is not supported, ...) with the reason and the fix; how many ops run on the
        Edge TPU and on the CPU; the first op that stops the mapping (the compiler maps one
        prefix of the graph: that op and everything after it run on the CPU); the parameters
        against the ~8 MB on-chip cache; the minimum Edge TPU runtime (int8 I/O needs 12).
        A float, dynamic-range or dynamic-shape model is refused as the compiler refuses it.
  --json  print the report as JSON`;

export const command: CliCommand = {
  name: 'edgetpu',
  summary: 'Coral Edge TPU: predict what edgetpu_compiler maps (per-op status, reason, fix)',
  usage: USAGE,
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    if (sub !== 'check')
      throw new UsageError(
        sub ? `unknown edgetpu command "${sub}": check` : 'edgetpu needs a command: check',
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
