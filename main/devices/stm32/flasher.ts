import { DeviceProtocolError, DeviceWrongChipError, InvalidArgumentError } from '../../engine/errors';
import { finishFlash, ProgressMeter, verifyBlocks, withRetries, writeBlocks } from '../flash-job';
import type { FlashCommonOptions, FlashResult } from '../flash-job';
import type { SerialLink } from '../link/link';
import { flashEnd, sectorsCovering, stm32ChipByPid, type Stm32Chip } from './chips';
import { CMD, Stm32Bootloader } from './protocol';

export interface Stm32FlashOptions extends FlashCommonOptions {
  /** Flash address of the first byte (default 0x08000000). */
  address?: number;
  /** Line speed, for timeouts (the transport is already open at this speed). */
  baud: number;
  /** Refuse any other product ID (from the board catalogue). */
  expectPid?: number;
  /** Reply budget in ms on top of the wire time (default 500). */
  replyTimeoutMs?: number;
  /** Jump to this address after a verified write (Go). */
  goAddress?: number;
}

const BLOCK = 256;

/**
 * Writes `data` through the STM32 system bootloader (AN3155): sync, Get, Get ID, erase exactly
 * the sectors the data covers, write 256-byte blocks, read everything back and compare. Success
 * is returned only after the read-back matches byte for byte.
 */
export async function flashStm32(
  t: SerialLink,
  image: Uint8Array,
  opts: Stm32FlashOptions,
): Promise<FlashResult> {
  const t0 = Date.now();
  let data = image;
  const address = opts.address ?? 0x08000000;
  const retries = opts.retries ?? 3;
  const { signal } = opts;
  const log = opts.onLog ?? (() => {});
  if (data.length === 0) throw new InvalidArgumentError('nothing to flash: the image is empty');
  if (address % 4 !== 0)
    throw new InvalidArgumentError(`address 0x${address.toString(16)} must be 4-byte aligned`);

  const bl = new Stm32Bootloader(t, opts.baud, opts.replyTimeoutMs ?? 500, signal);
  new ProgressMeter('connect', 1, opts.onProgress);
  await bl.sync();
  const info = await bl.get();
  for (const need of [CMD.GET_ID, CMD.READ, CMD.WRITE]) {
    if (!info.commands.includes(need)) {
      throw new DeviceProtocolError(
        `bootloader v${info.version >> 4}.${info.version & 15} lacks command 0x${need.toString(16)}`,
      );
    }
  }
  const extended = info.commands.includes(CMD.EXTENDED_ERASE);
  if (!extended && !info.commands.includes(CMD.ERASE))
    throw new DeviceProtocolError('bootloader offers no erase command');
  const pid = await bl.getId();
  const chip = stm32ChipByPid(pid);
  const pidHex = `0x${pid.toString(16).padStart(3, '0')}`;
  if (!chip) throw new DeviceWrongChipError(`unsupported STM32 product ID ${pidHex}`);
  if (opts.expectPid !== undefined && pid !== opts.expectPid) {
    throw new DeviceWrongChipError(
      `connected chip is ${chip.name} (${pidHex}), expected product ID 0x${opts.expectPid.toString(16)}`,
    );
  }
  log(`chip ${chip.name} (PID ${pidHex}), bootloader v${info.version >> 4}.${info.version & 15}`);
  if (address % chip.writeUnit !== 0) {
    throw new InvalidArgumentError(
      `${chip.name} programs ${chip.writeUnit}-byte flash words: address 0x${address.toString(16)} is not aligned`,
    );
  }
  checkRange(chip, address, data.length);
  // Pad the image to whole flash words with the erased value; the read-back checks all of it.
  if (data.length % chip.writeUnit !== 0) {
    const padded = new Uint8Array(Math.ceil(data.length / chip.writeUnit) * chip.writeUnit).fill(0xff);
    padded.set(data);
    data = padded;
  }

  // Erase: exactly the sectors the image overlaps, before any write (flash only clears bits).
  const sectors = sectorsCovering(chip, address, data.length);
  const eraseMeter = new ProgressMeter('erase', sectors.length, opts.onProgress);
  let retried = 0;
  const numbers = sectors.map((s) => s.number);
  const first = sectors[0];
  const last = sectors[sectors.length - 1];
  const spill = address - first.start + (last.start + last.size - (address + data.length));
  if (address !== first.start) {
    // Erase works on whole sectors: whatever else lives in them is lost. Say so before it happens.
    log(
      `warning: 0x${address.toString(16)} is inside sector ${first.number}; its first ${address - first.start} bytes will be erased too`,
    );
  }
  if (spill > 0) log(`note: ${spill} bytes of the erased sectors lie outside the model and end up blank`);
  retried += await withRetries(
    retries,
    () => (extended ? bl.extendedErase(numbers) : bl.erase(numbers)),
    () => bl.resync(),
    signal,
  );
  eraseMeter.report(sectors.length);
  log(`erased ${sectors.length} ${chip.pid === 0x415 ? 'page' : 'sector'}(s): ${numbers.join(', ')}`);

  const steps = {
    blockBytes: BLOCK,
    retries,
    recover: () => bl.resync(),
    signal,
    onProgress: opts.onProgress,
  };
  retried += await writeBlocks(data, steps, (off, block) => bl.writeMemory(address + off, block));
  retried += await verifyBlocks(data, address, steps, (off, n) => bl.readMemory(address + off, n));
  if (opts.goAddress !== undefined) await bl.go(opts.goAddress);
  const result = { protocol: 'stm32', chip: chip.name, address, bytes: image.length } as const;
  return finishFlash(
    { ...result, retries: retried, verifiedBy: 'readback' },
    data.length,
    t0,
    opts.onProgress,
  );
}

function checkRange(chip: Stm32Chip, address: number, length: number): void {
  const end = flashEnd(chip);
  if (address < chip.flashStart || address + length > end) {
    throw new InvalidArgumentError(
      `image of ${length} bytes at 0x${address.toString(16)} does not fit the flash of ${chip.name} (0x${chip.flashStart.toString(16)}..0x${end.toString(16)})`,
    );
  }
}
