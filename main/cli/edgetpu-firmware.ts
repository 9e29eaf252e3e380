/**
 * `lowbit edgetpu firmware`: loads the bundled Coral USB Accelerator firmware by USB DFU and
 * waits for the device to come back ready (main/devices/coral/firmware.ts does the work).
 */
import { parse } from './args';
import { JSON_FLAG } from './options';
import { UsageError, type CliContext } from './command';
import { CORAL_STATE_TEXT } from '../devices/coral/usb-ids';
import { loadCoralFirmware, readCoralFirmware } from '../devices/coral/firmware';
import { describeProgress } from '../devices/flash-job';

export const EDGETPU_FIRMWARE_USAGE = `firmware Loads the Coral USB Accelerator's firmware (libedgetpu's image, bundled) when it
        shows up as 1a6e:089a: USB DFU download, read back and compared, port reset, then
        waits for it to come back as 18d1:9302. Running models on it afterwards needs the
        Edge TPU runtime (libedgetpu) and a TFLite runtime with the Edge TPU delegate.
  --timeout S  seconds to wait for 18d1:9302 after the reset (default 10)
  --retries N  whole-download retries after a stall, timeout or bad status (default 2)`;

export async function runEdgeTpuFirmware(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parse(
    argv,
    { timeout: { type: 'string' }, retries: { type: 'string' }, ...JSON_FLAG },
    { maxPositionals: 0 },
  );
  const timeout = values.timeout === undefined ? 10 : Number(values.timeout);
  if (!(timeout > 0 && timeout <= 600)) throw new UsageError('--timeout must be 1 to 600 seconds');
  const retries = values.retries === undefined ? 2 : Number(values.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10)
    throw new UsageError('--retries must be an integer from 0 to 10');
  const firmware = readCoralFirmware();
  const r = await loadCoralFirmware({
    firmware,
    retries,
    reenumerateTimeoutMs: timeout * 1000,
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(p.phase, p.done, p.total, describeProgress(p).slice(p.phase.length + 1)),
    onLog: (l) => ctx.log(l),
  });
  const result = { ...r, device: '18d1:9302', needs: CORAL_STATE_TEXT.ready };
  ctx.out(
    values.json
      ? JSON.stringify(result, null, 2)
      : r.state === 'already-loaded'
        ? `the Coral USB Accelerator has its firmware already (18d1:9302)\n${CORAL_STATE_TEXT.ready}`
        : `loaded the Coral firmware (${r.bytes} bytes, verified by read-back) in ${(r.ms / 1000).toFixed(1)} s: 18d1:9302 is on the bus\n${CORAL_STATE_TEXT.ready}`,
  );
  return 0;
}
