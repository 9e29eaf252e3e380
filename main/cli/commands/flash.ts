import path from 'node:path';
import type { CliCommand, CliContext } from '../command';
import { UsageError } from '../command';
import { parse } from '../args';
import { FAMILY_FLAG, JSON_FLAG, OUT_FLAG } from '../options';
import { boardById, type Board } from '../../engine/deploy/boards';
import { exportBaseName, exportModel } from '../../engine/deploy/export-formats';
import type { Uf2Family } from '../../engine/deploy/uf2';
import { writeFileAtomic } from '../../files/write-file';
import { FAMILIES, familyById } from '../../devices/families';
import type { DeviceFamily } from '../../devices/family';
import { describeProgress } from '../../devices/flash-job';
import { flashModel, resolveFamily, type FlashModelRequest } from '../../devices/flash-model';
import { parseAddress, readModelContainer } from '../../devices/model-image';
import { driveFamilyFor, findUf2DriveFor } from '../../devices/uf2/drive';
import { prepareOutputFile } from '../output-path';

export const command: CliCommand = {
  name: 'flash',
  summary: 'Flash a model (in its verified container) to a board over serial, or via its UF2 drive',
  usage: `usage: lowbit flash MODEL --port PATH --protocol esp32|stm32 [--partition NAME | --address HEX]
                    [--baud N] [--flash-baud N] [--board ID] [--no-reset] [--retries N] [--json]
       lowbit flash MODEL --protocol uf2 [--address HEX] [--family rp2040|rp2350] [--board ID] [--out FILE]
       lowbit flash MODEL --protocol dfuse --address HEX [--port auto|VID:PID] [--retries N] [--out FILE.dfu] [--json]
       lowbit flash MODEL --protocol picoboot [--port usb:BUS:ADDRESS] [--address HEX | --board ID] [--retries N]

The model is wrapped in the Lowbit container (magic, version, length, CRC32; 16-byte
aligned) and written, then verified: SPI_FLASH_MD5 on ESP32, a full read-back on STM32 and
over PICOBOOT. Success is reported only after the check passes.
  esp32   ROM loader (no stub). Default target: the data partition "model" from the
          partition table at 0x8000 (ESP32-S3 ROMs cannot read it: give --address).
          --no-reset skips the DTR/RTS reset (hold BOOT and press EN yourself).
  stm32   system bootloader over USART (AN3155, 8E1); set BOOT0 and reset first.
          Needs --address or --board (erases exactly the sectors the model covers).
  uf2     copies a UF2 image onto a mounted RPI-RP2 / RP2350 drive, else saves it.
  dfuse   STM32 system bootloader over USB (DfuSe, 0483:df11; set BOOT0 and plug in USB):
          erases the sectors the model covers (only where the device's memory layout says
          writable), writes, reads everything back, then starts the application.
          --out saves a DfuSe .dfu file instead (flash it with dfu-util -a 0 -D FILE.dfu).
  picoboot  RP2040 / RP2350 in BOOTSEL over the boot ROM's USB interface: erases 4 KiB
          sectors, writes pages, reads everything back, reboots into the application.
          --port is a device from \`lowbit devices\` (default: the first in BOOTSEL).
  --board      board id from the catalogue: default address/partition, expected chip
  --baud       line speed to connect at (default 115200)
  --flash-baud ESP32 only: switch to this speed after connecting (CHANGE_BAUDRATE)`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      {
        port: { type: 'string' },
        protocol: { type: 'string' },
        partition: { type: 'string' },
        address: { type: 'string' },
        baud: { type: 'string' },
        'flash-baud': { type: 'string' },
        board: { type: 'string' },
        'no-reset': { type: 'boolean' },
        retries: { type: 'string' },
        family: { type: 'string' },
        ...OUT_FLAG,
        ...JSON_FLAG,
      },
      { minPositionals: 1, maxPositionals: 1 },
    );
    let board: Board | undefined;
    if (values.board) {
      board = boardById(values.board);
      if (!board) throw new UsageError(`unknown board "${values.board}" (see assets/boards.json)`);
    }
    if (values.protocol === undefined ? !board : !familyById(values.protocol))
      throw new UsageError(`--protocol ${Object.keys(FAMILIES).join('|')} is required`);
    const family = resolveFamily(values.protocol, board);
    if (values.partition && values.address) throw new UsageError('give --partition or --address, not both');
    const address = values.address ? parseAddress(values.address) : undefined;
    if (family.capabilities.needsAddress && address === undefined && board?.model.address === undefined)
      throw new UsageError(
        `${family.id} needs --address HEX or --board ID (no address is safe to assume: firmware lives at the start of flash)`,
      );
    const file = positionals[0]!;
    if (values.out) prepareOutputFile(path.resolve(ctx.cwd, values.out), [file]);
    const { model, image } = readModelContainer(file);
    const request: Omit<FlashModelRequest, 'target'> = {
      model,
      modelName: path.basename(file),
      family: family.id,
      board,
      address,
      partition: values.partition,
      baud: values.baud ? positiveInt(values.baud, '--baud') : 115200,
      flashBaud: values['flash-baud'] ? positiveInt(values['flash-baud'], '--flash-baud') : undefined,
      reset: !values['no-reset'],
      retries: values.retries ? positiveInt(values.retries, '--retries', true) : undefined,
      signal: ctx.signal,
      onProgress: progressPrinter(ctx),
      onLog: (l: string) => ctx.log(l),
    };
    if (family.link === 'drive')
      return flashDrive(
        ctx,
        family,
        request,
        image.length,
        values.family,
        { out: values.out, model: file },
        !!values.json,
      );
    if (family.id === 'dfuse' && values.out)
      return saveDfuFile(ctx, values.out, file, model, (address ?? board?.model.address)!, !!values.json);
    const port = values.port ?? (family.link === 'usb' ? 'auto' : undefined);
    if (!port) throw new UsageError('--port is required for serial flashing');
    const result = await flashModel({ ...request, target: port });
    const out = { ...result, port, model: file };
    ctx.out(
      values.json
        ? JSON.stringify(out, null, 2)
        : `flashed ${file} (${model.length} bytes, container ${result.bytes}) to ${result.chip} at 0x${result.address.toString(16)}: verified by ${result.verifiedBy} in ${(result.ms / 1000).toFixed(1)} s`,
    );
    return 0;
  },
};

function positiveInt(text: string, flag: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new UsageError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  return n;
}

function progressPrinter(ctx: CliContext): (p: Parameters<typeof describeProgress>[0]) => void {
  return (p) => ctx.progress(p.phase, p.done, p.total, describeProgress(p).slice(p.phase.length + 1));
}

/**
 * A drive family (UF2): copy onto the mounted BOOTSEL drive, or, with --out or when none is
 * mounted, save the image for the user to copy.
 */
async function flashDrive(
  ctx: CliContext,
  family: DeviceFamily,
  request: Omit<FlashModelRequest, 'target'>,
  containerBytes: number,
  familyFlag: string | undefined,
  files: { out: string | undefined; model: string },
  json: boolean,
): Promise<number> {
  const { board, model, modelName } = request;
  const outFile = files.out;
  const address = (request.address ?? board?.model.address)!;
  const uf2Family: Uf2Family | undefined = familyFlag
    ? FAMILY_FLAG[familyFlag]
    : (board?.model.uf2Family ?? 'rp2040');
  if (!uf2Family) throw new UsageError(`unknown --family "${familyFlag}"`);
  let outcome: { file: string; copiedToDrive: boolean };
  if (!outFile && findUf2DriveFor(uf2Family)) {
    const r = await flashModel({ ...request, uf2Family, target: 'auto' });
    outcome = { file: r.file!, copiedToDrive: true };
  } else {
    const [uf2] = exportModel('uf2', {
      bytes: model,
      baseName: exportBaseName(modelName),
      sourceName: modelName,
      uf2: { address, family: uf2Family },
    }).files;
    const target = path.resolve(ctx.cwd, outFile ?? uf2!.path);
    writeFileAtomic(target, uf2!.contents, [files.model]);
    if (!outFile)
      ctx.log(
        `no ${driveFamilyFor(uf2Family) ?? 'UF2'} BOOTSEL drive mounted: saved ${target}; hold BOOTSEL while plugging in, then copy it onto the drive`,
      );
    outcome = { file: target, copiedToDrive: false };
  }
  const blocks = Math.ceil(containerBytes / 256);
  const result = {
    protocol: family.id,
    ...outcome,
    address,
    family: uf2Family,
    blocks,
    bytes: containerBytes,
  };
  ctx.out(
    json
      ? JSON.stringify(result, null, 2)
      : `${outcome.copiedToDrive ? 'copied to' : 'saved'} ${outcome.file} (${blocks} UF2 blocks at 0x${address.toString(16)})`,
  );
  return 0;
}

/** dfuse with --out: the container as a DfuSe .dfu file for dfu-util, nothing flashed. */
function saveDfuFile(
  ctx: CliContext,
  out: string,
  modelFile: string,
  model: Uint8Array,
  address: number,
  json: boolean,
): number {
  const name = path.basename(modelFile);
  const [dfu] = exportModel('dfu', {
    bytes: model,
    baseName: exportBaseName(name),
    sourceName: name,
    dfu: { address },
  }).files;
  const target = path.resolve(ctx.cwd, out);
  writeFileAtomic(target, dfu!.contents, [modelFile]);
  const result = { protocol: 'dfuse', file: target, address, bytes: dfu!.contents.length };
  ctx.out(
    json
      ? JSON.stringify(result, null, 2)
      : `saved ${target} (DfuSe, the container at 0x${address.toString(16)}): dfu-util -a 0 -D ${path.basename(target)}`,
  );
  return 0;
}
