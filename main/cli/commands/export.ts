import path from 'node:path';
import { UsageError, type CliCommand } from '../command';
import { parse } from '../args';
import { JSON_FLAG, OUT_FLAG } from '../options';
import {
  MODEL_EXPORT_FORMAT_IDS,
  exportModel,
  isModelExportFormatId,
} from '../../engine/deploy/export-formats';
import { footprintFacts } from '../../engine/deploy/footprint-facts';
import { makeOutputDir, writeFileAtomic } from '../../files/write-file';
import { openModelFile } from '../../files/model-file';

/** The formats this command writes into a folder (uf2 has its own command: it needs an address). */

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
    if (!format || !isModelExportFormatId(format))
      throw new UsageError(
        `--format must be ${MODEL_EXPORT_FORMAT_IDS.slice(0, -1).join(', ')} or ${MODEL_EXPORT_FORMAT_IDS.at(-1)}`,
      );
    if (!values.out) throw new UsageError('--out DIR is required');
    const { tflite: model, bytes } = openModelFile(file);
    const facts = footprintFacts(model, bytes.length);
    const built = exportModel(format, {
      bytes,
      model,
      facts,
      baseName: values.name ?? 'model',
      sourceName: path.basename(file),
    });
    const files = [...built.files, ...built.helpers];
    makeOutputDir(values.out);
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
