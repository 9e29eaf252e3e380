import fs from 'node:fs';
import path from 'node:path';
import { UsageError, type CliCommand } from '../command';
import { parse } from '../args';
import { JSON_FLAG, OUT_FLAG } from '../options';
import { exportArduinoLibrary } from '../../engine/deploy/arduino';
import { buildContainer, CONTAINER_C_SNIPPET } from '../../engine/deploy/container';
import { estimateFootprint } from '../../engine/deploy/fit';
import { footprintFacts } from '../../engine/deploy/footprint-facts';
import { exportTflm, type ExportedFile } from '../../engine/deploy/tflm-export';
import { writeFileAtomic } from '../../files/read-write';
import { openModelFile } from '../../files/model-file';

export const command: CliCommand = {
  name: 'export',
  summary: 'Export for TensorFlow Lite Micro: C++ sources, an Arduino library, or a flashable container',
  usage: `usage: lowbit export MODEL --format tflm|arduino|container --out DIR [--name BASE] [--json]

  tflm       BASE_data.h/.cc (alignas(16) array + length + arena size) and BASE_ops.h
             (MicroMutableOpResolver<N> with exactly the model's ops)
  arduino    an Arduino library zip: library.properties, src/, an example sketch
  container  BASE.lbm: Lowbit's container (magic, version, length, CRC32 + the aligned model)
             for flashing on its own, and lowbit_container.h to find and check it on the device
  --name     base name of the files (default: model)`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      {
        format: { type: 'string' },
        ...OUT_FLAG,
        name: { type: 'string' },
        ...JSON_FLAG,
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    const file = positionals[0]!;
    const format = values.format;
    if (!format || !['tflm', 'arduino', 'container'].includes(format))
      throw new UsageError('--format must be tflm, arduino or container');
    if (!values.out) throw new UsageError('--out DIR is required');
    const base = values.name ?? 'model';
    const { tflite: model, bytes } = openModelFile(file);
    const facts = footprintFacts(model, bytes.length);
    const estimate = estimateFootprint(facts);
    const opts = { baseName: base, sourceName: path.basename(file) };
    let files: ExportedFile[];
    if (format === 'tflm') files = exportTflm(bytes, facts.ops, estimate, opts);
    else if (format === 'arduino')
      files = [
        { path: `${base}_arduino.zip`, contents: exportArduinoLibrary(bytes, facts.ops, estimate, opts).zip },
      ];
    else
      files = [
        { path: `${base}.lbm`, contents: buildContainer(bytes) },
        { path: 'lowbit_container.h', contents: CONTAINER_C_SNIPPET },
      ];
    fs.mkdirSync(values.out, { recursive: true });
    const written = files.map((f) => {
      const p = path.join(values.out!, f.path);
      writeFileAtomic(p, f.contents, [file]);
      return {
        path: p,
        bytes: typeof f.contents === 'string' ? Buffer.byteLength(f.contents) : f.contents.length,
      };
    });
    if (values.json)
      ctx.out(JSON.stringify({ format, files: written, ops: facts.ops, arenaBytes: facts.arenaBytes }));
    else for (const w of written) ctx.log(`wrote ${w.path} (${w.bytes} bytes)`);
    return 0;
  },
};
