/**
 * The one flash dispatch: `lowbit flash` and the services' deploy.flash job both come here.
 * It resolves the family (asked for, or the board's), wraps the model in Lowbit's container,
 * announces the connection, and hands the rest to the family; surface-specific checks (flag
 * names, usage text) stay in the callers.
 */
import { buildContainer } from '../engine/deploy/container';
import type { Board } from '../engine/deploy/boards';
import { flashFamilyOf } from '../engine/deploy/boards';
import type { FlashOutcome } from '../engine/deploy/device-types';
import { exportBaseName } from '../engine/deploy/export-formats';
import { InvalidArgumentError } from '../engine/errors';
import type { DeviceFamily, FamilyFlashRequest } from './family';
import { familyById } from './families';
import type { OpenSerialLink } from './link/link';
import { SerialTransport } from './link/serial';

export interface FlashModelRequest extends Omit<
  FamilyFlashRequest,
  'image' | 'baseName' | 'openSerial' | 'baud' | 'reset'
> {
  /** File name of the model (names files written on a drive). */
  modelName: string;
  /** Family id; absent: the board's flash family. */
  family?: string;
  /** Default 115200. */
  baud?: number;
  /** Default true. */
  reset?: boolean;
  /** Default: a real serial port (tests pass a fake or a PTY link). */
  openSerial?: OpenSerialLink;
}

/** The family a flash goes through: the one asked for, else the board's. */
export function resolveFamily(family: string | undefined, board: Board | undefined): DeviceFamily {
  const id = family ?? (board ? flashFamilyOf(board) : undefined);
  const found = id === undefined ? undefined : familyById(id);
  if (found) return found;
  if (family !== undefined) throw new InvalidArgumentError(`unknown device family "${family}"`);
  throw new InvalidArgumentError(
    board
      ? `board ${board.id} is not flashed over serial: export the model instead`
      : 'a device family or a board is required',
  );
}

export const openSerialPort: OpenSerialLink = async (port, baud, parity) => {
  const link = new SerialTransport(port, { baud, parity });
  await link.open();
  return link;
};

export async function flashModel(request: FlashModelRequest): Promise<FlashOutcome> {
  const { modelName, family: asked, openSerial, ...rest } = request;
  const family = resolveFamily(asked, request.board);
  const image = buildContainer(request.model);
  if (family.link !== 'drive')
    request.onProgress?.({
      phase: 'connect',
      done: 0,
      total: image.length,
      bytesPerSec: 0,
      etaSec: undefined,
    });
  const outcome = await family.flash({
    ...rest,
    image,
    baseName: exportBaseName(modelName),
    baud: request.baud ?? 115200,
    reset: request.reset ?? true,
    openSerial: openSerial ?? openSerialPort,
  });
  return { ...outcome, modelBytes: request.model.length };
}
