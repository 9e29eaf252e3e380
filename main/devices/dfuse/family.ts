import { InvalidArgumentError } from '../../engine/errors';
import type { DeviceFamily } from '../family';
import type { OpenUsbLink, UsbLink } from '../link/link';
import { openUsbLink, openUsbTarget, usbTargetOf } from '../link/usb-backend';
import { flashDfuse } from './flasher';

/** ST's system bootloader in USB DFU mode (BOOT0 high, USB plugged in). */
export const STM32_DFU_VID = 0x0483;
export const STM32_DFU_PID = 0xdf11;
const hex4 = (n: number) => n.toString(16).padStart(4, '0');
const STM32_DFU_ID = `${hex4(STM32_DFU_VID)}:${hex4(STM32_DFU_PID)}`;

/** "vvvv:pppp" names a DfuSe device by its IDs (another vendor's DfuSe loader, say). */
const VID_PID = /^([0-9a-f]{4}):([0-9a-f]{4})$/i;

/**
 * The link for a target: "auto" (ST's bootloader, 0483:df11), "usb:BUS:ADDRESS" from the listing,
 * or "vvvv:pppp" (`openUsb`, from tests, opens by IDs).
 */
function openTarget(target: string, openUsb: OpenUsbLink | undefined): Promise<UsbLink> {
  const ids = VID_PID.exec(target.trim());
  const isListed = /^usb:[^:]+:\d+$/.test(target);
  if (!ids && !isListed && target !== 'auto')
    throw new InvalidArgumentError(
      `"${target}" is not a USB VID:PID like ${STM32_DFU_ID}, a usb:BUS:ADDRESS from lowbit devices, or auto`,
    );
  if (isListed) return openUsbTarget(target, [{ vid: STM32_DFU_VID, pid: STM32_DFU_PID }]);
  const [vid, pid] = ids ? [parseInt(ids[1], 16), parseInt(ids[2], 16)] : [STM32_DFU_VID, STM32_DFU_PID];
  return (openUsb ?? openUsbLink)(vid, pid);
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
    found.usb.filter((u) => u.vid === STM32_DFU_VID && u.pid === STM32_DFU_PID).map(usbTargetOf),
  async flash(r) {
    const address = r.address ?? r.board?.model.address;
    if (address === undefined)
      throw new InvalidArgumentError(
        'dfuse needs an address or a board (flashing over the firmware at 0x08000000 is never a default)',
      );
    const link = await openTarget(r.target, r.openUsb);
    try {
      const { signal, onProgress, onLog, retries } = r;
      return await flashDfuse(link, r.image, { address, signal, onProgress, onLog, retries });
    } finally {
      await link.close();
    }
  },
};
