import path from 'node:path';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { parse } from '../args';
import { FAMILY_FLAG, JSON_FLAG, OUT_FLAG } from '../options';
import { exportBaseName, exportModel } from '../../engine/deploy/export-formats';
import { UF2_FAMILIES } from '../../engine/deploy/uf2';
import { writeFileAtomic } from '../../files/write-file';
import { parseAddress, readModelContainer } from '../../devices/model-image';
import { prepareOutputFile } from '../output-path';

export const command: CliCommand = {
  name: 'uf2',
  summary: 'Write a model (in its container) as a UF2 image for RP2040/RP2350 boot drives',
  usage: `usage: lowbit uf2 MODEL --address HEX --out FILE [--family rp2040|rp2350|absolute|data] [--json]

Wraps the .tflite in the Lowbit model container (header + CRC32, 16-byte aligned) and
writes UF2 blocks of 256 bytes starting at --address (256-byte aligned, e.g. 0x10100000 =
1 MB into the Pico's flash). Copy the file onto the RPI-RP2 / RP2350 drive to flash it.
  --family   UF2 family ID (default rp2040; rp2350 = RP2350 Arm secure)`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      {
        address: { type: 'string' },
        ...OUT_FLAG,
        family: { type: 'string' },
        ...JSON_FLAG,
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    if (!values.address) throw new UsageError('--address is required');
    if (!values.out) throw new UsageError('--out is required');
    const family = FAMILY_FLAG[values.family ?? 'rp2040'];
    if (!family) throw new UsageError(`unknown --family "${values.family}" (rp2040, rp2350, absolute, data)`);
    const address = parseAddress(values.address);
    const file = positionals[0]!;
    prepareOutputFile(path.resolve(ctx.cwd, values.out), [file]);
    const { model, image } = readModelContainer(file);
    const [uf2] = exportModel('uf2', {
      bytes: model,
      baseName: exportBaseName(path.basename(values.out)),
      sourceName: path.basename(file),
      uf2: { address, family },
    }).files;
    const out = path.resolve(ctx.cwd, values.out);
    writeFileAtomic(out, uf2!.contents, [file]);
    const result = {
      out,
      address,
      family,
      familyId: UF2_FAMILIES[family],
      blocks: uf2!.contents.length / 512,
      containerBytes: image.length,
    };
    ctx.out(
      values.json
        ? JSON.stringify(result, null, 2)
        : `wrote ${out}: ${result.blocks} blocks, ${image.length} bytes at 0x${address.toString(16)} (${family})`,
    );
    return 0;
  },
};
