import { createHash } from 'node:crypto';
import { zlibSync } from 'fflate';
import {
  DeviceVerifyError,
  DeviceWrongChipError,
  InvalidArgumentError,
  throwIfAborted,
} from '../../engine/errors';
import {
  PARTITION_TABLE_OFFSET,
  PARTITION_TABLE_SIZE,
  PARTITION_TYPE,
  findPartition,
  parsePartitionTable,
} from '../../engine/deploy/partition-table';
import { finishFlash, ProgressMeter, withRetries } from '../flash-job';
import type { FlashCommonOptions, FlashResult } from '../flash-job';
import { wireTimeMs } from '../link/byte-stream';
import type { SerialLink } from '../link/link';
import { CHIP_DETECT_MAGIC_REG, esp32ChipByMagic, otherChipName, type Esp32Chip } from './chips';
import { OP, ROM_BLOCK, words } from './commands';
import { EspRomLoader } from './loader';
import { hardReset, resetIntoBootloader, type ResetStrategy } from './reset';

export interface Esp32FlashOptions extends FlashCommonOptions {
  /** Line speed the transport was opened at. */
  baud: number;
  /** Switch to this speed after SYNC (CHANGE_BAUDRATE). */
  flashBaud?: number;
  /** Explicit flash offset; otherwise the partition named `partition` (default "model"). */
  address?: number;
  partition?: string;
  reset?: ResetStrategy;
  /** Reset out of the loader when done (default true; skipped when the link has no lines). */
  resetAfter?: boolean;
  /** Use FLASH_DEFL_* (default true). */
  compress?: boolean;
  expectChip?: Esp32Chip['id'];
  /** Flash chip size in bytes, sent with SPI_SET_PARAMS (default 4 MB; the board catalogue knows it). */
  flashSize?: number;
  /** Base reply timeout in ms (default 3000, as esptool). */
  replyTimeoutMs?: number;
}

export const md5 = (b: Uint8Array) => new Uint8Array(createHash('md5').update(b).digest());
const md5hex = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/**
 * Writes `image` through the ESP32 ROM loader (no stub): reset, SYNC, chip detect, SPI_ATTACH,
 * optional CHANGE_BAUDRATE, partition lookup at 0x8000, FLASH_(DEFL_)BEGIN/DATA, then
 * SPI_FLASH_MD5 over the written range. Success is returned only when the MD5 matches.
 */
export async function flashEsp32(
  t: SerialLink,
  image: Uint8Array,
  opts: Esp32FlashOptions,
): Promise<FlashResult> {
  const t0 = Date.now();
  const { signal } = opts;
  const log = opts.onLog ?? (() => {});
  const retries = opts.retries ?? 3;
  if (image.length === 0) throw new InvalidArgumentError('nothing to flash: the image is empty');
  if (opts.address !== undefined && opts.partition !== undefined) {
    throw new InvalidArgumentError('give either a partition name or an address, not both');
  }

  new ProgressMeter('connect', 1, opts.onProgress);
  if (!(await resetIntoBootloader(t, opts.reset ?? 'classic', signal))) {
    log(
      'the port has no DTR/RTS lines: skipping the automatic reset (put the board in download mode by hand)',
    );
  }
  const rom = new EspRomLoader(t, { baud: opts.baud, replyTimeoutMs: opts.replyTimeoutMs, signal });
  await rom.sync();
  const magic = await rom.readReg(CHIP_DETECT_MAGIC_REG);
  const chip = esp32ChipByMagic(magic);
  if (!chip) {
    const other = otherChipName(magic);
    throw new DeviceWrongChipError(
      `unsupported chip ${other ?? 'with detect value 0x' + magic.toString(16)}`,
    );
  }
  if (opts.expectChip && chip.id !== opts.expectChip) {
    throw new DeviceWrongChipError(`connected chip is ${chip.name}, the board expects ${opts.expectChip}`);
  }
  rom.statusLength = chip.statusLength;
  log(`chip ${chip.name}`);
  const again = () => {
    rom.flush();
    return Promise.resolve();
  };
  await withRetries(retries, () => rom.spiAttach(), again, signal);
  const flashSize = opts.flashSize ?? 4 << 20;
  await withRetries(retries, () => rom.spiSetParams(flashSize), again, signal);
  if (opts.flashBaud && opts.flashBaud !== opts.baud) await rom.changeBaud(opts.flashBaud);

  const address = await resolveAddress(rom, chip, image.length, opts, log);
  const plan = opts.compress === false ? plainPlan(image) : deflatedPlan(image);
  let retried = await writeBlocks(rom, chip, image, address, opts, retries, plan);

  const verify = new ProgressMeter('verify', image.length, opts.onProgress);
  let got = '';
  retried += await withRetries(
    retries,
    async () => {
      got = await rom.flashMd5(address, image.length);
    },
    again,
    signal,
  );
  const want = md5hex(image);
  if (got !== want) {
    throw new DeviceVerifyError(`flash MD5 at 0x${address.toString(16)} is ${got}, expected ${want}`);
  }
  verify.report(image.length);
  // Leave the loader running (FLASH_END "stay" = 1): the reset below, not the ROM, restarts the chip.
  const endOp = opts.compress === false ? OP.FLASH_END : OP.FLASH_DEFL_END;
  await withRetries(retries, async () => void (await rom.command(endOp, words(1))), again, signal);
  if (opts.resetAfter !== false && !(await hardReset(t, signal)))
    log('no DTR/RTS lines: press EN/RESET to start the firmware');
  const result = { protocol: 'esp32', chip: chip.name, address, bytes: image.length } as const;
  return finishFlash({ ...result, retries: retried, verifiedBy: 'md5' }, image.length, t0, opts.onProgress);
}

async function resolveAddress(
  rom: EspRomLoader,
  chip: Esp32Chip,
  size: number,
  opts: Esp32FlashOptions,
  log: (l: string) => void,
): Promise<number> {
  if (opts.address !== undefined) {
    if (opts.address % 0x1000 !== 0)
      throw new InvalidArgumentError(`address 0x${opts.address.toString(16)} is not on a 4 KB flash sector`);
    if (opts.address < PARTITION_TABLE_OFFSET + 0x1000) {
      throw new InvalidArgumentError(
        `address 0x${opts.address.toString(16)} would overwrite the bootloader or the partition table`,
      );
    }
    if (opts.address + size > (opts.flashSize ?? 4 << 20)) {
      throw new InvalidArgumentError(
        `${size} bytes at 0x${opts.address.toString(16)} run past the end of the flash`,
      );
    }
    return opts.address;
  }
  const name = opts.partition ?? 'model';
  if (!chip.romCanReadFlash) {
    throw new InvalidArgumentError(
      `the ${chip.name} ROM cannot read flash, so the partition table is out of reach: pass --address HEX`,
    );
  }
  let raw: Uint8Array = new Uint8Array(0);
  await withRetries(
    opts.retries ?? 3,
    async () => {
      raw = await rom.readFlash(PARTITION_TABLE_OFFSET, PARTITION_TABLE_SIZE);
    },
    () => Promise.resolve(rom.flush()),
    opts.signal,
  );
  const table = parsePartitionTable(raw, md5);
  const p = findPartition(table, name);
  if (!p) {
    const names = table.entries.map((e) => e.label).join(', ');
    throw new InvalidArgumentError(`no partition named "${name}" (the board has: ${names})`);
  }
  if (p.type !== PARTITION_TYPE.data)
    throw new InvalidArgumentError(`partition "${name}" is not a data partition`);
  if (size > p.size) {
    throw new InvalidArgumentError(
      `the image is ${size} bytes but partition "${name}" holds ${p.size} (${size - p.size} too many)`,
    );
  }
  log(`partition "${name}" at 0x${p.offset.toString(16)}, ${p.size} bytes`);
  return p.offset;
}

/** Per-block budget: wire time of the block plus the ROM's erase/write time (esptool: 40 s per MB). */
function blockTimeout(rom: EspRomLoader, wire: number, written: number): number {
  return rom.replyTimeoutMs + wireTimeMs(wire + 64, rom.baud, 10) + Math.ceil((40000 * written) / (1 << 20));
}

function beginWords(chip: Esp32Chip, eraseSize: number, blocks: number, offset: number): Uint8Array {
  return chip.beginHasEncryptedWord
    ? words(eraseSize, blocks, ROM_BLOCK, offset, 0)
    : words(eraseSize, blocks, ROM_BLOCK, offset);
}

/** How one write goes: which ops, how much to erase, and the blocks with their timeouts. */
interface WritePlan {
  beginOp: number;
  dataOp: number;
  eraseSize: number;
  blocks: number;
  /** Block `seq` as sent, and the image bytes it writes (its timeout budget). */
  block(seq: number): { bytes: Uint8Array; imageBytes: number };
  /** Image bytes written once blocks 0..seq have landed (progress). */
  writtenAfter(seq: number): number;
}

function deflatedPlan(image: Uint8Array): WritePlan {
  const packed = zlibSync(image, { level: 9 });
  const blocks = Math.ceil(packed.length / ROM_BLOCK);
  return {
    beginOp: OP.FLASH_DEFL_BEGIN,
    dataOp: OP.FLASH_DEFL_DATA,
    // ROM quirk (esptool flash_defl_begin): the size is the uncompressed size rounded up to blocks.
    eraseSize: Math.ceil(image.length / ROM_BLOCK) * ROM_BLOCK,
    blocks,
    block(seq) {
      const bytes = packed.subarray(seq * ROM_BLOCK, Math.min((seq + 1) * ROM_BLOCK, packed.length));
      // A block inflates to at most ~1032× its size; budget for the share of the image it carries.
      return { bytes, imageBytes: Math.ceil((image.length * bytes.length) / packed.length) };
    },
    writtenAfter: (seq) => Math.min(image.length, Math.round((image.length * (seq + 1)) / blocks)),
  };
}

function plainPlan(image: Uint8Array): WritePlan {
  return {
    beginOp: OP.FLASH_BEGIN,
    dataOp: OP.FLASH_DATA,
    eraseSize: image.length,
    blocks: Math.ceil(image.length / ROM_BLOCK),
    block(seq) {
      // The ROM writes whole blocks: pad the last one with erased-flash 0xFF.
      const bytes = new Uint8Array(ROM_BLOCK).fill(0xff);
      bytes.set(image.subarray(seq * ROM_BLOCK, Math.min((seq + 1) * ROM_BLOCK, image.length)));
      return { bytes, imageBytes: ROM_BLOCK };
    },
    writtenAfter: (seq) => Math.min(image.length, (seq + 1) * ROM_BLOCK),
  };
}

/** FLASH_(DEFL_)BEGIN, then every block with retries; returns the number of retries used. */
async function writeBlocks(
  rom: EspRomLoader,
  chip: Esp32Chip,
  image: Uint8Array,
  address: number,
  opts: Esp32FlashOptions,
  retries: number,
  plan: WritePlan,
): Promise<number> {
  let retried = 0;
  const again = () => {
    rom.flush();
    return Promise.resolve();
  };
  const eraseMs = rom.replyTimeoutMs + Math.ceil((30000 * plan.eraseSize) / (1 << 20));
  const begin = beginWords(chip, plan.eraseSize, plan.blocks, address);
  retried += await withRetries(
    retries,
    async () => void (await rom.command(plan.beginOp, begin, 0, eraseMs)),
    again,
    opts.signal,
  );
  const meter = new ProgressMeter('write', image.length, opts.onProgress);
  for (let seq = 0; seq < plan.blocks; seq++) {
    throwIfAborted(opts.signal);
    const { bytes, imageBytes } = plan.block(seq);
    retried += await withRetries(
      retries,
      () => rom.sendBlock(plan.dataOp, bytes, seq, blockTimeout(rom, bytes.length, imageBytes)),
      again,
      opts.signal,
    );
    meter.report(plan.writtenAfter(seq));
  }
  return retried;
}
