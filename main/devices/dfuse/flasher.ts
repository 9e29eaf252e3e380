/**
 * Flashes an image into an STM32 over USB through its system bootloader's DfuSe interface:
 * read the memory layout from the interface string, refuse anything outside erasable and
 * writable sectors, erase exactly the sectors the image covers, write wTransferSize blocks,
 * read everything back and compare, then leave DFU mode into the application at the start of
 * flash. The same progress phases, cancel and per-block retries as the serial flashers; success
 * is returned only after the read-back matches byte for byte.
 */
import {
  DeviceVerifyError,
  DeviceWrongChipError,
  InvalidArgumentError,
  throwIfAborted,
} from '../../engine/errors';
import { readStringDescriptor } from '../dfu/descriptors';
import { DfuDevice } from '../dfu/driver';
import {
  finishFlash,
  firstDifference,
  ProgressMeter,
  withRetries,
  type FlashCommonOptions,
  type FlashResult,
} from '../flash-job';
import type { UsbLink } from '../link/link';
import { DfuSe } from './commands';
import { parseMemoryLayout, sectorsToWrite, type MemoryLayout } from './memory-layout';

export const DFUSE_VERSION = 0x011a;

export interface DfuseFlashOptions extends FlashCommonOptions {
  address: number;
  /** Start the application after a verified write (default true). */
  leave?: boolean;
  /** Longest wait for one busy block (erase of a 128 KiB sector takes seconds). */
  busyLimitMs?: number;
}

/** Blocks per read-back request: one retry repeats at most this much. */
const VERIFY_BLOCKS = 16;

export async function flashDfuse(
  link: UsbLink,
  image: Uint8Array,
  opts: DfuseFlashOptions,
): Promise<FlashResult> {
  const t0 = Date.now();
  const { signal, address } = opts;
  const retries = opts.retries ?? 3;
  const log = opts.onLog ?? (() => {});
  if (image.length === 0) throw new InvalidArgumentError('nothing to flash: the image is empty');

  new ProgressMeter('connect', 1, opts.onProgress);
  const dfu = await DfuDevice.open(link, { signal, busyLimitMs: opts.busyLimitMs });
  if (dfu.functional.dfuVersion !== DFUSE_VERSION)
    throw new DeviceWrongChipError(
      `${link.path} speaks DFU ${dfu.functional.dfuVersion.toString(16)}, not ST's DfuSe (11a): it is not an STM32 system bootloader`,
    );
  const layout = parseMemoryLayout(await readStringDescriptor(link, dfu.iface.nameIndex));
  const sectors = sectorsToWrite(layout, address, image.length);
  log(`${layout.name}: ${sectors.length} sector(s) to erase, wTransferSize ${dfu.transferSize}`);
  const dfuse = new DfuSe(dfu);
  const recover = () => dfu.toIdle();
  await dfu.toIdle();
  let retried = 0;

  const first = sectors[0];
  if (address !== first.start)
    log(
      `warning: 0x${address.toString(16)} is inside the sector at 0x${first.start.toString(16)}; its first ${address - first.start} bytes will be erased too`,
    );
  const eraseMeter = new ProgressMeter('erase', sectors.length, opts.onProgress);
  for (const [i, s] of sectors.entries()) {
    throwIfAborted(signal);
    retried += await withRetries(retries, () => dfuse.erasePage(s.start), recover, signal);
    eraseMeter.report(i + 1);
  }

  const block = dfu.transferSize;
  const writeMeter = new ProgressMeter('write', image.length, opts.onProgress);
  for (let off = 0; off < image.length; off += block) {
    throwIfAborted(signal);
    const chunk = image.subarray(off, Math.min(off + block, image.length));
    retried += await withRetries(retries, () => dfuse.write(address + off, chunk), recover, signal);
    writeMeter.report(off + chunk.length);
  }

  retried += await verify(dfuse, image, opts, retries);
  if (opts.leave ?? true) {
    const start = layout.sectors[0].start;
    await dfuse.leave(start);
    log(`left DFU mode: the application at 0x${start.toString(16)} runs`);
  }
  const result = { protocol: 'dfuse', chip: chipName(layout), address, bytes: image.length } as const;
  return finishFlash(
    { ...result, retries: retried, verifiedBy: 'readback' },
    image.length,
    t0,
    opts.onProgress,
  );
}

async function verify(
  dfuse: DfuSe,
  image: Uint8Array,
  opts: DfuseFlashOptions,
  retries: number,
): Promise<number> {
  const window = dfuse.dfu.transferSize * VERIFY_BLOCKS;
  const meter = new ProgressMeter('verify', image.length, opts.onProgress);
  let retried = 0;
  for (let off = 0; off < image.length; off += window) {
    throwIfAborted(opts.signal);
    const want = image.subarray(off, Math.min(off + window, image.length));
    let got: Uint8Array = new Uint8Array(0);
    retried += await withRetries(
      retries,
      async () => {
        got = await dfuse.read(opts.address + off, want.length);
      },
      () => dfuse.dfu.toIdle(),
      opts.signal,
    );
    const bad = firstDifference(got, want);
    if (bad >= 0)
      throw new DeviceVerifyError(
        bad >= got.length
          ? `read-back ended after ${off + got.length} of ${image.length} bytes`
          : `read-back differs at 0x${(opts.address + off + bad).toString(16)}: wrote 0x${want[bad].toString(16)}, read 0x${got[bad].toString(16)}`,
      );
    meter.report(off + want.length);
  }
  return retried;
}

const chipName = (layout: MemoryLayout) => `STM32 (DfuSe ${layout.name})`;
