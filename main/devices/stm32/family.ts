import { InvalidArgumentError } from '../../engine/errors';
import type { DeviceFamily } from '../family';
import { overSerialLink, serialPortsFlashedBy } from '../serial-family';
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
    return overSerialLink(r, 'even', (link, common) =>
      flashStm32(link, r.image, { ...common, address, expectPid: r.board?.stm32Pid }),
    );
  },
};
