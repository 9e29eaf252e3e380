import type { DeviceFamily } from '../family';
import { overSerialLink, serialPortsFlashedBy } from '../serial-family';
import { flashEsp32 } from './flasher';

/** ESP32 / ESP32-S3 through the ROM loader over serial, verified by SPI_FLASH_MD5. */
export const esp32Family: DeviceFamily = {
  id: 'esp32',
  label: 'ESP32 ROM loader (serial)',
  link: 'serial',
  verify: 'md5',
  capabilities: { needsAddress: false, readsPartitionTable: true, resetsBoard: true, changesBaud: true },
  detect: (found) => serialPortsFlashedBy('esp32', found),
  flash: (r) =>
    overSerialLink(r, 'none', (link, common) =>
      flashEsp32(link, r.image, {
        ...common,
        flashBaud: r.flashBaud,
        address: r.address ?? (r.partition ? undefined : r.board?.model.address),
        partition: r.address === undefined ? (r.partition ?? r.board?.model.partition) : undefined,
        reset: r.reset ? 'classic' : 'none',
        resetAfter: r.reset,
        expectChip: r.board?.espChip,
        flashSize: r.board ? r.board.flashKB * 1024 : undefined,
      }),
    ),
};
