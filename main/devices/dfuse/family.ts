import { InvalidArgumentError } from '../../engine/errors';
import type { DeviceFamily } from '../family';
import { openUsbLink } from '../link/usb';
import { flashDfuse } from './flasher';

/** ST's system bootloader in USB DFU mode (BOOT0 high, USB plugged in). */
export const STM32_DFU_VID = 0x0483;
export const STM32_DFU_PID = 0xdf11;
const hex4 = (n: number) => n.toString(16).padStart(4, '0');
const STM32_DFU_ID = `${hex4(STM32_DFU_VID)}:${hex4(STM32_DFU_PID)}`;

/** 'auto' is ST's bootloader (0483:df11); "vvvv:pppp" names another DfuSe device. */
function usbIdsOf(target: string): [number, number] {
  if (target === 'auto' || target === '') return [STM32_DFU_VID, STM32_DFU_PID];
  const m = /^(?:usb:)?([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(target.trim());
  if (!m) throw new InvalidArgumentError(`"${target}" is not a USB VID:PID like ${STM32_DFU_ID} (or auto)`);
  return [parseInt(m[1], 16), parseInt(m[2], 16)];
}

/**
 * STM32 over USB: the system bootloader's DfuSe interface (AN3156), verified by reading every
 * byte back; the same model image and address as the serial stm32 family.
 */
export const dfuseFamily: DeviceFamily = {
  id: 'dfuse',
  label: 'STM32 system bootloader over USB (DfuSe)',
  link: 'usb',
  verify: 'readback',
  capabilities: { needsAddress: true, readsPartitionTable: false, resetsBoard: false, changesBaud: false },
  detect: (found) =>
    found.usb.some((u) => u.vid === STM32_DFU_VID && u.pid === STM32_DFU_PID) ? [`usb:${STM32_DFU_ID}`] : [],
  async flash(r) {
    const address = r.address ?? r.board?.model.address;
    if (address === undefined)
      throw new InvalidArgumentError(
        'dfuse needs an address or a board (flashing over the firmware at 0x08000000 is never a default)',
      );
    const [vid, pid] = usbIdsOf(r.target);
    const link = await (r.openUsb ?? openUsbLink)(vid, pid);
    try {
      const { signal, onProgress, onLog, retries } = r;
      return await flashDfuse(link, r.image, { address, signal, onProgress, onLog, retries });
    } finally {
      await link.close();
    }
  },
};
