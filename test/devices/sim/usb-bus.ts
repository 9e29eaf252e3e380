/**
 * A simulated USB bus for child processes (`LOWBIT_SIMULATED_USB=test/devices/sim/usb-bus.ts
 * lowbit serve|flash|devices`): an RP2040 in BOOTSEL (PICOBOOT, usb:1-2:7), an STM32F746 in its
 * USB bootloader (DfuSe, 0483:df11) and a Coral USB
 * Accelerator waiting for its firmware (1a6e:089a, usb:1-3:4, which this user may not open: the
 * listing says so and the opener refuses). A device that reboots leaves the bus, as hardware does.
 */
import type { ListedUsbDevice, UsbBackend } from '../../../main/devices/link/usb-backend';
import { DfuseSimDevice } from '../usb-sim/dfuse-sim';
import { PicobootDevice } from './picoboot-device';

const pico = new PicobootDevice({ chip: 'RP2040', bus: '1-2', address: 7 });
/** An STM32F746 in its system bootloader over USB (0483:df11, the F74x layout). */
const stm32 = new DfuseSimDevice({ altNames: ['@Internal Flash  /0x08000000/04*032Kg,01*128Kg,03*256Kg'] });

const denied = async (): Promise<never> => {
  throw new Error('LIBUSB_ERROR_ACCESS');
};
const coral: ListedUsbDevice = {
  vendorId: 0x1a6e,
  productId: 0x089a,
  bus: '1-3',
  address: 4,
  access: 'denied',
  opened: false,
  open: denied,
  close: async () => undefined,
  claimInterface: denied,
  releaseInterface: denied,
  controlTransferIn: denied,
  controlTransferOut: denied,
  transferIn: denied,
  transferOut: denied,
  reset: denied,
};

const bus: UsbBackend = {
  getDevices: async () => [pico, stm32, coral].filter((d) => !('gone' in d && d.gone)),
};
export default bus;
