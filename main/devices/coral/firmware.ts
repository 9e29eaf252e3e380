/**
 * Loads the Coral USB Accelerator's firmware, as libedgetpu does (driver/usb/usb_dfu_util.cc,
 * usb_dfu_commands.cc): plain DFU 1.1 on 1a6e:089a — DNLOAD blocks of wTransferSize with a
 * GETSTATUS after each, the zero-length block (the device answers dfuIDLE), UPLOAD to compare
 * every byte, then a USB port reset — and waits for the device to come back as 18d1:9302.
 * Success is returned only once the new identity is on the bus; a device that comes back still
 * needing firmware, or with other IDs, or not at all, is an error.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import {
  DeviceDisconnectedError,
  DeviceNotFoundError,
  DeviceProtocolError,
  DeviceTimeoutError,
  DeviceVerifyError,
  IoError,
} from '../../engine/errors';
import type { CoralFirmwareOutcome } from '../../engine/deploy/device-types';
import { assetPath } from '../../files/assets';
import { DfuDevice } from '../dfu/driver';
import { firstDifference, ProgressMeter, sleep, withRetries, type FlashCommonOptions } from '../flash-job';
import { backendUsbBus, openUsbLink, type UsbBus } from '../link/usb-backend';
import { CORAL_NEEDS_FIRMWARE, CORAL_READY } from './usb-ids';

/** libedgetpu's default image (OperatingMode::kSingleEndpoint), see assets/coral/NOTICE. */
export const CORAL_FIRMWARE_FILE = 'apex_latest_single_ep.bin';
export const CORAL_FIRMWARE_SHA256 = '3b07311b174b81fd14fd2c887f40d646c0ebf2f140cc5ee5cf8befa0f3e3dc7f';

/** The bundled firmware image, checked against its recorded SHA-256. */
export function readCoralFirmware(file = assetPath('coral', CORAL_FIRMWARE_FILE)): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    throw new IoError(`${file}: cannot read the Coral firmware (${(e as Error).message})`);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== CORAL_FIRMWARE_SHA256)
    throw new IoError(`${file}: SHA-256 ${sha} is not the recorded firmware's (npm run gen:coral-firmware)`);
  return bytes;
}

export interface CoralFirmwareOptions extends FlashCommonOptions {
  firmware: Uint8Array;
  /** Where devices are found (default the `usb` package, or the simulated backend). */
  bus?: UsbBus;
  /** How long to wait for 18d1:9302 after the reset (default 10 s; libedgetpu sleeps 4 s). */
  reenumerateTimeoutMs?: number;
  /** How often to look for it meanwhile (default 100 ms). */
  pollMs?: number;
}

const hexIds = (ids: { vid: number; pid: number }) =>
  `${ids.vid.toString(16).padStart(4, '0')}:${ids.pid.toString(16).padStart(4, '0')}`;

export async function loadCoralFirmware(opts: CoralFirmwareOptions): Promise<CoralFirmwareOutcome> {
  const t0 = Date.now();
  const { firmware, signal } = opts;
  const bus = opts.bus ?? backendUsbBus;
  const log = opts.onLog ?? (() => {});
  const found = (ids: { vid: number; pid: number }) => bus.findDevice(ids.vid, ids.pid);
  if (!(await found(CORAL_NEEDS_FIRMWARE))) {
    if (await found(CORAL_READY)) {
      log(`the Coral USB Accelerator is ${hexIds(CORAL_READY)} already: its firmware is loaded`);
      return { state: 'already-loaded', bytes: 0, retries: 0, verifiedBy: 'none', ms: Date.now() - t0 };
    }
    throw new DeviceNotFoundError(
      `no Coral USB Accelerator is plugged in (neither ${hexIds(CORAL_NEEDS_FIRMWARE)} nor ${hexIds(CORAL_READY)})`,
      'plug it into a USB 3 port and try again',
    );
  }
  new ProgressMeter('connect', 1, opts.onProgress);
  const link = await openUsbLink(CORAL_NEEDS_FIRMWARE.vid, CORAL_NEEDS_FIRMWARE.pid, bus);
  let retried: number;
  try {
    const dfu = await DfuDevice.open(link, { signal });
    log(`${link.path}: DFU, wTransferSize ${dfu.transferSize}; loading ${firmware.length} bytes`);
    retried = await withRetries(
      opts.retries ?? 2,
      async () => {
        await dfu.toIdle();
        const write = new ProgressMeter('write', firmware.length, opts.onProgress);
        await dfu.download(firmware, (done) => write.report(done));
        const verify = new ProgressMeter('verify', firmware.length, opts.onProgress);
        const back = await dfu.upload(firmware.length, 0, (done) => verify.report(done));
        const bad = firstDifference(back, firmware);
        if (bad >= 0)
          throw new DeviceVerifyError(
            bad >= back.length
              ? `${link.path}: the upload returned ${back.length} of ${firmware.length} firmware bytes`
              : `${link.path}: the uploaded firmware differs at byte ${bad}`,
          );
      },
      () => dfu.toIdle(),
      signal,
    );
    try {
      await link.reset();
    } catch (e) {
      // The device drops off the bus while it resets into the new firmware: expected.
      if (!(e instanceof DeviceDisconnectedError)) throw e;
    }
  } finally {
    await link.close();
  }
  await waitForReady(bus, opts.reenumerateTimeoutMs ?? 10_000, opts.pollMs ?? 100, signal);
  log(`the Coral USB Accelerator is back as ${hexIds(CORAL_READY)}`);
  new ProgressMeter('done', firmware.length, opts.onProgress).report(firmware.length);
  return {
    state: 'loaded',
    bytes: firmware.length,
    retries: retried,
    verifiedBy: 'readback',
    ms: Date.now() - t0,
  };
}

async function waitForReady(
  bus: UsbBus,
  timeoutMs: number,
  pollMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await bus.findDevice(CORAL_READY.vid, CORAL_READY.pid)) return;
    if (Date.now() >= deadline) break;
    await sleep(pollMs, signal);
  }
  if (await bus.findDevice(CORAL_NEEDS_FIRMWARE.vid, CORAL_NEEDS_FIRMWARE.pid))
    throw new DeviceProtocolError(
      `after the reset the Coral USB Accelerator came back as ${hexIds(CORAL_NEEDS_FIRMWARE)} again: the firmware did not start`,
      'replug it and run lowbit edgetpu firmware again',
    );
  throw new DeviceTimeoutError(
    `the Coral USB Accelerator did not come back as ${hexIds(CORAL_READY)} within ${Math.round(timeoutMs / 1000)} s of the reset`,
    'replug it; if it shows up as 1a6e:089a, load the firmware again',
  );
}
