// Issue 14 acceptance: on every pair of ../shared/models/coral (an input model and Google's
// edgetpu_compiler output for it), `lowbit edgetpu check` on the input predicts what the compiled
// model shows: the same ops on the Edge TPU and on the CPU and the same first unmapped op (by type
// and by the tensors it writes); `lowbit inspect` on the compiled model reads its
// edgetpu-custom-op (FlexBuffer options, DWN1 package) with the real values.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lowbitInProcess } from '../support/cli';
import { readBytes, sharedPath } from '../support/shared';
import { checkEdgeTpu, type EdgeTpuCheckReport } from '../../main/engine/targets/edgetpu/check';
import type { InspectReport } from '../../main/engine/model/inspect-report';
import { readTflite } from '../../main/engine/tflite/reader';
import { writeTflite } from '../../main/engine/tflite/writer';
import { asString, opName } from '../../main/engine/tflite/names';
import type { TflModel } from '../../main/engine/tflite/model';

const coral = (name: string) => sharedPath('models', 'coral', name);
const PAIRS = fs.existsSync(coral(''))
  ? fs
      .readdirSync(coral(''))
      .filter((f) => f.endsWith('_edgetpu.tflite'))
      .map((f) => f.replace('_edgetpu.tflite', ''))
      .sort()
  : [];
if (PAIRS.length === 0) console.log('edgetpu-coral: skipped, ../shared/models/coral is absent');

const outputNames = (m: TflModel, index: number) =>
  m.subgraphs[0]!.operators[index]!.outputs.map((t) => asString(m.subgraphs[0]!.tensors[t]!.name));

/** The compiled model's facts as `lowbit inspect --json` reports them. */
async function inspectJson(file: string): Promise<InspectReport> {
  const r = await lowbitInProcess('inspect', file, '--json');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as InspectReport;
}

describe.skipIf(PAIRS.length === 0)('edgetpu check predicts edgetpu_compiler on the Coral pairs', () => {
  it('there are the four pairs', () => {
    expect(PAIRS).toEqual([
      'deeplabv3_mnv2_dm05_pascal_quant',
      'keras_lstm_mnist_ptq',
      'mobilenet_v1_0.25_128_quant',
      'split_concat',
    ]);
  });

  it.each(PAIRS)('%s: same Edge TPU and CPU ops, same first unmapped op', async (name) => {
    const inputFile = coral(`${name}.tflite`);
    const r = await lowbitInProcess('edgetpu', 'check', inputFile, '--json');
    expect(r.code).toBe(0);
    const predicted = JSON.parse(r.stdout) as EdgeTpuCheckReport;
    const input = readTflite(readBytes(inputFile));
    const compiledFile = coral(`${name}_edgetpu.tflite`);
    const compiled = readTflite(readBytes(compiledFile));
    const shown = (await inspectJson(compiledFile)).edgetpu!;

    expect(predicted.modelError).toBeNull();
    expect(predicted.totals.cpu).toBe(shown.cpuOps.length);
    expect(predicted.totals.edgeTpu).toBe(input.subgraphs[0]!.operators.length - shown.cpuOps.length);
    // The CPU ops, in order, are the compiled model's non-custom ops.
    expect(predicted.ops.filter((o) => o.status !== 'Mapped to Edge TPU').map((o) => o.op)).toEqual(
      shown.cpuOps.map((o) => o.name),
    );
    if (shown.firstCpuOpAfterEdgeTpu === null) {
      expect(predicted.firstUnmapped).toBeNull();
    } else {
      const first = predicted.firstUnmapped!;
      expect(first.op).toBe(shown.firstCpuOpAfterEdgeTpu.name);
      // The same op, not just the same type: it writes the same tensors.
      expect(outputNames(input, first.index)).toEqual(outputNames(compiled, shown.firstCpuOpAfterEdgeTpu.op));
    }
  });

  it('deeplabv3: 64 of 72 ops on the Edge TPU, stopped by the align_corners RESIZE_BILINEAR #64', () => {
    const r = checkEdgeTpu(readTflite(readBytes(coral('deeplabv3_mnv2_dm05_pascal_quant.tflite'))));
    expect(r.totals).toEqual({ edgeTpu: 64, cpu: 8, total: 72 });
    expect(r.firstUnmapped).toMatchObject({ index: 64, op: 'RESIZE_BILINEAR' });
    expect(r.ops[64]!.status).toBe(
      'Operation is otherwise supported, but not mapped due to some unspecified limitation',
    );
    expect(r.ops[67]!).toMatchObject({ op: 'CONV_2D', status: 'More than one subgraph is not supported' });
    expect(r.ops[71]!).toMatchObject({ op: 'ARG_MAX', status: 'Operation not supported' });
    expect(r.parameters.streamedBytes).toBe(0);
  });
});

describe.skipIf(PAIRS.length === 0)('inspect on the compiled Coral models', () => {
  // Values read by Lowbit from the files; the ops match the compiled graphs (one custom op each).
  const EXPECTED = {
    deeplabv3_mnv2_dm05_pascal_quant: {
      compiler: 'cl/',
      runtime: 12,
      cached: 766720,
      streamed: 0,
      cpu: [
        'RESIZE_BILINEAR',
        'QUANTIZE',
        'CONCATENATION',
        'CONV_2D',
        'CONV_2D',
        'RESIZE_BILINEAR',
        'RESIZE_BILINEAR',
        'ARG_MAX',
      ],
    },
    keras_lstm_mnist_ptq: { compiler: 'cl/', runtime: 12, cached: 43968, streamed: 576, cpu: [] },
    'mobilenet_v1_0.25_128_quant': { compiler: 'cl/', runtime: 12, cached: 566912, streamed: 0, cpu: [] },
    split_concat: { compiler: 'cl/343520747', runtime: 13, cached: 192, streamed: 0, cpu: [] },
  } as const;

  it.each(PAIRS)(
    '%s_edgetpu: custom op, compiler version, minimum runtime, parameters, CPU ops',
    async (name) => {
      const e = EXPECTED[name as keyof typeof EXPECTED];
      const report = (await inspectJson(coral(`${name}_edgetpu.tflite`))).edgetpu!;
      expect(report.customOps).toHaveLength(1);
      expect(report.customOps[0]!.op).toBe(0);
      expect(report.compilerVersions).toEqual([e.compiler]);
      expect(report.minRuntimeVersion).toBe(e.runtime);
      const pkg = report.customOps[0]!.packages[0]!;
      expect(pkg.executables.map((x) => [x.type, x.chip])).toEqual([
        ['EXECUTION_ONLY', 'beagle'],
        ['PARAMETER_CACHING', 'beagle'],
      ]);
      expect(pkg.cachedParameterBytes).toBe(e.cached);
      expect(pkg.streamedParameterBytes).toBe(e.streamed);
      expect(report.cpuOps.map((o) => o.name)).toEqual(e.cpu);
    },
  );

  it('the human output names the Edge TPU op, compiler, runtime and CPU ops; --runtime warns when too old', async () => {
    const file = coral('deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite');
    const old = await lowbitInProcess('inspect', file, '--runtime', '11');
    expect(old.code).toBe(0);
    expect(old.stdout).toContain('Edge TPU: 1 edgetpu-custom-op, 8 ops on the CPU');
    expect(old.stdout).toContain('compiler version: cl/ (no build number recorded)');
    expect(old.stdout).toContain('minimum runtime version: 12');
    expect(old.stdout).toContain('CPU ops: RESIZE_BILINEAR #1, QUANTIZE #2');
    expect(old.stderr).toContain('needs Edge TPU runtime 12 or newer, not 11');
    const current = await lowbitInProcess('inspect', file, '--runtime', '14');
    expect(current.stderr).not.toContain('needs Edge TPU runtime');
    expect(current.stdout).not.toContain('warning');
  });

  it('a model without the custom op has no Edge TPU section', async () => {
    const r = await inspectJson(coral('split_concat.tflite'));
    expect(r.edgetpu).toBeUndefined();
    expect(opName(readTflite(readBytes(coral('split_concat_edgetpu.tflite'))).operatorCodes[0]!)).toBe(
      'CUSTOM',
    );
  });
});

describe.skipIf(PAIRS.length === 0)('hostile edgetpu-custom-op options', () => {
  const compiledFile = coral('split_concat_edgetpu.tflite');

  /** The compiled model with its custom options replaced by `edit(options)`, written to a temp file. */
  function withOptions(edit: (o: Uint8Array) => Uint8Array): string {
    const m = readTflite(readBytes(compiledFile));
    const op = m.subgraphs[0]!.operators[0]!;
    op.customOptions = Array.from(edit(Uint8Array.from(op.customOptions)));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-edgetpu-')), 'x_edgetpu.tflite');
    fs.writeFileSync(file, writeTflite(m));
    return file;
  }

  it('truncated, zeroed, flipped or re-identified options: one line naming the file, exit 2', async () => {
    const original = Uint8Array.from(
      readTflite(readBytes(compiledFile)).subgraphs[0]!.operators[0]!.customOptions,
    );
    const dwn1 = original.findIndex((_, i) => String.fromCharCode(...original.subarray(i, i + 4)) === 'DWN1');
    expect(dwn1).toBeGreaterThan(0);
    const cases: [string, (o: Uint8Array) => Uint8Array][] = [
      ['truncated', (o) => o.subarray(0, o.length >> 1)],
      ['empty', () => new Uint8Array(0)],
      ['zeroed tail', (o) => Uint8Array.from(o, (b, i) => (i > o.length - 16 ? 0 : b))],
      ['not DWN1', (o) => Uint8Array.from(o, (b, i) => (i === dwn1 ? 0x58 : b))],
      ['huge offsets', (o) => Uint8Array.from(o, (b, i) => (i >= dwn1 - 4 && i < dwn1 ? 0x7f : b))],
    ];
    for (const [what, edit] of cases) {
      const file = withOptions(edit);
      const r = await lowbitInProcess('inspect', file);
      expect(r.code, what).toBe(2);
      expect(r.stderr.trim().split('\n'), what).toHaveLength(1);
      expect(r.stderr, what).toContain(file);
      expect(r.stderr, what).toContain('edgetpu-custom-op');
      expect(r.stderr, what).not.toMatch(/\n\s+at /);
    }
  });
});
