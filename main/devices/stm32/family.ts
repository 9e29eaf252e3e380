import { InvalidArgumentError } from '../../engine/errors';
import type { DeviceFamily } from '../family';
import { serialPortsFlashedBy } from '../detect';
import { flashStm32 } from './flasher';

/** STM32 system bootloader over USART (AN3155, 8E1), verified by reading everything back. */
export const stm32Family: DeviceFamily = {
  id: 'stm32',
  label: 'STM32 system bootloader (USART)',
  link: 'serial',
  verify: 'readback',
  capabilities: { needsAddress: true, readsPartitionTable: false, resetsBoard: false, changesBaud: false },
  detect: (found) => serialPortsFlashedBy('stm32', found),
  async flash(r) {
    const address = r.address ?? r.board?.model.address;
    if (address === undefined)
      throw new InvalidArgumentError(
        'stm32 needs an address or a board (flashing over the firmware at 0x08000000 is never a default)',
      );
    const link = await r.openSerial(r.target, r.baud, 'even');
    try {
      return await flashStm32(link, r.image, {
        signal: r.signal,
        onProgress: r.onProgress,
        onLog: r.onLog,
        retries: r.retries,
        baud: r.baud,
        address,
        expectPid: r.board?.stm32Pid,
      });
    } finally {
      await link.close();
    }
  },
};
