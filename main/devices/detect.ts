import { boardById, flashFamilyOf } from '../engine/deploy/boards';
import type { FlashFamilyId } from '../engine/deploy/device-types';
import type { FoundDevices } from './family';

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
