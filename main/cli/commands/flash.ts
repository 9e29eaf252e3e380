import fs from 'node:fs';
import path from 'node:path';
import type { CliCommand, CliContext } from '../command';
import { UsageError } from '../command';
import { parse } from '../args';
import { FAMILY_FLAG, JSON_FLAG, OUT_FLAG } from '../options';
import { IoError } from '../../engine/errors';
import { boardById, type Board } from '../../engine/deploy/boards';
import { UF2_FAMILIES, buildUf2 } from '../../engine/deploy/uf2';
import { parseAddress, readModelContainer } from '../../devices/model-image';
import { SerialTransport } from '../../devices/serial-transport';
import { flashEsp32 } from '../../devices/esp32/flasher';
import { flashStm32 } from '../../devices/stm32/flasher';
import { copyToUf2Drive, findUf2Drives } from '../../devices/uf2-drive';
import type { FlashProgress } from '../../devices/flash-job';

export const command: CliCommand = {
  name: 'flash',
  summary: 'Flash a model (in its verified container) to a board over serial, or via its UF2 drive',
  usage: `usage: lowbit flash MODEL --port PATH --protocol esp32|stm32 [--partition NAME | --address HEX]
                    [--baud N] [--flash-baud N] [--board ID] [--no-reset] [--retries N] [--json]
       lowbit flash MODEL --protocol uf2 [--address HEX] [--family rp2040|rp2350] [--board ID] [--out FILE]

The model is wrapped in the Lowbit container (magic, version, length, CRC32; 16-byte
aligned) and written, then verified: SPI_FLASH_MD5 on ESP32, a full read-back on STM32.
Success is reported only after the check passes.
  esp32   ROM loader (no stub). Default target: the data partition "model" from the
          partition table at 0x8000 (ESP32-S3 ROMs cannot read it: give --address).
          --no-reset skips the DTR/RTS reset (hold BOOT and press EN yourself).
  stm32   system bootloader over USART (AN3155, 8E1); set BOOT0 and reset first.
          Needs --address or --board (erases exactly the sectors the model covers).
  uf2     copies a UF2 image onto a mounted RPI-RP2 / RP2350 drive, else saves it.
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
    const fromBoard = { 'esp32-rom': 'esp32', 'stm32-uart': 'stm32', uf2: 'uf2', other: undefined }[
      board?.flashMethod ?? 'other'
    ];
    const protocol = values.protocol ?? fromBoard;
    if (protocol !== 'esp32' && protocol !== 'stm32' && protocol !== 'uf2') {
      throw new UsageError(
        board
          ? `board ${board.id} is not flashed over serial: export the model instead`
          : '--protocol esp32|stm32|uf2 is required',
      );
    }
    if (values.partition && values.address) throw new UsageError('give --partition or --address, not both');
    const address = values.address ? parseAddress(values.address) : undefined;
    const baud = values.baud ? positiveInt(values.baud, '--baud') : 115200;
    const retries = values.retries ? positiveInt(values.retries, '--retries', true) : undefined;
    const file = positionals[0]!;
    const { model, image } = readModelContainer(file);
    const json = !!values.json;

    if (protocol === 'uf2')
      return flashUf2(
        ctx,
        file,
        image,
        address ?? board?.model.address,
        values.family,
        board,
        values.out,
        json,
      );
    if (!values.port) throw new UsageError('--port is required for serial flashing');

    const onProgress = progressPrinter(ctx);
    const transport = new SerialTransport(values.port, {
      baud,
      parity: protocol === 'stm32' ? 'even' : 'none',
    });
    await transport.open();
    try {
      const common = { signal: ctx.signal, onProgress, onLog: (l: string) => ctx.log(l), retries };
      const result =
        protocol === 'esp32'
          ? await flashEsp32(transport, image, {
              ...common,
              baud,
              flashBaud: values['flash-baud'] ? positiveInt(values['flash-baud'], '--flash-baud') : undefined,
              address: address ?? (values.partition ? undefined : board?.model.address),
              partition: address === undefined ? (values.partition ?? board?.model.partition) : undefined,
              reset: values['no-reset'] ? 'none' : 'classic',
              resetAfter: !values['no-reset'],
              expectChip: board?.espChip,
              flashSize: board ? board.flashKB * 1024 : undefined,
            })
          : await flashStm32(transport, image, {
              ...common,
              baud,
              address: address ?? board?.model.address ?? missingAddress(),
              expectPid: board?.stm32Pid,
            });
      const out = { ...result, port: values.port, model: file, modelBytes: model.length };
      ctx.out(
        json
          ? JSON.stringify(out, null, 2)
          : `flashed ${file} (${model.length} bytes, container ${result.bytes}) to ${result.chip} at 0x${result.address.toString(16)}: verified by ${result.verifiedBy} in ${(result.ms / 1000).toFixed(1)} s`,
      );
      return 0;
    } finally {
      await transport.close();
    }
  },
};

function missingAddress(): never {
  throw new UsageError(
    'stm32 needs --address HEX or --board ID (flashing over the firmware at 0x08000000 is never a default)',
  );
}

function positiveInt(text: string, flag: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new UsageError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  return n;
}

function progressPrinter(ctx: CliContext): (p: FlashProgress) => void {
  return (p) => {
    const rate = p.bytesPerSec > 0 ? ` ${(p.bytesPerSec / 1024).toFixed(1)} KB/s` : '';
    const eta = p.etaSec !== undefined && p.done < p.total ? ` ETA ${Math.ceil(p.etaSec)} s` : '';
    ctx.progress(`${p.phase}${rate}${eta}`, p.done, p.total);
  };
}

function flashUf2(
  ctx: CliContext,
  file: string,
  image: Uint8Array,
  address: number | undefined,
  familyFlag: string | undefined,
  board: Board | undefined,
  outFile: string | undefined,
  json: boolean,
): number {
  if (address === undefined) throw new UsageError('uf2 needs --address HEX or --board ID');
  const family = familyFlag ? FAMILY_FLAG[familyFlag] : (board?.model.uf2Family ?? 'rp2040');
  if (!family) throw new UsageError(`unknown --family "${familyFlag}"`);
  const uf2 = buildUf2(image, address, UF2_FAMILIES[family]);
  const name = `${path.basename(file).replace(/\.tflite$/i, '')}.uf2`;
  const want = family === 'rp2040' ? 'rp2040' : family === 'rp2350-arm-s' ? 'rp2350' : undefined;
  const drive = findUf2Drives().find((d) => want === undefined || d.family === want);
  let target: string;
  let copied = false;
  if (drive && !outFile) {
    target = copyToUf2Drive(drive, name, uf2);
    copied = true;
  } else {
    target = path.resolve(ctx.cwd, outFile ?? name);
    try {
      fs.writeFileSync(target, uf2);
    } catch (e) {
      throw new IoError(`${target}: cannot write (${(e as Error).message})`, { cause: e });
    }
    if (!outFile)
      ctx.log(
        `no ${want ?? 'UF2'} BOOTSEL drive mounted: saved ${target}; hold BOOTSEL while plugging in, then copy it onto the drive`,
      );
  }
  const result = {
    protocol: 'uf2',
    file: target,
    copiedToDrive: copied,
    address,
    family,
    blocks: uf2.length / 512,
    bytes: image.length,
  };
  ctx.out(
    json
      ? JSON.stringify(result, null, 2)
      : `${copied ? 'copied to' : 'saved'} ${target} (${result.blocks} UF2 blocks at 0x${address.toString(16)})`,
  );
  return 0;
}
