import { InvalidArgumentError } from '../../engine/errors';
import type { DeviceFamily } from '../family';
import { openUsbTarget, usbTargetOf } from '../link/usb-backend';
import { flashPicoboot } from './flasher';
import { PICOBOOT_CHIPS, PICOBOOT_VENDOR_ID, picobootChipByIds } from './protocol';

const BOOTSEL_IDS = PICOBOOT_CHIPS.map((c) => ({ vid: PICOBOOT_VENDOR_ID, pid: c.pid }));

/**
 * RP2040 / RP2350 in BOOTSEL, over the boot ROM's PICOBOOT USB interface: the same model image
 * and address as the UF2 copy, but erased, written, read back and compared by Lowbit, then the
 * board is rebooted into its application. Target: "usb:BUS:ADDRESS" from the listing, or auto.
 */
export const picobootFamily: DeviceFamily = {
  id: 'picoboot',
  label: 'PICOBOOT over USB (RP2040 / RP2350 in BOOTSEL)',
  link: 'usb',
  verify: 'readback',
  capabilities: { needsAddress: true, readsPartitionTable: false, resetsBoard: true, changesBaud: false },
  detect: (found) => found.usb.filter((u) => picobootChipByIds(u.vid, u.pid)).map(usbTargetOf),
  async flash(r) {
    const address = r.address ?? r.board?.model.address;
    if (address === undefined) throw new InvalidArgumentError('picoboot needs an address or a board');
    const chip = r.board?.mcu.startsWith('RP2350')
      ? 'RP2350'
      : r.board?.mcu === 'RP2040'
        ? 'RP2040'
        : undefined;
    return flashPicoboot(() => openUsbTarget(r.target, BOOTSEL_IDS), r.image, {
      address,
      flashBytes: r.board ? r.board.flashKB * 1024 : undefined,
      expectChip: chip,
      retries: r.retries,
      signal: r.signal,
      onProgress: r.onProgress,
      onLog: r.onLog,
    });
  },
};
