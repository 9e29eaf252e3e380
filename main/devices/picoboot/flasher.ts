/**
 * Flashes an image through PICOBOOT (what picotool's `load --verify --execute` does, for one
 * range): exclusive access, exit XIP, erase the 4 KiB sectors the image covers, write whole
 * 256-byte pages, read everything back and compare, reboot into the application. Success is
 * returned only after the read-back matches byte for byte.
 *
 * A failed step is retried on a freshly opened device (closing the old one cancels the
 * transfers a timeout left pending, which would otherwise swallow the next command's data), so
 * a retry starts clean: new session, exclusive access, XIP off, then the same step again.
 */
import { DeviceWrongChipError, InvalidArgumentError, throwIfAborted } from '../../engine/errors';
import { finishFlash, ProgressMeter, verifyBlocks, withRetries, writeBlocks } from '../flash-job';
import type { FlashCommonOptions, FlashResult } from '../flash-job';
import type { UsbLink } from '../link/link';
import { PicobootConnection, type PicobootTimeouts } from './connection';
import { FLASH_BASE, FLASH_PAGE_BYTES, FLASH_SECTOR_BYTES, FLASH_WINDOW_BYTES } from './protocol';

export interface PicobootFlashOptions extends FlashCommonOptions {
  /** Flash address of the image's first byte: in the XIP window, 4 KiB aligned. */
  address: number;
  /** Bytes of flash on the board (default: the 16 MiB window). */
  flashBytes?: number;
  /** Refuse any other chip (from the board catalogue). */
  expectChip?: 'RP2040' | 'RP2350';
  /** Leave BOOTSEL for the application once verified (default true). */
  reboot?: boolean;
  timeouts?: PicobootTimeouts;
}

/** Bytes per WRITE and READ command: one sector's worth of whole pages. */
const CHUNK_BYTES = FLASH_SECTOR_BYTES;

export async function flashPicoboot(
  openLink: () => Promise<UsbLink>,
  image: Uint8Array,
  opts: PicobootFlashOptions,
): Promise<FlashResult> {
  const t0 = Date.now();
  const { address, signal } = opts;
  const retries = opts.retries ?? 3;
  const data = padToPages(image);
  checkRange(address, data.length, opts.flashBytes ?? FLASH_WINDOW_BYTES);
  const sectors = Math.ceil(data.length / FLASH_SECTOR_BYTES);

  let conn: PicobootConnection | undefined;
  const connect = async () => {
    const link = await openLink();
    try {
      const c = await PicobootConnection.open(link, { timeouts: opts.timeouts, signal });
      if (opts.expectChip && c.chip.name !== opts.expectChip)
        throw new DeviceWrongChipError(
          `${link.path}: connected chip is ${c.chip.name}, the board has an ${opts.expectChip}`,
        );
      await c.exclusiveAccess();
      await c.exitXip();
      conn = c;
    } catch (e) {
      await link.close();
      throw e;
    }
  };
  const reconnect = async () => {
    await conn?.link.close();
    conn = undefined;
  };
  /** One step on a live session (opened first if needed); a failure closes it, so a retry reopens. */
  const onSession =
    <A extends unknown[], R>(run: (c: PicobootConnection, ...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        if (!conn) await connect();
        return await run(conn!, ...args);
      } catch (e) {
        await reconnect();
        throw e;
      }
    };

  try {
    new ProgressMeter('connect', 1, opts.onProgress);
    let retried = await withRetries(
      retries,
      onSession(async () => {}),
      async () => {},
      signal,
    );
    opts.onLog?.(`${conn!.chip.name} boot ROM on ${conn!.link.path}: exclusive access, XIP off`);

    const eraseMeter = new ProgressMeter('erase', sectors, opts.onProgress);
    for (let s = 0; s < sectors; s++) {
      throwIfAborted(signal);
      const at = address + s * FLASH_SECTOR_BYTES;
      retried += await withRetries(
        retries,
        onSession(async (c) => void (await c.flashErase(at, FLASH_SECTOR_BYTES))),
        async () => {},
        signal,
      );
      eraseMeter.report(s + 1);
    }
    if (data.length % FLASH_SECTOR_BYTES !== 0)
      opts.onLog?.(
        `note: ${sectors * FLASH_SECTOR_BYTES - data.length} bytes of the last erased sector end up blank`,
      );

    const steps = {
      blockBytes: CHUNK_BYTES,
      retries,
      recover: async () => {},
      signal,
      onProgress: opts.onProgress,
    };
    retried += await writeBlocks(
      data,
      steps,
      onSession(async (c, off: number, block: Uint8Array) => void (await c.write(address + off, block))),
    );
    retried += await verifyBlocks(
      data,
      address,
      steps,
      onSession((c, off: number, n: number) => c.read(address + off, n)),
    );
    const chip = conn!.chip.name;
    if (opts.reboot ?? true) {
      await conn!.reboot();
      opts.onLog?.(`${chip} rebooting into the application`);
    }
    return finishFlash(
      { protocol: 'picoboot', chip, address, bytes: image.length, retries: retried, verifiedBy: 'readback' },
      data.length,
      t0,
      opts.onProgress,
    );
  } finally {
    await conn?.link.close();
  }
}

/** The image padded with the erased value to whole pages (WRITE takes whole pages only). */
function padToPages(image: Uint8Array): Uint8Array {
  if (image.length === 0) throw new InvalidArgumentError('nothing to flash: the image is empty');
  const size = Math.ceil(image.length / FLASH_PAGE_BYTES) * FLASH_PAGE_BYTES;
  if (size === image.length) return image;
  const out = new Uint8Array(size).fill(0xff);
  out.set(image);
  return out;
}

function checkRange(address: number, length: number, flashBytes: number): void {
  const hex = (n: number) => `0x${n.toString(16)}`;
  if (address % FLASH_SECTOR_BYTES !== 0)
    throw new InvalidArgumentError(
      `picoboot erases 4 KiB sectors: address ${hex(address)} must be a multiple of 0x1000 (or the data before it in its sector would be erased)`,
    );
  const end = FLASH_BASE + flashBytes;
  if (address < FLASH_BASE || address + length > end)
    throw new InvalidArgumentError(
      `image of ${length} bytes at ${hex(address)} does not fit the flash (${hex(FLASH_BASE)}..${hex(end)})`,
    );
}
