/** Contract shapes of the Devices view and the wizard's Deploy panel (issue 7). Type-only. */

export interface SerialPortEntry {
  path: string;
  vid?: number;
  pid?: number;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  source: string;
  /** Catalogue board ids whose USB IDs match (a guess: USB bridges are shared by many boards). */
  boards: string[];
}

export interface UsbDeviceEntry {
  vid: number;
  pid: number;
  bus: string;
  address: number;
  boards: string[];
}

export interface DeviceList {
  serial: SerialPortEntry[];
  usb: UsbDeviceEntry[];
  /** What could not be listed and why (no udevadm, no USB permissions...). */
  warnings: string[];
}

export interface FlashParams {
  modelId: string;
  /** Serial port; for uf2 the BOOTSEL drive's mount point, or 'auto' to find the mounted one. */
  port: string;
  protocol: 'esp32' | 'stm32' | 'uf2';
  /** ESP32: partition name (default from the board, else "model"). */
  partition?: string;
  /** Flash address; STM32 needs it or a board (never the firmware at 0x08000000 by default). */
  address?: number;
  baud?: number;
  board?: string;
}

export interface FlashOutcome {
  protocol: 'esp32' | 'stm32' | 'uf2';
  chip: string;
  address: number;
  /** Container bytes written (the model plus Lowbit's 32-byte header). */
  bytes: number;
  modelBytes: number;
  retries: number;
  /** uf2: nothing reads the flash back; the boot ROM checks each block as it lands. */
  verifiedBy: 'md5' | 'readback' | 'none';
  ms: number;
  /** uf2: the file written onto the drive. */
  file?: string;
}

export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}
