import type { DeviceFamily } from '../family';
import { serialPortsFlashedBy } from '../detect';
import { flashEsp32 } from './flasher';

/** ESP32 / ESP32-S3 through the ROM loader over serial, verified by SPI_FLASH_MD5. */
export const esp32Family: DeviceFamily = {
  id: 'esp32',
  label: 'ESP32 ROM loader (serial)',
  link: 'serial',
  verify: 'md5',
  capabilities: { needsAddress: false, readsPartitionTable: true, resetsBoard: true, changesBaud: true },
  detect: (found) => serialPortsFlashedBy('esp32', found),
  async flash(r) {
    const { board } = r;
    const link = await r.openSerial(r.target, r.baud, 'none');
    try {
      return await flashEsp32(link, r.image, {
        signal: r.signal,
        onProgress: r.onProgress,
        onLog: r.onLog,
        retries: r.retries,
        baud: r.baud,
        flashBaud: r.flashBaud,
        address: r.address ?? (r.partition ? undefined : board?.model.address),
        partition: r.address === undefined ? (r.partition ?? board?.model.partition) : undefined,
        reset: r.reset ? 'classic' : 'none',
        resetAfter: r.reset,
        expectChip: board?.espChip,
        flashSize: board ? board.flashKB * 1024 : undefined,
      });
    } finally {
      await link.close();
    }
  },
};
