import { exportModel } from '../../engine/deploy/export-formats';
import { DeviceNotFoundError, InvalidArgumentError } from '../../engine/errors';
import type { DeviceFamily } from '../family';
import { copyToUf2Drive, findUf2DriveFor, readUf2Info } from './drive';

/**
 * RP2040 / RP2350: the image as UF2 blocks, copied onto the BOOTSEL drive; the boot ROM checks
 * each block as it lands and flashes it, so nothing reads the flash back (verify: none).
 */
export const uf2Family: DeviceFamily = {
  id: 'uf2',
  label: 'UF2 copy onto a BOOTSEL drive (RP2040 / RP2350)',
  link: 'drive',
  verify: 'none',
  capabilities: { needsAddress: true, readsPartitionTable: false, resetsBoard: false, changesBaud: false },
  detect: (found) => found.drives.map((d) => d.mount),
  async flash(r) {
    const t0 = Date.now();
    const address = r.address ?? r.board?.model.address;
    if (address === undefined) throw new InvalidArgumentError('uf2 needs an address or a board');
    const family = r.uf2Family ?? r.board?.model.uf2Family ?? 'rp2040';
    const drive = r.target === 'auto' ? findUf2DriveFor(family) : readUf2Info(r.target);
    if (!drive)
      throw new DeviceNotFoundError(
        r.target === 'auto'
          ? 'no RPI-RP2 / RP2350 drive is mounted: hold BOOTSEL while plugging the board in'
          : `${r.target} is not a UF2 bootloader drive (no INFO_UF2.TXT)`,
      );
    const [uf2] = exportModel('uf2', {
      bytes: r.model,
      baseName: r.baseName,
      sourceName: r.baseName,
      uf2: { address, family },
    }).files;
    const total = uf2!.contents.length;
    r.onProgress?.({ phase: 'write', done: 0, total, bytesPerSec: 0, etaSec: undefined });
    const file = copyToUf2Drive(drive, uf2!.path, uf2!.contents as Uint8Array);
    r.onProgress?.({ phase: 'done', done: total, total, bytesPerSec: 0, etaSec: undefined });
    return {
      protocol: 'uf2',
      chip: drive.boardId || drive.family,
      address,
      bytes: r.image.length,
      retries: 0,
      verifiedBy: 'none',
      ms: Date.now() - t0,
      file,
    };
  },
};
