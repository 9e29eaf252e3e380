/**
 * Graph view layout benchmark (issue 17 item 9), separate from `npm run bench`:
 * `npm run bench:graph [-- --ops N] [-- --runs R]`.
 *
 * Lays out a generated model of N operators (default 1,000): MobileNetV2-like inverted residual
 * blocks (CONV_2D expand, DEPTHWISE_CONV_2D, CONV_2D project, ADD with the block's input), each
 * convolution with int8 weights and int32 bias constants, so the graph has the long skip edges
 * and the constant rows a real model has. Then MobileNetV2 from ../shared for comparison. Reports
 * the median wall time and CPU time of `layoutSubgraph` (what graph.layout runs in main) over R
 * runs (default 3) against the goal of 2 s for 1,000 ops; writes bench-output/graph.json.
 * Not a test: timings depend on the machine.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OperatorInfo, SubgraphInfo, TensorInfo } from '../../main/engine/model/inspect-report';
import { readModelFile } from '../../main/files/model-file';
import { layoutSubgraph } from '../../main/services/graph-layout';
import { ROOT, sharedPath } from '../support/shared';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const OPS = flag('--ops', 1000);
const RUNS = flag('--runs', 3);
const GOAL_MS = 2000;

/** A subgraph of `ops` operators in inverted residual blocks of four. */
export function generatedSubgraph(ops: number): SubgraphInfo {
  const tensors: TensorInfo[] = [];
  const operators: OperatorInfo[] = [];
  const tensor = (name: string, shape: number[], dtype: string, bytes: number): number => {
    tensors.push({
      index: tensors.length,
      name,
      shape,
      dtype,
      buffer: bytes > 0 ? tensors.length + 1 : 0,
      bytes,
      quantization: null,
    });
    return tensors.length - 1;
  };
  const act = (name: string, c: number) => tensor(name, [1, 14, 14, c], 'int8', 0);
  const input = act('input', 32);
  let x = input;
  let b = 0;
  const op = (name: string, inputs: number[], out: number) =>
    operators.push({ op: name, version: 1, inputs, outputs: [out] });
  while (operators.length < ops) {
    const conv = (kind: string, inC: number, outC: number, src: number, suffix: string) => {
      const w = tensor(
        `block${b}/${suffix}/weights`,
        kind === 'DEPTHWISE_CONV_2D' ? [1, 3, 3, outC] : [outC, 1, 1, inC],
        'int8',
        outC * inC,
      );
      const bias = tensor(`block${b}/${suffix}/bias`, [outC], 'int32', outC * 4);
      const out = act(`block${b}/${suffix}`, outC);
      op(kind, [src, w, bias], out);
      return out;
    };
    const expanded = conv('CONV_2D', 32, 192, x, 'expand');
    if (operators.length >= ops) break;
    const dw = conv('DEPTHWISE_CONV_2D', 192, 192, expanded, 'depthwise');
    if (operators.length >= ops) break;
    const projected = conv('CONV_2D', 192, 32, dw, 'project');
    if (operators.length >= ops) break;
    const sum = act(`block${b}/add`, 32);
    op('ADD', [x, projected], sum);
    x = sum;
    b++;
  }
  return { name: 'generated', inputs: [input], outputs: [tensors.length - 1], operators, tensors };
}

interface Timing {
  model: string;
  ops: number;
  nodes: number;
  edges: number;
  wallMs: number;
  cpuMs: number;
}

function measure(model: string, sg: SubgraphInfo): Timing {
  const walls: number[] = [];
  const cpus: number[] = [];
  let nodes = 0;
  let edges = 0;
  for (let r = 0; r < RUNS; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const layout = layoutSubgraph({ subgraph: sg, index: 0 });
    walls.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpus.push((cpu.user + cpu.system) / 1000);
    nodes = layout.nodes.length;
    edges = layout.edges.length;
  }
  const median = (xs: number[]) => [...xs].sort((a, c) => a - c)[Math.floor(xs.length / 2)]!;
  return { model, ops: sg.operators.length, nodes, edges, wallMs: median(walls), cpuMs: median(cpus) };
}

const rows: Timing[] = [measure(`generated (${OPS} ops)`, generatedSubgraph(OPS))];
const mnv2 = sharedPath('models/tflite-micro/mobilenet_v2_quantized_1x3x224x224.tflite');
if (fs.existsSync(mnv2)) {
  const read = readModelFile(mnv2);
  rows.push(
    measure('MobileNetV2 (shared, int8)', read.format.inspect(read.model, read.bytes.length).subgraphs[0]!),
  );
}

console.log(
  `graph layout (dagre), median of ${RUNS} runs; goal: ${OPS === 1000 ? '1,000 ops' : `${OPS} ops`} in < ${GOAL_MS / 1000} s`,
);
console.log('model                          ops  nodes  edges   wall ms    cpu ms');
for (const r of rows)
  console.log(
    `${r.model.padEnd(28)} ${String(r.ops).padStart(5)} ${String(r.nodes).padStart(6)} ${String(r.edges).padStart(6)} ${r.wallMs.toFixed(0).padStart(9)} ${r.cpuMs.toFixed(0).padStart(9)}`,
  );
const main = rows[0]!;
console.log(
  `${main.model}: ${(main.wallMs / 1000).toFixed(2)} s — ${main.wallMs < GOAL_MS ? 'within' : 'OVER'} the ${GOAL_MS / 1000} s goal`,
);
const out = path.join(ROOT, 'bench-output');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(
  path.join(out, 'graph.json'),
  JSON.stringify({ runs: RUNS, goalMs: GOAL_MS, rows }, null, 2),
);
