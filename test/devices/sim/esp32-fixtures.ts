/** Shared ESP32 simulator setups for the device tests. */
import { md5 } from '../../../main/devices/esp32/flasher';
import { PARTITION_TABLE_OFFSET, buildPartitionTable } from '../../../main/engine/deploy/partition-table';
import { Esp32Sim } from './esp32-sim';

export const MODEL_OFFSET = 0x210000;
export const MODEL_SIZE = 0x80000;

/** A DevKitC-style layout with a 512 KB data partition named "model" and a tiny one. */
export function esp32WithTable(chip: 'esp32' | 'esp32s3' = 'esp32'): Esp32Sim {
  const sim = new Esp32Sim(chip);
  const table = buildPartitionTable(
    [
      { type: 1, subtype: 0x02, offset: 0x9000, size: 0x6000, label: 'nvs', flags: 0 },
      { type: 1, subtype: 0x01, offset: 0xf000, size: 0x1000, label: 'phy_init', flags: 0 },
      { type: 0, subtype: 0x00, offset: 0x10000, size: 0x200000, label: 'factory', flags: 0 },
      { type: 1, subtype: 0x40, offset: MODEL_OFFSET, size: MODEL_SIZE, label: 'model', flags: 0 },
      { type: 1, subtype: 0x40, offset: 0x290000, size: 0x1000, label: 'tiny', flags: 0 },
    ],
    md5,
  );
  sim.flash.set(table, PARTITION_TABLE_OFFSET);
  return sim;
}
