/** What the serial-link families (esp32, stm32) share: detection by board, and the link's lifetime. */
import { boardById, flashFamilyOf } from '../engine/deploy/boards';
import type { FlashFamilyId } from '../engine/deploy/device-types';
import type { FamilyFlashRequest, FoundDevices } from './family';
import type { FlashCommonOptions } from './flash-job';
import type { SerialLink } from './link/link';

/**
 * Serial ports whose USB IDs match a catalogue board flashed by this family. A guess: bridges
 * such as the CP2102N or an ST-LINK serve many boards, so the user still picks the port.
 */
export function serialPortsFlashedBy(family: FlashFamilyId, found: FoundDevices): string[] {
  return found.serial
    .filter((p) =>
      p.boards.some((id) => {
        const board = boardById(id);
        return board !== undefined && flashFamilyOf(board) === family;
      }),
    )
    .map((p) => p.path);
}

/**
 * Opens the request's serial link, runs `use` with the options every serial flasher takes, and
 * closes the link whatever happens.
 */
export async function overSerialLink<T>(
  r: FamilyFlashRequest,
  parity: 'none' | 'even',
  use: (link: SerialLink, common: FlashCommonOptions & { baud: number }) => Promise<T>,
): Promise<T> {
  const link = await r.openSerial(r.target, r.baud, parity);
  try {
    const { signal, onProgress, onLog, retries, baud } = r;
    return await use(link, { signal, onProgress, onLog, retries, baud });
  } finally {
    await link.close();
  }
}
