import { sleep } from '../flash-job';
import type { SerialLink } from '../link/link';

/**
 * How to put the chip into its ROM download mode before SYNC.
 * 'classic': the DevKit auto-reset circuit (esptool ClassicReset): RTS drives EN, DTR drives
 * IO0 through a transistor pair, so DTR=0/RTS=1 holds the chip in reset, DTR=1/RTS=0 releases
 * EN with IO0 low (boot into the loader), then DTR=0 releases IO0.
 * 'none': the user put the board in download mode by hand (BOOT + EN), or the link has no lines.
 */
export type ResetStrategy = 'classic' | 'none';

/** Returns false when the strategy could not run because the link has no DTR/RTS. */
export async function resetIntoBootloader(
  t: SerialLink,
  strategy: ResetStrategy,
  signal?: AbortSignal,
): Promise<boolean> {
  if (strategy === 'none') return true;
  if (!(await t.setSignals({ dtr: false, rts: true }))) return false;
  await sleep(100, signal);
  await t.setSignals({ dtr: true, rts: false });
  await sleep(50, signal);
  await t.setSignals({ dtr: false });
  return true;
}

/** Leaves the loader: pulse EN (RTS) with IO0 released so the application boots. */
export async function hardReset(t: SerialLink, signal?: AbortSignal): Promise<boolean> {
  if (!(await t.setSignals({ dtr: false, rts: true }))) return false;
  await sleep(100, signal);
  await t.setSignals({ rts: false });
  return true;
}
